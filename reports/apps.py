from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Decision reports")

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from minyi.publishing import derived_refresher_register

        from .models import ReportPdf
        from .services import report_moderation_refresh, report_pdf_file_delete

        # A moderator's decision or an author's withdrawal regenerates the published report.
        derived_refresher_register(report_moderation_refresh)
        # A deleted report (or consultation) takes its printed PDFs with it.
        post_delete.connect(
            lambda sender, instance, **kwargs: report_pdf_file_delete(pdf=instance),
            sender=ReportPdf,
            weak=False,
            dispatch_uid="reports.report_pdf_file_delete",
        )
