"""Background jobs of the NLP engine: analysis never runs in a web request."""

from minyi.jobs.tasks import job

from .services import texts_analyse


@job(max_attempts=3, backoff_seconds=30)
def text_analysis(*, model_label: str, pks: list[int]) -> int:
    return texts_analyse(model_label=model_label, pks=pks)
