"""Writes for user accounts."""

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from minyi.agencies.roles import Role
from minyi.agencies.services import user_role_add

from .models import User


# no caller: sign-up goes through allauth's form; this creates accounts for the demo and scripts
@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    display_name: str,
    first_name: str = "",
    last_name: str = "",
    email_verified: bool = False,
) -> User:
    """Create a citizen account (other roles are added with ``user_role_add``)."""
    from allauth.account.models import EmailAddress

    user = User(
        email=User.objects.normalize_email(email).lower(),
        display_name=display_name,
        first_name=first_name,
        last_name=last_name,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=email_verified)
    user_signup_complete(user=user)
    return user


@transaction.atomic
def user_created_by_administrator(*, user: User) -> None:
    """An administrator vouches for the address of an account made in the admin."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": True}
    )
    user_signup_complete(user=user)


def user_signup_complete(*, user: User) -> None:
    """Everyone who signs up is a citizen."""
    user_role_add(user=user, role=Role.CITIZEN)


@transaction.atomic
def user_update_profile(*, user: User, display_name: str, first_name: str, last_name: str) -> User:
    user.display_name = display_name
    user.first_name = first_name
    user.last_name = last_name
    user.full_clean()
    user.save(update_fields=["display_name", "first_name", "last_name"])
    return user


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete an account under the house rule: content stays, the person goes.

    What the user wrote stays public (a consultation's record must stay whole)
    but is shown as "已刪除的使用者"; everything that identifies the person
    (e-mail, real name, display name, password, sessions, roles, agency
    memberships) is erased. The row itself stays so that foreign keys hold.
    """
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).delete()
    user.agency_memberships.all().delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.display_name = None
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.deleted_at = timezone.now()
    user.set_unusable_password()
    user.save()
    _user_sessions_end(user=user)


def _user_sessions_end(*, user: User) -> None:
    # Sessions are not indexed by user; decoding each one is fine at the rate
    # accounts are deleted, and is_active=False already locks the account.
    # Through the session engine, so that a cached copy (cached_db) goes too.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            store(session.session_key).delete()
