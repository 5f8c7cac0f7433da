from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from minyi.accounts.selectors import register_export_section
        from minyi.notifications.kinds import notification_kind_register

        from .selectors import reports_filed_export
        from .services import NOTIFICATION_KIND

        register_export_section("moderation_reports", reports_filed_export)
        notification_kind_register(NOTIFICATION_KIND, _("Moderation decision"))
