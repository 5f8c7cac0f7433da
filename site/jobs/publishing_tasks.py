"""The background job that re-derives what depends on an item after it changed (see
minyi.publishing): a moderator's decision or an author's edit or withdrawal."""

from django.utils.dateparse import parse_datetime

from .tasks import job


@job(max_attempts=3, backoff_seconds=10)
def derived_data_refresh(*, model_label: str, pk: int, changed_at: str) -> int:
    from minyi.publishing import derived_data_refresh_now

    return derived_data_refresh_now(
        model_label=model_label, pk=pk, changed_at=parse_datetime(changed_at)
    )
