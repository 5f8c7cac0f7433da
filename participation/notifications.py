"""Following, notifications and their e-mail: right away, in a daily digest, or not at all.

Every notification goes through :func:`notifications_send`, which stores the in-site notice and,
once the transaction commits, queues the e-mails of people who want them right away. A daily
job (``manage.py send_notification_digest``) sends the rest as one message per person. Every
e-mail carries a signed one-click unsubscribe link (and the List-Unsubscribe header).
"""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.accounts.models import User

from .models import (
    ConsultationPage,
    ConsultationStatus,
    EmailFrequency,
    Follow,
    Notification,
    NotificationKind,
    NotificationSettings,
    Petition,
)

UNSUBSCRIBE_SALT = "participation.unsubscribe"
CLOSING_NOTICE_DAYS = 3


def _absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def unsubscribe_token(user: User) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user.pk))


def unsubscribe_url(user: User) -> str:
    return _absolute(reverse("participation:unsubscribe", args=[unsubscribe_token(user)]))


def user_for_unsubscribe_token(token: str) -> User | None:
    try:
        pk = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def email_frequency_of(user: User) -> str:
    settings_row = NotificationSettings.objects.filter(user=user).first()
    return settings_row.email_frequency if settings_row else EmailFrequency.IMMEDIATE


def email_frequency_set(*, user: User, frequency: str) -> NotificationSettings:
    if frequency not in EmailFrequency.values:
        raise ValidationError(_("Choose how often you want e-mail."))
    row, _created = NotificationSettings.objects.update_or_create(
        user=user, defaults={"email_frequency": frequency}
    )
    return row


# --- Following -------------------------------------------------------------------------------


def follow_add(
    *, user: User, consultation: ConsultationPage | None = None, petition: Petition | None = None
) -> Follow:
    """Follow a consultation or a petition; following twice is not an error."""
    if not user.is_authenticated:
        raise ValidationError(_("Sign in to follow."))
    if (consultation is None) == (petition is None):
        raise ValueError("follow exactly one consultation or petition")
    target = {"consultation": consultation} if consultation else {"petition": petition}
    existing = Follow.objects.filter(user=user, **target).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Follow.objects.create(user=user, **target)
    except IntegrityError:  # a concurrent request followed first
        return Follow.objects.get(user=user, **target)


def follow_remove(
    *, user: User, consultation: ConsultationPage | None = None, petition: Petition | None = None
) -> None:
    target = {"consultation": consultation} if consultation else {"petition": petition}
    Follow.objects.filter(user=user, **target).delete()


