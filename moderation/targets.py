"""What moderation needs to know about each kind of moderated item.

Apps register their models here (participation: comments and statements) so moderation can
hide, publish or mask an item, tell its author and update open pages, without importing them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemState:
    VISIBLE = "visible"
    HELD = "held"
    HIDDEN = "hidden"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


ITEM_STATE_LABELS = {
    ItemState.VISIBLE: _("Visible"),
    ItemState.HELD: _("Held for review"),
    ItemState.HIDDEN: _("Hidden"),
    ItemState.REJECTED: _("Not published"),
    ItemState.WITHDRAWN: _("Withdrawn by the author"),
}


@dataclass(frozen=True)
class ModeratedKind:
    label: str  # "participation.comment"
    noun_zh: str  # 留言, 意見陳述
    get_state: Callable[[models.Model], str]
    set_state: Callable[[models.Model, str], None]  # saves; also sends the live event
    get_text: Callable[[models.Model], str]
    set_text: Callable[[models.Model, str], None]  # saves
    author_user: Callable[[models.Model], object | None]
    url: Callable[[models.Model], str]
    # Items waiting for a moderator: held by screening or hidden after reports.
    review_queryset: Callable[[], models.QuerySet]
    # The NLP model's reading of the item's tone, for moderators only ("" when none); the
    # public never sees it per item.
    reading_of: Callable[[models.Model], str] | None = None
    # What the item belongs to, for moderators: (title, public URL or "").
    where: Callable[[models.Model], tuple[str, str]] | None = None
    # For the moderators' list of all items: the stored field holding the state, the stored
    # values of each ItemState, fields searched, and the consultation field ("" if none).
    state_field: str = ""
    state_values: dict[str, list[str]] | None = None
    search_fields: tuple[str, ...] = ()
    consultation_field: str = ""
    # The lookup from the item to its author's user ("author", "author__user"), so that an
    # author can see what of theirs waits for a moderator ("" when the kind cannot say).
    author_lookup: str = ""
    noun_en: str = ""  # comment, statement: for the English site

    @property
    def noun(self) -> str:
        """What the item is called in the reader's language."""
        from minyi.home.dates import english_now

        return self.noun_en if self.noun_en and english_now() else self.noun_zh


_KINDS: dict[str, ModeratedKind] = {}


def moderated_kind_register(kind: ModeratedKind) -> None:
    _KINDS[kind.label] = kind


def moderated_kind(instance_or_label) -> ModeratedKind:
    label = (
        instance_or_label
        if isinstance(instance_or_label, str)
        else instance_or_label._meta.label_lower
    )
    try:
        return _KINDS[label]
    except KeyError:
        raise LookupError(f"{label} is not a moderated kind") from None


def moderated_kinds() -> list[ModeratedKind]:
    return list(_KINDS.values())
