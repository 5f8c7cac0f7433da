from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        from minyi.accounts.selectors import register_export_section

        from .selectors import reports_filed_export

        register_export_section("moderation_reports", reports_filed_export)
