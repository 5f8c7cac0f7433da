"""What moderation stores: one record per citizen submission and its outcome."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


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
