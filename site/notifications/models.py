"""In-site notifications and each person's e-mail preference (moved here from participation;
the tables were renamed by ``participation`` 0010, their rows kept)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import notification_kind_label


class Notification(models.Model):
    """Something a user should know about, shown on the site (e-mail is sent separately)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # One of the kinds the apps register (minyi.notifications.kinds): no static choices, so a
    # new kind needs no migration here.
    kind = models.CharField(_("kind"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    # The title as a message id and its values (minyi.notifications.text), so that it is shown
    # in the reader's language; empty for a plain title.
    message = models.JSONField(_("message"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # When it went out by e-mail (right away or in a digest); empty while waiting for a digest.
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notifications_user_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the active language (the stored title for a plain one)."""
        from .text import message_render

        if self.message:
            try:
                return message_render(self.message)[:200]
            except (KeyError, TypeError, ValueError):
                pass
        return self.title

    @property
    def kind_label(self) -> str:
        return notification_kind_label(self.kind)


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Right away")
    DAILY = "daily", _("Once a day (digest)")
    NEVER = "never", _("No e-mail (on the site only)")


class NotificationSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email_frequency = models.CharField(
        _("e-mail"),
        max_length=10,
        choices=EmailFrequency.choices,
        default=EmailFrequency.IMMEDIATE,
    )

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email_frequency}"
