"""Taiwanese mobile numbers: normalised to E.164 and kept only as a keyed hash.

A number is stored as an HMAC (SHA-256) under a key derived from ``SECRET_KEY`` (or
``MINYI_MOBILE_HASH_KEY`` when set, so that rotating the secret key does not forget every
number) plus its last three digits, which is all the account page shows.
"""

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

_SEPARATORS = re.compile(r"[\s\-–—.()（）]")
# 09xxxxxxxx, +886 9xxxxxxxx, 886 9xxxxxxxx (an extra 0 after the country code is tolerated).
_TAIWAN_MOBILE = re.compile(r"^(?:\+?886|00886)?0?(9\d{8})$")


def mobile_number_normalize(value: str) -> str:
    """``0912-345-678``, ``+886 912 345 678`` or full-width digits → ``+886912345678``."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value or ""))
    match = _TAIWAN_MOBILE.match(text)
    if not match:
        raise ValidationError(
            _("Enter a Taiwanese mobile number, such as 0912-345-678 or +886 912 345 678."),
            code="malformed",
        )
    return f"+886{match.group(1)}"


def _hash_secret() -> str:
    return getattr(settings, "MINYI_MOBILE_HASH_KEY", "") or settings.SECRET_KEY


def mobile_number_hash(number: str) -> str:
    """The keyed hash of a normalised number (64 hex characters)."""
    return salted_hmac(
        "minyi.accounts.mobile_number", number, secret=_hash_secret(), algorithm="sha256"
    ).hexdigest()


def mobile_code_hash(*, number_hash: str, code: str) -> str:
    return salted_hmac(
        "minyi.accounts.mobile_code",
        f"{number_hash}:{code}",
        secret=_hash_secret(),
        algorithm="sha256",
    ).hexdigest()


def mobile_number_masked(last_digits: str) -> str:
    """How the account page shows a number: ``09XX-XXX-678``."""
    return f"09XX-XXX-{last_digits}"
