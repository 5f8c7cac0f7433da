"""Reads: a person's notifications, e-mail preference, unsubscribe tokens, what they follow."""

from django.conf import settings
from django.core import signing
from django.db.models import QuerySet
from django.urls import reverse

from minyi.accounts.models import User

from .follows import FollowedItem, follow_providers
from .models import EmailFrequency, Notification, NotificationSettings

# Kept from when this lived in participation: links in e-mails already sent stay valid.
UNSUBSCRIBE_SALT = "participation.unsubscribe"


def absolute_url(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def unsubscribe_token(user: User) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(user.pk))


def unsubscribe_url(user: User) -> str:
    return absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(user)]))


def user_for_unsubscribe_token(token: str) -> User | None:
    try:
        pk = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def email_frequency_of(user: User) -> str:
    settings_row = NotificationSettings.objects.filter(user=user).first()
    return settings_row.email_frequency if settings_row else EmailFrequency.IMMEDIATE


def notifications_for(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    notifications = Notification.objects.filter(user=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-pk")


def unread_count(user) -> int:
    """For the header's bell."""
    return notifications_for(user, unread_only=True).count()


def followed_items(user) -> list[FollowedItem]:
    """「我的追蹤」: everything the user follows, from every app's provider, newest first."""
    if not user.is_authenticated:
        return []
    items = [item for provider in follow_providers().values() for item in provider(user)]
    return sorted(items, key=lambda item: item.since, reverse=True)


def notifications_data_export(user) -> dict:
    """The user's notifications and e-mail preference, for the personal data export (the
    follows are exported by the app that stores them)."""
    return {
        "notifications": [
            {
                "kind": note.kind_label,
                "title": note.display_title,
                "url": note.url,
                "created_at": note.created_at.isoformat(),
                "read_at": note.read_at.isoformat() if note.read_at else None,
            }
            for note in Notification.objects.filter(user=user).order_by("created_at")
        ],
        "notification_settings": {
            "email_frequency": str(EmailFrequency(email_frequency_of(user)).label)
        },
    }
