"""Reads about user accounts, including the personal-data export."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .mobile import mobile_number_masked
from .models import AssuranceLevel, MobileNumber, User

# Other apps add what they store about a person (comments, votes, ...):
#   register_export_section("comments", lambda user: [...])
ExportSection = Callable[[User], Any]
_export_sections: dict[str, ExportSection] = {}


def register_export_section(name: str, section: ExportSection) -> None:
    if name in _export_sections and _export_sections[name] is not section:
        raise ValueError(f"Export section {name!r} is already registered.")
    _export_sections[name] = section


def user_data_export(user: User) -> dict[str, Any]:
    """Everything the platform holds about ``user``, in plain JSON-able values."""
    from allauth.account.models import EmailAddress

    from minyi.agencies.selectors import user_roles

    roles = user_roles(user)
    data: dict[str, Any] = {
        "format": "minyi-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "roles": [role.name.lower() for role in roles],
        "role_labels": [role.value for role in roles],  # the roles' names on the site (公民)
        "agencies": [
            {"code": m.agency.code, "name": m.agency.name_zh, "title": m.title}
            for m in user.agency_memberships.select_related("agency").order_by("agency__code")
        ],
    }
    data["identity"] = {
        "assurance_level": int(user_assurance_level(user)),
        "mobile_number": (
            mobile_number_masked(user.mobile_number.last_digits)
            if MobileNumber.objects.filter(user=user).exists()
            else None
        ),
        "government_identity_providers": sorted(
            user.socialaccount_set.values_list("provider", flat=True)
        ),
    }
    for name, section in sorted(_export_sections.items()):
        data[name] = section(user)
    return data


# --- Identity assurance ------------------------------------------------------------------------
# Apps ask here whether a person may do something (assurance_require) instead of reading the
# accounts' tables: the policy (MINYI_ASSURANCE_POLICY) and the levels stay in one place.

ASSURANCE_POLICY_DEFAULT = {
    "petition_propose": AssuranceLevel.MOBILE,
    "petition_endorse": AssuranceLevel.MOBILE,
    "comment": AssuranceLevel.EMAIL,
    "statement": AssuranceLevel.EMAIL,
    "vote": AssuranceLevel.EMAIL,
}


class AssuranceRequired(ValidationError):
    """``user`` is below the level that ``action`` needs; views send them to verify."""

    def __init__(self, message, *, action: str, level: AssuranceLevel):
        super().__init__(message, code="assurance_required")
        self.action = action
        self.level = level


def government_id_providers() -> list[str]:
    """The provider ids (allauth OpenID Connect apps) that count as government identity (L3)."""
    return list(getattr(settings, "MINYI_GOVERNMENT_ID_PROVIDERS", []))


def user_assurance_level(user) -> AssuranceLevel:
    """The highest level ``user`` has reached (each level includes the ones below)."""
    from allauth.account.models import EmailAddress

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return AssuranceLevel.NONE
    if user.socialaccount_set.filter(provider__in=government_id_providers()).exists():
        return AssuranceLevel.GOVERNMENT_ID
    if MobileNumber.objects.filter(user=user).exists():
        return AssuranceLevel.MOBILE
    if EmailAddress.objects.filter(user=user, verified=True).exists():
        return AssuranceLevel.EMAIL
    return AssuranceLevel.NONE


def assurance_required(action: str) -> AssuranceLevel:
    """The level ``action`` needs under the policy in settings (MINYI_ASSURANCE_POLICY)."""
    policy = {**ASSURANCE_POLICY_DEFAULT, **getattr(settings, "MINYI_ASSURANCE_POLICY", {})}
    if action not in policy:
        raise ValueError(f"No assurance policy for {action!r}.")
    return AssuranceLevel(int(policy[action]))


def _assurance_message(action: str, level: AssuranceLevel) -> str:
    if level >= AssuranceLevel.GOVERNMENT_ID:
        return _("This needs a sign-in with a government digital identity.")
    if level >= AssuranceLevel.MOBILE:
        if action == "petition_propose":
            return _("Proposing a petition needs a verified mobile number.")
        return _("Endorsing a petition needs a verified mobile number.")
    return _("Please confirm your e-mail address first.")


def user_reaches_level(user, level: AssuranceLevel) -> bool:
    """Whether ``user`` is at ``level`` or above: the cheapest checks first (one query for the
    usual case), for the services that ask on every comment and vote."""
    from allauth.account.models import EmailAddress

    if level <= AssuranceLevel.NONE:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if level <= AssuranceLevel.EMAIL and (
        EmailAddress.objects.filter(user=user, verified=True).exists()
    ):
        return True
    if level <= AssuranceLevel.MOBILE and MobileNumber.objects.filter(user=user).exists():
        return True
    return user.socialaccount_set.filter(provider__in=government_id_providers()).exists()


def assurance_require(*, user, action: str) -> None:
    """Raise :class:`AssuranceRequired` unless ``user`` reaches the level ``action`` needs."""
    needed = assurance_required(action)
    if not user_reaches_level(user, needed):
        raise AssuranceRequired(_assurance_message(action, needed), action=action, level=needed)


def assurance_prompt(*, user, action: str) -> dict | None:
    """For a page: what ``user`` lacks for ``action`` (None when nothing), with the message."""
    needed = assurance_required(action)
    if user_reaches_level(user, needed):
        return None
    return {"level": needed, "message": _assurance_message(action, needed)}


# What a person can do at each level, as the profile lists it: each entry names the policy's
# actions it covers (all of them must be allowed for the entry to be).
ASSURANCE_ABILITIES = (
    (("comment", "statement", "vote"), gettext_lazy("Comment, write statements and vote")),
    (("petition_propose",), gettext_lazy("Propose petitions")),
    (("petition_endorse",), gettext_lazy("Endorse petitions")),
)


def user_abilities(user) -> list[dict]:
    """What ``user`` may do now and, for the rest, the level that would allow it."""
    level = user_assurance_level(user)
    abilities = []
    for actions, label in ASSURANCE_ABILITIES:
        needed = max(assurance_required(action) for action in actions)
        abilities.append({"label": label, "allowed": level >= needed, "needed": needed})
    return abilities


def users_at_level_q(level: AssuranceLevel, *, field: str = "pk") -> Q:
    """A filter on ``field`` (a user id) for users at ``level`` or above, for counting, e.g.
    ``endorsements.filter(users_at_level_q(AssuranceLevel.MOBILE, field="user_id"))``."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount

    government = SocialAccount.objects.filter(provider__in=government_id_providers())
    q = Q(**{f"{field}__in": government.values("user_id")})
    if level <= AssuranceLevel.MOBILE:
        q |= Q(**{f"{field}__in": MobileNumber.objects.values("user_id")})
    if level <= AssuranceLevel.EMAIL:
        q |= Q(**{f"{field}__in": EmailAddress.objects.filter(verified=True).values("user_id")})
    if level <= AssuranceLevel.NONE:
        q = Q()
    return q


def user_identity_key(user) -> str:
    """An opaque key for the person behind ``user`` ("" when unverified): the keyed hash of their
    mobile number, or of their government identity. Apps store it to stop one person acting
    twice through two accounts (one endorsement per number and petition)."""
    mobile = MobileNumber.objects.filter(user=user).first()
    if mobile is not None:
        return f"mobile:{mobile.number_hash}"
    social = user.socialaccount_set.filter(provider__in=government_id_providers()).first()
    if social is not None:
        digest = salted_hmac(
            "minyi.accounts.government_id",
            f"{social.provider}:{social.uid}",
            secret=getattr(settings, "MINYI_MOBILE_HASH_KEY", "") or settings.SECRET_KEY,
            algorithm="sha256",
        ).hexdigest()
        return f"gov:{digest}"
    return ""
