"""Rules for public display names."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Names that would let someone pose as the platform or as a removed account.
RESERVED_DISPLAY_NAMES = frozenset(
    name.casefold()
    for name in (
        "已刪除的使用者",
        "deleted user",
        "管理員",
        "系統管理員",
        "admin",
        "administrator",
        "minyi",
        "民意",
        "moderator",
        "審核員",
        "system",
        "系統",
    )
)
_EMAIL_LIKE = re.compile(r"\S+@\S+\.\S+")
_PHONE_LIKE = re.compile(r"\d{8,}")


def normalize_display_name(value: str) -> str:
    """NFKC (full-width letters to half-width) and collapsed whitespace."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


def validate_display_name(value: str) -> None:
    name = normalize_display_name(value)
    if len(name) < 2:
        raise ValidationError(_("A display name needs at least 2 characters."), code="too_short")
    if len(name) > 30:
        raise ValidationError(_("A display name has at most 30 characters."), code="too_long")
    if name.casefold() in RESERVED_DISPLAY_NAMES:
        raise ValidationError(_("This display name is reserved."), code="reserved")
    if _EMAIL_LIKE.search(name) or _PHONE_LIKE.search(name.replace("-", "").replace(" ", "")):
        raise ValidationError(
            _("Do not use an e-mail address or phone number as your display name."),
            code="personal_data",
        )
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cs"} for ch in name):
        raise ValidationError(
            _("The display name contains invisible characters."), code="invisible"
        )
