"""Reads about user accounts, including the personal-data export."""

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from .models import User

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
        "roles": [role.name.lower() for role in user_roles(user)],
        "agencies": [
            {"code": m.agency.code, "name": m.agency.name_zh, "title": m.title}
            for m in user.agency_memberships.select_related("agency").order_by("agency__code")
        ],
    }
    for name, section in sorted(_export_sections.items()):
        data[name] = section(user)
    return data
