from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Notifications as a platform feature: the apps register their kinds and what a person
    can follow (``kinds``, ``follows``); sending, e-mail, the digest and the page live here."""

    name = "minyi.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from datetime import time

        from minyi.accounts.selectors import register_export_section
        from minyi.jobs.schedule import periodic

        from .selectors import notifications_data_export
        from .tasks import notification_digest

        register_export_section("notifications", notifications_data_export)
        periodic(notification_digest, daily_at=time(8, 0))
