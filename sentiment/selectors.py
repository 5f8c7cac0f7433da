"""Reads of the NLP integration: the engine's readings of publishable texts only."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from minyi.publishing import publishable_texts, text_fingerprint

from .models import TextAnalysis


def text_analyses_current(
    *, model: type[models.Model], pks, fields: tuple[str, ...]
) -> dict[int, dict]:
    """pk → {field: value} of the stored analyses that may be used now.

    The one rule (minyi.publishing): an analysis counts only if its item is visible now and it
    was computed from the text as published now. A reading of the text before a moderator
    masked it, or of an item since hidden, is left out even before the worker replaced it.
    """
    label = model._meta.label_lower
    texts = publishable_texts(label, pks)
    if not texts:
        return {}
    fingerprints = {pk: text_fingerprint(text) for pk, text in texts.items()}
    content_type = ContentType.objects.get_for_model(model)
    ids = list(fingerprints)
    current: dict[int, dict] = {}
    for start in range(0, len(ids), 5000):  # bounded IN lists (SQLite's variable limit)
        rows = TextAnalysis.objects.filter(
            content_type=content_type, object_id__in=ids[start : start + 5000]
        ).values("object_id", "text_sha256", *fields)
        for row in rows:
            if fingerprints.get(row["object_id"]) == row["text_sha256"]:
                current[row["object_id"]] = {field: row[field] for field in fields}
    return current