def notifications_mark_read(*, user: User) -> int:
    """Everything on the user's notification list counts as read once they have opened it."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def consultation_followers(consultation: ConsultationPage):
    return User.objects.filter(follows__consultation=consultation, is_active=True).distinct()


def petition_followers(petition: Petition):
    return User.objects.filter(follows__petition=petition, is_active=True).distinct()


# --- Sending ---------------------------------------------------------------------------------


def _email_body(user: User, lines: list[str]) -> str:
    footer = _(
        "You receive this because you take part in or follow it on Minyi.\n"
        "Change how often you get e-mail: %(settings)s\n"
        "Stop all e-mail from Minyi: %(unsubscribe)s"
    ) % {
        "settings": _absolute(reverse("participation:notifications")),
        "unsubscribe": unsubscribe_url(user),
    }
    return "\n\n".join([*lines, "—", footer])


def _email_message(user: User, subject: str, lines: list[str]) -> dict:
    return {
        "to": user.email,
        "subject": subject,
        "body": _email_body(user, lines),
        "headers": {
            "List-Unsubscribe": f"<{unsubscribe_url(user)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }


def notifications_send(
    *,
    users,
    kind: str,
    title: str,
    url: str = "",
    email_subject: str | None = None,
    email_text: str = "",
    email_url: str | None = None,
) -> int:
    """Tell these users something: an in-site notice, plus e-mail as each of them prefers."""
    recipients = [user for user in users if user.is_active]
    if not recipients:
        return 0
    frequencies = dict(
        NotificationSettings.objects.filter(user__in=recipients).values_list(
            "user_id", "email_frequency"
        )
    )
    now = timezone.now()
    immediate = [
        user
        for user in recipients
        if user.email
        and frequencies.get(user.pk, EmailFrequency.IMMEDIATE) == EmailFrequency.IMMEDIATE
    ]
    immediate_ids = {user.pk for user in immediate}
    never_ids = {pk for pk, value in frequencies.items() if value == EmailFrequency.NEVER}
    Notification.objects.bulk_create(
        Notification(
            user=user,
            kind=kind,
            title=title[:200],
            url=url,
            # Nothing to e-mail later for people who get it now or never want e-mail.
            emailed_at=now
            if user.pk in immediate_ids or user.pk in never_ids or not user.email
            else None,
        )
        for user in recipients
    )
    if immediate:
        subject = (email_subject or title)[:150]
        lines = [email_text or title]
        if email_url or url:
            lines.append(email_url or _absolute(url))
        messages = [_email_message(user, subject, lines) for user in immediate]
        from .tasks import emails_send

        transaction.on_commit(lambda: emails_send.enqueue(messages=messages))
    return len(recipients)


def notification_digest_send(*, now=None) -> int:
    """One e-mail per daily-digest user with everything not yet e-mailed; returns how many."""
    now = now or timezone.now()
    pending = (
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__lte=now,
            user__is_active=True,
            user__notification_settings__email_frequency=EmailFrequency.DAILY,
        )
        .select_related("user")
        .order_by("user_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for notification in pending:
        by_user[notification.user_id].append(notification)
    messages = []
    for notices in by_user.values():
        user = notices[0].user
        if not user.email:
            continue
        lines = [
            f"・{notice.title}" + (f"\n  {_absolute(notice.url)}" if notice.url else "")
            for notice in notices
        ]
        subject = _("[Minyi] Your daily digest: %(count)d updates") % {"count": len(notices)}
        messages.append(_email_message(user, subject, lines))
    with transaction.atomic():
        Notification.objects.filter(pk__in=[n.pk for ns in by_user.values() for n in ns]).update(
            emailed_at=now
        )
        if messages:
            from .tasks import emails_send

            transaction.on_commit(lambda: emails_send.enqueue(messages=messages))
    return len(messages)


def consultations_closing_notify(*, now=None) -> int:
    """Tell followers of consultations that close within three days, once per follow."""
    now = now or timezone.now()
    soon = now + timedelta(days=CLOSING_NOTICE_DAYS)
    follows = (
        Follow.objects.filter(
            consultation__isnull=False,
            closing_notified_at__isnull=True,
            consultation__live=True,
            consultation__opens_at__lte=now,
            consultation__closes_at__gt=now,
            consultation__closes_at__lte=soon,
        )
        .select_related("consultation", "user")
        .order_by("consultation_id")
    )
    by_consultation: dict[int, list[Follow]] = defaultdict(list)
    for follow in follows:
        by_consultation[follow.consultation_id].append(follow)
    told = 0
    for group in by_consultation.values():
        consultation = group[0].consultation.specific
        if consultation.status_at(now) != ConsultationStatus.OPEN:
            continue
        closes = timezone.localtime(consultation.closes_at)
        title = _("“%(title)s” closes for comment on %(date)s") % {
            "title": consultation.title,
            "date": f"{closes.year - 1911}年{closes.month}月{closes.day}日 {closes:%H:%M}",
        }
        with transaction.atomic():
            told += notifications_send(
                users=[follow.user for follow in group],
                kind=NotificationKind.CLOSING_SOON,
                title=title,
                url=consultation.url or "",
                email_text=title + "。" + _("There is still time to comment and vote."),
            )
            Follow.objects.filter(pk__in=[follow.pk for follow in group]).update(
                closing_notified_at=now
            )
    return told
