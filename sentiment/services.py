"""Writes of the NLP integration: queue texts for analysis, store what the engine read."""

from collections.abc import Callable
from datetime import datetime

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from minyi.publishing import (
    publishable_kind,
    publishable_kind_register,
    publishable_texts,
    text_fingerprint,
)

from .models import TextAnalysis
from .nlp.pipeline import Pipeline

# Labels of the models whose texts are analysed; what is analysed is their publishable text
# (minyi.publishing: visible items, text as published).
_ANALYSED: set[str] = set()
_pipeline: Pipeline | None = None


def analysed_model_register(
    *, model_label: str, text_of: Callable[[models.Model], str] | None = None
) -> None:
    """Called from an app's ready(): texts of this model are analysed after every write.

    Without ``text_of`` the model must already be a publishable kind (minyi.publishing); with
    it, every row of the model counts as published (social posts).
    """
    label = model_label.lower()
    if text_of is not None:
        publishable_kind_register(label=label, text_of=text_of)
    publishable_kind(label)
    _ANALYSED.add(label)


def analysed_model_labels() -> list[str]:
    return sorted(_ANALYSED)


def analysis_pipeline() -> Pipeline:
    """The worker's pipeline, with the admin-edited user dictionary (built once per process)."""
    global _pipeline
    if _pipeline is None:
        from .dictionary import DatabaseUserWords

        _pipeline = Pipeline(user_words=DatabaseUserWords())
    return _pipeline


def text_analysis_request(*, instance: models.Model) -> None:
    """Analyse this text in the background once the current transaction has committed."""
    from .tasks import text_analysis

    label = instance._meta.label_lower
    if label not in _ANALYSED:
        raise ValueError(f"{label} is not registered for analysis")
    pk = instance.pk
    transaction.on_commit(lambda: text_analysis.enqueue(model_label=label, pks=[pk]))


def texts_analyse(
    *, model_label: str, pks: list[int], force: bool = False, batch_size: int = 64
) -> int:
    """Analyse these rows and store the results; returns how many were (re)analysed.

    Only publishable text is read (minyi.publishing): the analysis of a row that is not
    visible now (held, hidden, rejected, withdrawn, deleted) is removed, so nothing derived
    from it remains. A row whose published text and model version are unchanged since its
    last analysis is skipped unless ``force``.
    """
    label = model_label.lower()
    if label not in _ANALYSED:
        raise ValueError(f"{label} is not registered for analysis")
    model = apps.get_model(label)
    content_type = ContentType.objects.get_for_model(model)
    pipeline = analysis_pipeline()
    model_version = pipeline.sentiment_model

    texts = publishable_texts(label, pks)
    gone = [pk for pk in pks if pk not in texts]
    if gone:
        TextAnalysis.objects.filter(content_type=content_type, object_id__in=gone).delete()
    existing = {
        analysis.object_id: analysis
        for analysis in TextAnalysis.objects.filter(content_type=content_type, object_id__in=texts)
    }
    todo = [
        pk
        for pk, text in texts.items()
        if force
        or pk not in existing
        or existing[pk].text_sha256 != text_fingerprint(text)
        or existing[pk].model_version != model_version
    ]
    for start in range(0, len(todo), batch_size):
        chunk = todo[start : start + batch_size]
        results = pipeline.analyze([texts[pk] for pk in chunk], batch_size=batch_size)
        now = timezone.now()
        with transaction.atomic():
            for pk, result in zip(chunk, results, strict=True):
                sentiment = result["sentiment"]
                scores = sentiment["scores"]
                emotions = result["emotions"]
                TextAnalysis.objects.update_or_create(
                    content_type=content_type,
                    object_id=pk,
                    defaults={
                        "text_sha256": text_fingerprint(texts[pk]),
                        "sentiment": sentiment["label"],
                        "score_positive": scores["positive"],
                        "score_neutral": scores["neutral"],
                        "score_negative": scores["negative"],
                        "model_version": sentiment["model"],
                        "tokens": result["tokens"],
                        "keywords": result["keywords"],
                        "emotions": emotions,
                        "dominant_emotion": emotions.get("dominant") or "",
                        "analysed_at": now,
                    },
                )
    return len(todo)


def text_analysis_refresh(model_label: str, pk: int, changed_at: datetime) -> None:
    """Refresher (minyi.publishing): re-analyse a changed item, or drop its analysis if it is
    no longer visible. Idempotent: an unchanged published text is not analysed again."""
    if model_label.lower() in _ANALYSED:
        texts_analyse(model_label=model_label, pks=[pk])
