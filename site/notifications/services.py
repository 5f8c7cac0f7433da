"""Notifications and their e-mail: right away, in a daily digest, or not at all.

Every notification goes through :func:`notifications_send`, which stores the in-site notice and,
once the transaction commits, queues the e-mails of people who want them right away. A daily
job (``manage.py send_notification_digest``) sends the rest as one message per person. Every
e-mail carries a signed one-click unsubscribe link (and the List-Unsubscribe header).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.accounts.models import User

from .kinds import notification_kind_require
from .models import EmailFrequency, Notification, NotificationSettings
from .selectors import absolute_url, unsubscribe_url
from .text import NotificationText


def _title_and_message(title: str | NotificationText) -> tuple[str, dict]:
    """The stored title (the site's default language) and the message shown in the reader's."""
    if isinstance(title, NotificationText):
        return title.published()[:200], title.as_json()
    return str(title)[:200], {}


def email_frequency_set(*, user: User, frequency: str) -> NotificationSettings:
    if frequency not in EmailFrequency.values:
        raise ValidationError(_("Choose how often you want e-mail."))
    row, _created = NotificationSettings.objects.update_or_create(
        user=user, defaults={"email_frequency": frequency}
    )
    return row


def notifications_mark_read(*, user: User) -> int:
    """Everything on the user's notification list counts as read once they have opened it."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notifications_settle(*, kind: str, url: str) -> int:
    """A task someone has now done (a response approved or returned): the notices that asked
    for it stop counting as unread for everyone they went to, so a reviewer's bell does not
    keep calling them to a response a colleague already handled."""
    return Notification.objects.filter(kind=kind, url=url, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _email_body(user: User, lines: list[str]) -> str:
    footer = _(
        "You receive this because you take part in or follow it on Minyi.\n"
        "Change how often you get e-mail: %(settings)s\n"
        "Stop all e-mail from Minyi: %(unsubscribe)s"
    ) % {
        "settings": absolute_url(reverse("notifications:list")),
        "unsubscribe": unsubscribe_url(user),
    }
    return "\n\n".join([*lines, "—", footer])


def _email_message(user: User, subject: str, lines: list[str], *, duty: bool = False) -> dict:
    if duty:  # part of the person's work: no unsubscribe link that would silence a deadline
        footer = _(
            "You receive this as staff of your agency on Minyi: it is part of your work and is "
            "sent whatever your e-mail settings. Your administrator can change your duties."
        )
        return {"to": user.email, "subject": subject, "body": "\n\n".join([*lines, "—", footer])}
    return {
        "to": user.email,
        "subject": subject,
        "body": _email_body(user, lines),
        "headers": {
            "List-Unsubscribe": f"<{unsubscribe_url(user)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }


def _emails_queue(messages: list[dict]) -> None:
    from .tasks import emails_send

    transaction.on_commit(lambda: emails_send.enqueue(messages=messages))


def notifications_send(
    *,
    users: Iterable[User],
    kind: str,
    title: str | NotificationText,
    url: str = "",
    email_subject: str | None = None,
    email_text: str = "",
    email_url: str | None = None,
    duty: bool = False,
) -> int:
    """Tell these users something: an in-site notice, plus e-mail as each of them prefers.

    ``kind`` must be registered (:mod:`minyi.notifications.kinds`), else ``ValueError``. A
    :class:`~minyi.notifications.text.NotificationText` title is shown in each reader's language.
    ``duty``: work for staff (an answer due, a colleague's approval): e-mailed at once whatever
    their e-mail settings, without an unsubscribe link.
    """
    notification_kind_require(kind)
    stored_title, message = _title_and_message(title)
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
        and (duty or frequencies.get(user.pk, EmailFrequency.IMMEDIATE) == EmailFrequency.IMMEDIATE)
    ]
    immediate_ids = {user.pk for user in immediate}
    never_ids = {pk for pk, value in frequencies.items() if value == EmailFrequency.NEVER}
    Notification.objects.bulk_create(
        Notification(
            user=user,
            kind=kind,
            title=stored_title,
            message=message,
            url=url,
            # Nothing to e-mail later for people who get it now or never want e-mail.
            emailed_at=now
            if user.pk in immediate_ids or user.pk in never_ids or not user.email
            else None,
        )
        for user in recipients
    )
    if immediate:
        subject = str(email_subject or title)[:150]
        lines = [str(email_text or title)]
        if email_url or url:
            lines.append(email_url or absolute_url(url))
        _emails_queue([_email_message(user, subject, lines, duty=duty) for user in immediate])
    return len(recipients)


def notifications_store(
    *, kind: str, notices: Iterable[tuple[int, str | NotificationText, str]]
) -> int:
    """In-site notices only, no immediate e-mail: ``(user_id, title, url)`` each, in batches.

    For bulk updates (a program's followers after an import): daily-digest readers still get
    them in their digest, as before the move.
    """
    notification_kind_require(kind)
    created = Notification.objects.bulk_create(
        (
            Notification(user_id=user_id, kind=kind, title=stored, message=message, url=url)
            for user_id, title, url in notices
            for stored, message in [_title_and_message(title)]
        ),
        batch_size=500,
    )
    return len(created)


def notification_digest_send(*, now: datetime | None = None) -> int:
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
            f"・{notice.title}" + (f"\n  {absolute_url(notice.url)}" if notice.url else "")
            for notice in notices
        ]
        subject = _("[Minyi] Your daily digest: %(count)d updates") % {"count": len(notices)}
        messages.append(_email_message(user, subject, lines))
    with transaction.atomic():
        Notification.objects.filter(pk__in=[n.pk for ns in by_user.values() for n in ns]).update(
            emailed_at=now
        )
        if messages:
            _emails_queue(messages)
    return len(messages)
