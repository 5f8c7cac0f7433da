from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Decision reports")

    def ready(self) -> None:
        from minyi.publishing import derived_refresher_register

        from .services import report_moderation_refresh

        # A moderator's decision or an author's withdrawal regenerates the published report.
        derived_refresher_register(report_moderation_refresh)
