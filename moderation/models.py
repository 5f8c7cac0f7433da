"""What moderation stores: one record per citizen submission and its outcome."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from minyi.home.english import EnglishVersionMixin

from .rules import RULES

RULE_CHOICES = [(rule.code, rule.title_zh) for rule in RULES.values()]


class Outcome(models.TextChoices):
    PUBLISH = "publish", _("Published")
    PUBLISH_MASKED = "publish_masked", _("Published with personal data masked")
    HOLD = "hold", _("Held for a moderator")
    REJECT = "reject", _("Rejected")


class Submission(models.Model):
    """A citizen submission as screened: the text as sent, the outcome and its reasons."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="moderation_submissions",
    )
    original_text = models.TextField(_("text as submitted"))
    published_text = models.TextField(_("text as published"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["outcome", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} #{self.object_id}: {self.outcome}"


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Report(models.Model):
    """A citizen's report (檢舉) of a published item, with the house rule it breaks."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_reports"
    )
    rule = models.CharField(_("house rule"), max_length=32)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reporter"], name="one_report_per_reporter"
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id", "status"]),
            models.Index(fields=["reporter", "status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} #{self.object_id} ({self.rule})"


class DecisionAction(models.TextChoices):
    APPROVE = "approve", _("Approve (publish)")
    REJECT = "reject", _("Reject")
    MASK = "mask", _("Publish with a part masked")
    HIDE = "hide", _("Hide")

    @classmethod
    def adverse(cls) -> set[str]:
        """Decisions that take something away from the author: these can be appealed."""
        return {cls.REJECT, cls.MASK, cls.HIDE}


class Decision(models.Model):
    """A moderator's decision on an item, with the rule it rests on."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="moderation_decisions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moderation_decisions_received",
    )
    action = models.CharField(_("decision"), max_length=10, choices=DecisionAction.choices)
    rule = models.CharField(_("house rule"), max_length=32, blank=True)
    note = models.CharField(_("note to the author"), max_length=500, blank=True)
    automatic_outcome = models.CharField(
        _("automatic outcome"), max_length=16, choices=Outcome.choices, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.content_type.model} #{self.object_id}"

    @property
    def seconds_to_decision(self) -> float:
        return (self.decided_at - self.submitted_at).total_seconds()


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("Decision upheld")
    OVERTURNED = "overturned", _("Decision overturned")


class Appeal(models.Model):
    """The author's one appeal against an adverse decision, decided by another moderator."""

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="appeal")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_appeals"
    )
    reason = models.TextField(_("why the decision should change"), max_length=1000)
    created_at = models.DateTimeField(_("appealed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moderation_appeals_decided",
    )
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=AppealOutcome.choices, blank=True
    )
    note = models.CharField(_("note to the author"), max_length=500, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"appeal of {self.decision}"


class AuditAction(models.TextChoices):
    REPORT = "report", _("Reported by a citizen")
    HOLD = "hold-by-screening", _("Held by automatic screening")
    HIDE_AFTER_REPORTS = "hide-after-reports", _("Hidden automatically after reports")
    DECIDE_APPROVE = "decide-approve", _("Moderator approved")
    DECIDE_REJECT = "decide-reject", _("Moderator rejected")
    DECIDE_MASK = "decide-mask", _("Moderator masked part of it")
    DECIDE_HIDE = "decide-hide", _("Moderator hid it")
    APPEAL = "appeal", _("Author appealed")
    APPEAL_UPHELD = "appeal-upheld", _("Appeal decided: decision upheld")
    APPEAL_OVERTURNED = "appeal-overturned", _("Appeal decided: decision overturned")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The moderation audit log cannot be changed.")

    def delete(self):
        raise PermissionError("The moderation audit log cannot be changed.")


class AuditEntry(models.Model):
    """One moderation action, as it happened. Written once, never changed or deleted.

    ``actor`` is empty for the system's own actions (automatic screening, hiding after
    reports). Before/after hold the item's state and text around the action.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    rule = models.CharField(_("house rule"), max_length=32, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("moderation audit log")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.content_type.model}"

    def save(self, *args, **kwargs):
        # Integrity rule, not business logic: an entry is written once.
        if self.pk is not None:
            raise PermissionError("The moderation audit log cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The moderation audit log cannot be changed.")


class HouseRulesPage(EnglishVersionMixin, Page):
    """The house rules (留言規範), edited by staff; every moderation reason links here.

    Each rule's code is fixed (reasons in stored records refer to it); its title and the
    explanation shown to citizens are editable.
    """

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        EnglishVersionMixin.english_panel(),
        InlinePanel("rules", label=_("Rules")),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("house rules page")


class HouseRuleText(Orderable):
    page = ParentalKey(HouseRulesPage, on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(_("rule"), max_length=32, choices=RULE_CHOICES)
    title = models.CharField(_("title"), max_length=100)
    explanation = models.TextField(_("explanation"))
    title_en = models.CharField(_("title (English)"), max_length=100, blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)

    panels = [
        FieldPanel("code"),
        FieldPanel("title"),
        FieldPanel("explanation"),
        FieldPanel("title_en"),
        FieldPanel("explanation_en"),
    ]

    @property
    def reader_title(self) -> str:
        return EnglishVersionMixin.for_reader(self.title, self.title_en)

    @property
    def reader_explanation(self) -> str:
        return EnglishVersionMixin.for_reader(self.explanation, self.explanation_en)

    class Meta(Orderable.Meta):
        verbose_name = _("house rule")
        constraints = [models.UniqueConstraint(fields=["page", "code"], name="one_text_per_rule")]
