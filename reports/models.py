"""Decision reports: immutable, versioned snapshots of what was said about a consultation."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being generated")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportReason(models.TextChoices):
    REQUESTED = "", _("Requested")
    MODERATION = "moderation", _("Updated after moderation")


# The only fields that may change once a report is done (publishing it, or withdrawing it, or
# marking it outdated because moderation removed something it quotes or counts).
PUBLICATION_FIELDS = frozenset({"published", "published_at", "published_by", "outdated"})


class Report(models.Model):
    """One generated version of a consultation's decision report.

    ``data`` holds every figure of the report (see reports.builder), computed once by the
    background job; once ``status`` is done nothing but the publication fields may change: a
    new generation makes a new version.
    """

    consultation = models.ForeignKey(
        "participation.ConsultationPage",
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("current step"), max_length=40, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(
        _("why generated"), max_length=12, choices=ReportReason.choices, default="", blank=True
    )
    # The published version this one replaces once done (a moderator's decision or an
    # author's withdrawal changed what that version quoted or counted).
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A moderator's decision or an author's withdrawal changed an item this version quotes or
    # counts: it may never be public again (staff keep it as history).
    outdated = models.BooleanField(_("outdated by moderation"), default=False)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    data_cutoff = models.DateTimeField(_("data cut-off"), null=True, blank=True)
    model_versions = models.JSONField(_("model versions"), default=dict, blank=True)
    data = models.JSONField(_("figures"), default=dict, blank=True)
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("decision report")
        verbose_name_plural = _("decision reports")
        ordering = ["consultation", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "version"], name="reports_report_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="reports_report_progress_max_100"
            ),
            models.CheckConstraint(
                condition=models.Q(published=False) | models.Q(status="done"),
                name="reports_report_published_only_when_done",
            ),
        ]
        indexes = [models.Index(fields=["consultation", "published", "status"])]

    def __str__(self) -> str:
        return f"{self.consultation_id} v{self.version} ({self.status})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            stored = Report.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            update_fields = kwargs.get("update_fields")
            if stored == ReportStatus.DONE and (
                update_fields is None or not set(update_fields) <= PUBLICATION_FIELDS
            ):
                raise ValidationError(
                    _("A finished report cannot be changed; generate a new version instead.")
                )
        super().save(*args, **kwargs)

    @property
    def is_done(self) -> bool:
        return self.status == ReportStatus.DONE

    @property
    def updated_after_moderation(self) -> bool:
        return self.reason == ReportReason.MODERATION

    @property
    def is_pending(self) -> bool:
        return self.status in {ReportStatus.QUEUED, ReportStatus.RUNNING}


class ReportPdf(models.Model):
    """A report version printed to PDF in the background, in one language, as the public or
    the draft version (its badge differs). ``path`` is the file in the default storage once done.

    Printing with Chromium takes up to two minutes, so it is a job, never part of a request:
    the download link starts it (or finds it) and the file is kept, since a finished report
    never changes except for whether it is published.
    """

    report = models.ForeignKey(
        Report, verbose_name=_("decision report"), on_delete=models.CASCADE, related_name="pdfs"
    )
    language = models.CharField(_("language"), max_length=10)
    published = models.BooleanField(_("printed as published"), default=False)
    status = models.CharField(
        _("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    # Chromium is missing or could not print: the page says so with 503 (try again later).
    unavailable = models.BooleanField(_("PDF printing unavailable"), default=False)
    path = models.CharField(_("file"), max_length=255, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report PDF")
        verbose_name_plural = _("report PDFs")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "language", "published"], name="reports_reportpdf_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="reports_reportpdf_progress_max_100"
            ),
        ]

    def __str__(self) -> str:
        audience = "public" if self.published else "draft"
        return f"PDF of report {self.report_id} ({self.language}, {audience}, {self.status})"

    @property
    def storage_key(self) -> str:
        """Where the file is kept (the same name the PDFs rendered in requests had)."""
        audience = "public" if self.published else "draft"
        return f"reports/pdf/{self.report_id}-{self.language}-{audience}.pdf"

    @property
    def is_done(self) -> bool:
        return self.status == ReportStatus.DONE

    @property
    def is_pending(self) -> bool:
        return self.status in {ReportStatus.QUEUED, ReportStatus.RUNNING}
