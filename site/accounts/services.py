"""Writes for user accounts."""

import hmac
import secrets
import unicodedata
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.agencies.roles import Role
from minyi.agencies.services import user_role_add
from minyi.ratelimit import configured_limits, rate_limit_check

from .mobile import mobile_code_hash, mobile_number_hash, mobile_number_normalize
from .models import MobileNumber, MobileVerification, User
from .sms import SMSError, sms_send

MOBILE_CODE_VALID_MINUTES = 10
MOBILE_CODE_MAX_ATTEMPTS = 5


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
    MobileNumber.objects.filter(user=user).delete()
    MobileVerification.objects.filter(user=user).delete()
    user.socialaccount_set.all().delete()
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


# --- Mobile number verification (L2) -----------------------------------------------------------


def _mobile_taken_message() -> str:
    return _("This mobile number is already verified by another account.")


def _mobile_rate_check(*, user: User, number_hash: str, ip_address: str) -> None:
    """Codes sent per account, per number and per address (MINYI_RATE_LIMITS mobile_code_*)."""
    message = _("Too many codes were requested. Please wait and try again later.")
    for kind, key, defaults in (
        ("mobile_code_user", f"user:{user.pk}", {"per_hour": 5, "per_day": 10}),
        ("mobile_code_number", f"number:{number_hash}", {"per_hour": 3, "per_day": 6}),
        ("mobile_code_ip", f"ip:{ip_address}", {"per_hour": 30, "per_day": 100}),
    ):
        rate_limit_check(
            key=f"{kind}:{key}", limits=configured_limits(kind, **defaults), message=message
        )


def mobile_verification_start(*, user: User, number: str, ip_address: str) -> MobileVerification:
    """Send a 6-digit code (valid 10 minutes, 5 tries) to ``number`` for ``user`` to confirm.

    The text message goes out before anything is stored: a gateway that refuses it leaves no
    code behind. A newer code replaces the earlier ones.
    """
    number = mobile_number_normalize(number)
    number_hash = mobile_number_hash(number)
    holder = MobileNumber.objects.filter(number_hash=number_hash).first()
    if holder is not None and holder.user_id != user.pk:
        raise ValidationError(_mobile_taken_message(), code="taken")
    if holder is not None:
        raise ValidationError(_("This number is already verified on your account."), code="own")
    _mobile_rate_check(user=user, number_hash=number_hash, ip_address=ip_address)
    code = f"{secrets.randbelow(1_000_000):06d}"
    text = _(
        "[Minyi] Your verification code is %(code)s. It is valid for %(minutes)d minutes."
        " Never give it to anyone."
    ) % {"code": code, "minutes": MOBILE_CODE_VALID_MINUTES}
    try:
        sms_send(to=number, text=text)
    except SMSError:
        raise ValidationError(
            _("The text message could not be sent. Please try again in a few minutes."),
            code="sms_failed",
        ) from None
    now = timezone.now()
    with transaction.atomic():
        MobileVerification.objects.filter(user=user, confirmed_at__isnull=True).update(
            expires_at=now
        )
        return MobileVerification.objects.create(
            user=user,
            number_hash=number_hash,
            last_digits=number[-3:],
            code_hash=mobile_code_hash(number_hash=number_hash, code=code),
            created_at=now,
            expires_at=now + timedelta(minutes=MOBILE_CODE_VALID_MINUTES),
        )


def mobile_verification_pending(*, user: User) -> MobileVerification | None:
    """The code ``user`` may still enter (None when there is none or it ran out)."""
    return (
        MobileVerification.objects.filter(
            user=user,
            confirmed_at__isnull=True,
            expires_at__gt=timezone.now(),
            attempts__lt=MOBILE_CODE_MAX_ATTEMPTS,
        )
        .order_by("-created_at")
        .first()
    )


@transaction.atomic
def _mobile_code_check(*, user: User, code: str) -> tuple[str | None, MobileNumber | None]:
    """Count one try and, when the code is right, store the number; an error message instead
    of an exception, so that the counted try is committed."""
    now = timezone.now()
    verification = (
        MobileVerification.objects.select_for_update()
        .filter(user=user, confirmed_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if verification is None or verification.expires_at <= now:
        return _("The code has expired or was already used. Please request a new code."), None
    if verification.attempts >= MOBILE_CODE_MAX_ATTEMPTS:
        return _("Too many wrong codes. Please request a new code."), None
    MobileVerification.objects.filter(pk=verification.pk).update(attempts=F("attempts") + 1)
    expected = mobile_code_hash(number_hash=verification.number_hash, code=code)
    if not hmac.compare_digest(expected, verification.code_hash):
        left = MOBILE_CODE_MAX_ATTEMPTS - verification.attempts - 1
        if left <= 0:
            return _("Too many wrong codes. Please request a new code."), None
        return _("The code is not correct. You can try %(count)d more times.") % {
            "count": left
        }, None
    try:
        with transaction.atomic():
            MobileNumber.objects.filter(user=user).delete()
            number = MobileNumber.objects.create(
                user=user,
                number_hash=verification.number_hash,
                last_digits=verification.last_digits,
                verified_at=now,
            )
    except IntegrityError:
        return _mobile_taken_message(), None
    MobileVerification.objects.filter(pk=verification.pk).update(confirmed_at=now)
    return None, number


def mobile_verification_confirm(*, user: User, code: str) -> MobileNumber:
    """Check the code ``user`` received; right, their account is verified at L2 (the number
    replaces an earlier one). Wrong tries count even though an error is raised."""
    code = "".join(unicodedata.normalize("NFKC", code or "").split())
    if not (len(code) == 6 and code.isdigit()):
        raise ValidationError(_("Enter the 6-digit code from the text message."), code="format")
    error, number = _mobile_code_check(user=user, code=code)
    if error:
        raise ValidationError(error, code="code")
    return number


# no caller: people verify through the form (the code by SMS); this is for the demo and scripts
@transaction.atomic
def mobile_number_verified_set(*, user: User, number: str) -> MobileNumber:
    """Record ``number`` as verified for ``user`` without a code (demo data, support staff)."""
    number = mobile_number_normalize(number)
    number_hash = mobile_number_hash(number)
    if MobileNumber.objects.filter(number_hash=number_hash).exclude(user=user).exists():
        raise ValidationError(_mobile_taken_message(), code="taken")
    MobileNumber.objects.filter(user=user).delete()
    return MobileNumber.objects.create(user=user, number_hash=number_hash, last_digits=number[-3:])
