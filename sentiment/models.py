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


# --- Social listening (sentiment.listening) -------------------------------------------------------


class SourceKind(models.TextChoices):
    PTT = "ptt", _("PTT board")
    DCARD = "dcard", _("Dcard forum")
    FACEBOOK = "facebook", _("Facebook page")
    RSS = "rss", _("RSS/Atom feed")
    UPLOAD = "upload", _("File upload")


class SourceStatus(models.TextChoices):
    NEVER = "never", _("Never run")
    OK = "ok", _("OK")
    PARTIAL = "partial", _("Completed with warnings")
    ERROR = "error", _("Failed")


class Source(models.Model):
    """Where posts come from: one PTT board, Dcard forum, Facebook page, feed or upload target.

    ``config`` holds the connector's settings (board, forum alias, page id, feed URL, column
    mapping); the connector keeps its position in ``cursor`` so every run is incremental.
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=SourceKind.choices)
    config = models.JSONField(_("configuration"), default=dict, blank=True)
    interval_minutes = models.PositiveIntegerField(_("interval (minutes)"), default=30)
    enabled = models.BooleanField(_("enabled"), default=True)
    cursor = models.JSONField(_("cursor"), default=dict, blank=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    next_run_at = models.DateTimeField(_("next run"), null=True, blank=True)
    last_status = models.CharField(
        _("last status"), max_length=10, choices=SourceStatus.choices, default=SourceStatus.NEVER
    )
    last_error = models.TextField(_("last message"), blank=True)
    last_items = models.PositiveIntegerField(_("items in last run"), default=0)
    items_fetched = models.PositiveBigIntegerField(_("items fetched"), default=0)

    class Meta:
        verbose_name = _("listening source")
        verbose_name_plural = _("listening sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    """A tracked topic (輿情主題): a boolean keyword query over the chosen sources."""

    name = models.CharField(_("name"), max_length=100)
    query = models.TextField(
        _("query"),
        help_text=_('AND, OR, NOT, parentheses and "quoted phrases", e.g. (Uber OR 優步) NOT 股價'),
    )
    sources = models.ManyToManyField(
        Source, related_name="topics", blank=True, verbose_name=_("sources")
    )
    consultations = models.ManyToManyField(
        "participation.ConsultationPage",
        related_name="listening_topics",
        blank=True,
        verbose_name=_("consultations"),
    )
    programs = models.ManyToManyField(
        "performance.Program",
        related_name="listening_topics",
        blank=True,
        verbose_name=_("programs"),
    )
    analysts = models.ManyToManyField(
        "accounts.User",
        related_name="listening_topics",
        blank=True,
        verbose_name=_("analysts"),
        help_text=_("Who gets this topic's alerts; empty means every analyst."),
    )
    alert_z = models.FloatField(_("alert z-score threshold"), default=3.0)
    alert_min_volume = models.PositiveIntegerField(_("minimum posts for an alert"), default=10)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("listening topic")
        verbose_name_plural = _("listening topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from .listening.query import QueryError, query_parse

        try:
            query_parse(self.query)
        except QueryError as error:
            raise ValidationError({"query": str(error)}) from error


class Post(models.Model):
    """One item from a source: an article, comment, PTT push or news story."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="posts")
    external_id = models.CharField(_("external id"), max_length=200)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    author_hash = models.CharField(_("author (hashed)"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published at"), db_index=True)
    fetched_at = models.DateTimeField(_("fetched at"), auto_now_add=True)
    likes = models.PositiveIntegerField(_("likes"), default=0)
    shares = models.PositiveIntegerField(_("shares"), default=0)
    pushes = models.PositiveIntegerField(_("pushes"), default=0)
    boos = models.PositiveIntegerField(_("boos"), default=0)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    raw = models.JSONField(_("raw payload"), null=True, blank=True)
    raw_expires_at = models.DateTimeField(_("raw payload kept until"), null=True, blank=True)
    sentiment = models.CharField(
        _("sentiment"), max_length=8, choices=SentimentLabel.choices, blank=True
    )
    topics = models.ManyToManyField(Topic, related_name="posts", blank=True)
    # When a connector last fetched this item again for late replies (PTT pushes).
    revisited_at = models.DateTimeField(_("revisited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("listening post")
        verbose_name_plural = _("listening posts")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="listening_post_unique_per_source"
            )
        ]
        indexes = [models.Index(fields=["raw_expires_at"])]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.external_id}"

    @property
    def engagement(self) -> int:
        return self.likes + self.shares + self.pushes + self.boos


class Granularity(models.TextChoices):
    HOUR = "hour", _("Hour")
    DAY = "day", _("Day")


class TopicAggregate(models.Model):
    """Precomputed figures of one topic for one hour or day (all sources, or one source)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="aggregates")
    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    granularity = models.CharField(max_length=4, choices=Granularity.choices)
    bucket_start = models.DateTimeField()
    volume = models.PositiveIntegerField(default=0)
    positive = models.PositiveIntegerField(default=0)
    neutral = models.PositiveIntegerField(default=0)
    negative = models.PositiveIntegerField(default=0)
    unanalysed = models.PositiveIntegerField(default=0)
    pushes = models.PositiveIntegerField(default=0)
    boos = models.PositiveIntegerField(default=0)
    duplicate_share = models.FloatField(default=0.0)
    keywords = models.JSONField(default=list)  # [[word, count], ...]
    authors = models.JSONField(default=list)  # [[author_hash, count], ...]
    top_posts = models.JSONField(default=list)  # [[post_id, engagement], ...]
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("topic aggregate")
        verbose_name_plural = _("topic aggregates")
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "source", "granularity", "bucket_start"],
                name="listening_aggregate_unique",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["topic", "granularity", "source", "bucket_start"])]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.granularity} {self.bucket_start:%Y-%m-%d %H:%M}"

    @property
    def net_sentiment(self) -> float | None:
        scored = self.positive + self.negative
        return (self.positive - self.negative) / scored if scored else None

    @property
    def push_boo_ratio(self) -> float | None:
        return self.pushes / self.boos if self.boos else None


class AggregateDirty(models.Model):
    """A bucket whose aggregates are stale: its topic's all-sources row and this source's row.

    Ingestion and analysis add rows (duplicates allowed, so marking never blocks);
    ``aggregates_refresh`` claims them, recomputes those buckets and deletes what it claimed.
    """

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    granularity = models.CharField(max_length=4, choices=Granularity.choices)
    bucket_start = models.DateTimeField()
    marked_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("stale topic aggregate")
        verbose_name_plural = _("stale topic aggregates")

    def __str__(self) -> str:
        return f"{self.topic_id}/{self.source_id} {self.granularity} {self.bucket_start}"


class AlertMetric(models.TextChoices):
    VOLUME = "volume", _("Volume")
    NEGATIVE_SHARE = "negative_share", _("Negative share")


class Alert(models.Model):
    """A spike: this hour's volume or negative share far above the topic's recent baseline."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="alerts")
    metric = models.CharField(_("metric"), max_length=20, choices=AlertMetric.choices)
    bucket_start = models.DateTimeField(_("hour"))
    value = models.FloatField(_("value"))
    baseline = models.FloatField(_("baseline"))
    z_score = models.FloatField(_("z-score"))
    posts = models.ManyToManyField(Post, related_name="alerts", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("listening alert")
        verbose_name_plural = _("listening alerts")
        ordering = ["-bucket_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "metric", "bucket_start"], name="listening_alert_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.metric} {self.bucket_start:%Y-%m-%d %H:%M}"
