"""The one rule for everything derived from what people wrote: publishable text only.

Analyses (words, keywords, tone, emotions), campaign and near-duplicate clusters, search,
listening figures, reports and every export are computed only from the text **as published**
(after screening's and moderators' masks) of items that are **visible now**. Held, rejected,
hidden and withdrawn items count in moderation figures only, never with their words.

Apps register each kind of text here (participation: comments, statements, petitions;
listening: social posts) and every reader asks this module, so the rule lives in one place.
When an item changes (a moderator's decision, an author's edit or withdrawal),
:func:`published_item_changed` re-derives, in the background after commit, everything that
depends on it through the refreshers apps register (re-analysis, report regeneration).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PublishableKind:
    label: str  # "participation.comment"
    # Narrows a queryset of this model to the items the public can see now.
    visible: Callable[[models.QuerySet], models.QuerySet]
    # The text as published (already masked where screening or a moderator masked it).
    text_of: Callable[[models.Model], str]


_KINDS: dict[str, PublishableKind] = {}
# Called as refresher(label, pk, changed_at) by the background job after an item changed.
_REFRESHERS: list[Callable[[str, int, datetime], None]] = []


def publishable_kind_register(
    *,
    label: str,
    text_of: Callable[[models.Model], str],
    visible: Callable[[models.QuerySet], models.QuerySet] | None = None,
) -> None:
    """Called from an app's ready(); ``visible`` defaults to every row (e.g. social posts)."""
    label = label.lower()
    _KINDS[label] = PublishableKind(
        label=label, visible=visible or (lambda queryset: queryset), text_of=text_of
    )


def publishable_kind(label: str) -> PublishableKind:
    try:
        return _KINDS[label.lower()]
    except KeyError:
        raise LookupError(f"{label} is not a publishable kind") from None


def publishable_labels() -> list[str]:
    return sorted(_KINDS)


def publishable_queryset(label: str) -> models.QuerySet:
    """Every item of this kind that is visible now."""
    kind = publishable_kind(label)
    return kind.visible(apps.get_model(kind.label)._default_manager.all())


def publishable_texts(label: str, pks: Iterable[int]) -> dict[int, str]:
    """pk → text as published, for those of ``pks`` that are visible now (others are left out)."""
    kind = publishable_kind(label)
    pks = list(pks)
    texts: dict[int, str] = {}
    for start in range(0, len(pks), 5000):  # bounded IN lists (SQLite's variable limit)
        for item in publishable_queryset(label).filter(pk__in=pks[start : start + 5000]):
            texts[item.pk] = kind.text_of(item)
    return texts


def text_fingerprint(text: str) -> str:
    """What derived data records of the text it was computed from (see TextAnalysis)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def derived_refresher_register(refresher: Callable[[str, int, datetime], None]) -> None:
    """Called from an app's ready(): ``refresher(label, pk, changed_at)`` re-derives what the
    app keeps about the item. Refreshers are idempotent: a second call for the same change
    finds nothing stale (derived data newer than ``changed_at`` is left alone)."""
    if refresher not in _REFRESHERS:
        _REFRESHERS.append(refresher)


def published_item_changed(instance: models.Model) -> None:
    """The item's visibility or published text changed: re-derive after the transaction commits
    (nothing is enqueued if it rolls back)."""
    from minyi.jobs.publishing_tasks import derived_data_refresh

    label = instance._meta.label_lower
    publishable_kind(label)  # fail loudly for an unregistered kind
    pk = instance.pk
    changed_at = timezone.now().isoformat()
    transaction.on_commit(
        lambda: derived_data_refresh.enqueue(model_label=label, pk=pk, changed_at=changed_at)
    )


def derived_data_refresh_now(*, model_label: str, pk: int, changed_at: datetime) -> int:
    """Run every refresher for one item (the background job's body); returns how many ran.

    One refresher failing does not stop the others; the first failure is raised at the end so
    the job is retried.
    """
    errors: list[Exception] = []
    for refresher in list(_REFRESHERS):
        try:
            refresher(model_label, pk, changed_at)
        except Exception as exc:
            logger.exception("Refreshing derived data of %s %s failed", model_label, pk)
            errors.append(exc)
    if errors:
        raise errors[0]
    return len(_REFRESHERS)
