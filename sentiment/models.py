"""What the NLP engine stores: one analysis per analysed text, and the editable user dictionary."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class SentimentLabel(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    NEGATIVE = "negative", _("Negative")


class TextAnalysis(models.Model):
    """The engine's reading of one stored text (a comment, statement, petition or post).

    Kept with the model version that produced it so reports can say what they rest on and
    ``manage.py reanalyze`` knows what is stale. The analysed text's hash tells whether the
    text changed since (an edited comment is analysed again).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    text_sha256 = models.CharField(max_length=64)
    sentiment = models.CharField(_("sentiment"), max_length=8, choices=SentimentLabel.choices)
    score_positive = models.FloatField(_("positive probability"))
    score_neutral = models.FloatField(_("neutral probability"))
    score_negative = models.FloatField(_("negative probability"))
    model_version = models.CharField(_("model"), max_length=100)
    tokens = models.JSONField(_("words"), default=list)
    keywords = models.JSONField(_("keywords"), default=list)
    emotions = models.JSONField(_("emotions"), default=dict)
    dominant_emotion = models.CharField(_("dominant emotion"), max_length=1, blank=True)
    analysed_at = models.DateTimeField(_("analysed at"))

    class Meta:
        verbose_name = _("text analysis")
        verbose_name_plural = _("text analyses")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="one_analysis_per_text"
            )
        ]
        indexes = [models.Index(fields=["content_type", "sentiment"])]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id}: {self.sentiment}"


class UserDictionaryEntry(models.Model):
    """A word the segmenter must keep whole (agency names, new policy terms, slang).

    Edited in the Wagtail admin; every process picks changes up within seconds, without a
    restart (see sentiment.dictionary).
    """

    word = models.CharField(
        _("word"),
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^\S+$", _("A word cannot contain spaces."))],
    )
    frequency = models.PositiveIntegerField(
        _("frequency"),
        null=True,
        blank=True,
        help_text=_("Leave empty to let the segmenter choose a frequency that keeps it whole."),
    )
    part_of_speech = models.CharField(
        _("part of speech"), max_length=8, blank=True, help_text=_("jieba tag, e.g. n, nt, v")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("dictionary word")
        verbose_name_plural = _("user dictionary")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word
