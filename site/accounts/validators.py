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
# Names that would pass for the government or the platform's own staff, taken as a whole name
# (「熱心市民」 is fine, 「政府」 or 「客服」 alone is not). Agencies' own names are checked
# against the agency table (``agencies.selectors.agency_impersonated_by``).
OFFICIAL_DISPLAY_NAMES = frozenset(
    name.casefold()
    for name in (
        "政府",
        "政府機關",
        "中華民國政府",
        "台灣政府",
        "臺灣政府",
        "官方",
        "官方帳號",
        "官方客服",
        "行政院",
        "總統府",
        "總統",
        "立法院",
        "司法院",
        "考試院",
        "監察院",
        "客服",
        "客服中心",
        "客服人員",
        "發言人",
        "機關",
        "承辦人",
        "站長",
        "版主",
        "審核者",
        "government",
        "official",
        "support",
        "staff",
    )
)
_EMAIL_LIKE = re.compile(r"\S+@\S+\.\S+")
_PHONE_LIKE = re.compile(r"\d{8,}")


def normalize_display_name(value: str) -> str:
    """NFKC (full-width letters to half-width) and collapsed whitespace."""
    return " ".join(unicodedata.normalize("NFKC", value).split())


def display_name_key(value: str) -> str:
    """What a name reads as, to compare with reserved ones: no case, spaces or punctuation
    (「交 通 部！」 reads as 「交通部」)."""
    return re.sub(r"[\W_]+", "", normalize_display_name(value)).casefold()


def validate_display_name(value: str) -> None:
    name = normalize_display_name(value)
    if len(name) < 2:
        raise ValidationError(_("A display name needs at least 2 characters."), code="too_short")
    if len(name) > 30:
        raise ValidationError(_("A display name has at most 30 characters."), code="too_long")
    key = display_name_key(name)
    if name.casefold() in RESERVED_DISPLAY_NAMES or key in RESERVED_DISPLAY_NAMES:
        raise ValidationError(_("This display name is reserved."), code="reserved")
    if key in OFFICIAL_DISPLAY_NAMES:
        raise ValidationError(
            _(
                "This name would pass for the government or the platform's staff; "
                "please choose a personal one."
            ),
            code="official",
        )
    if _EMAIL_LIKE.search(name) or _PHONE_LIKE.search(name.replace("-", "").replace(" ", "")):
        raise ValidationError(
            _("Do not use an e-mail address or phone number as your display name."),
            code="personal_data",
        )
    if any(unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cs"} for ch in name):
        raise ValidationError(
            _("The display name contains invisible characters."), code="invisible"
        )
