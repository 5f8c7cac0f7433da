"""Consultations (公共政策諮詢): draft texts open for comment, statements and votes."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from minyi.agencies.models import AgencyPage
from minyi.home.english import EnglishVersionMixin

STATEMENT_MAX_LENGTH = 140


class ConsultationStatus(models.TextChoices):
    # Not live, or published to open later: the public sees only the second kind.
    DRAFT = "draft", _("Not yet open")
    OPEN = "open", _("Open for comment")
    CLOSED = "closed", _("Closed")
    RESPONDED = "responded", _("Responded")


def consultation_status_q(status: str, *, moment, prefix: str = "") -> models.Q:
    """The rule of :meth:`ConsultationPage.status_of` as a filter, for querysets of
    consultations (``prefix="consultation__"`` for rows that point at one). Whether the page is
    live is the caller's filter, as in ``status_of`` (a page not live is a draft)."""

    def q(**lookups) -> models.Q:
        return models.Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

    waiting = q(responded_at__isnull=True)
    rules = {
        ConsultationStatus.RESPONDED: q(responded_at__isnull=False),
        ConsultationStatus.DRAFT: waiting & q(opens_at__gt=moment),
        ConsultationStatus.OPEN: waiting & q(opens_at__lte=moment, closes_at__gt=moment),
        ConsultationStatus.CLOSED: waiting & q(opens_at__lte=moment, closes_at__lte=moment),
    }
    return rules[ConsultationStatus(status)]


class ConsultationIndexPage(EnglishVersionMixin, Page):
    """All consultations, across agencies."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        EnglishVersionMixin.english_panel(),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("consultation index")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        from .selectors import (
            consultation_current_list,
            consultation_past_list,
            consultation_topics,
        )

        context = super().get_context(request, *args, **kwargs)
        current, past = consultation_current_list(), consultation_past_list()
        topic = request.GET.get("topic", "").strip()
        if topic:
            current, past = current.filter(topics__name=topic), past.filter(topics__name=topic)
        context.update(
            consultations=current,
            past_consultations=Paginator(past, 10).get_page(request.GET.get("page")),
            topics=consultation_topics(),
            topic=topic,
        )
        return context


class ConsultationPageForm(WagtailAdminPageForm):
    """A consultation belongs to the agency whose section it is created in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        section = self.parent_page.specific if self.parent_page else None
        if isinstance(section, AgencyPage) and "agency" in self.fields:
            # A model form's initial comes from the (unsaved) instance, and a disabled field
            # takes its value from initial: both must carry the section's agency, or the
            # agency is empty on submit. An existing page keeps the agency it was made for.
            agency_id = self.instance.agency_id or section.agency_id
            self.initial["agency"] = agency_id
            self.instance.agency_id = agency_id
            self.fields["agency"].initial = agency_id
            self.fields["agency"].disabled = True
        # The date picker keeps whatever is typed: a 民國 year (115/12/10) was refused only as
        # "enter a valid date/time", with nothing saying which calendar the field takes.
        for name in ("opens_at", "closes_at"):
            if name in self.fields:
                self.fields[name].help_text = _(
                    "Year in the Western calendar, then the time, e.g. 2026-12-10 09:00."
                )
                self.fields[name].error_messages["invalid"] = _(
                    "Enter the date and time with the year in the Western calendar, "
                    "e.g. 2026-12-10 09:00 (Minguo year 115 is 2026)."
                )

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        closed_early_at = getattr(self.instance, "closed_early_at", None)
        if closed_early_at and closes_at and closes_at > closed_early_at:
            from minyi.home.dates import format_reader_date

            self.add_error(
                "closes_at",
                _(
                    "This consultation was closed early on %(date)s; "
                    "its closing time cannot be moved later."
                )
                % {"date": format_reader_date(closed_early_at, with_time=True)},
            )
        return cleaned


class ConsultationPage(Page):
    """One draft policy or regulation open for public comment."""

    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    summary = models.TextField(_("summary"), max_length=500)
    background = RichTextField(_("background"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True, editable=False)
    # Set by consultation_close_early (提前截止), never by editors; the who and why are in its
    # ConsultationEarlyClose. No revision published later can move the closing time past it.
    closed_early_at = models.DateTimeField(
        _("closed early at"), null=True, blank=True, editable=False
    )
    topics = ClusterTaggableManager(
        verbose_name=_("topics"),
        through="participation.ConsultationTopic",
        blank=True,
        help_text=_("Topics readers can filter by, e.g. 交通, 長照, 數位."),
    )

    base_form_class = ConsultationPageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("agency"),
        FieldPanel("summary"),
        FieldPanel("background"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")])],
            heading=_("Comment period"),
        ),
        FieldPanel("topics"),
        InlinePanel("sections", label=_("Sections of the draft"), heading=_("Draft text")),
        InlinePanel("attachments", label=_("Attachments"), heading=_("Attachments")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("background"),
        index.FilterField("agency"),
        index.RelatedFields("topics", [index.SearchField("name")]),
    ]
    parent_page_types = ["agencies.AgencyPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def status_at(self, moment) -> ConsultationStatus:
        return self.status_of(
            moment,
            live=self.live,
            opens_at=self.opens_at,
            closes_at=self.closes_at,
            responded_at=self.responded_at,
        )

    @staticmethod
    def status_of(moment, *, live: bool, opens_at, closes_at, responded_at) -> ConsultationStatus:
        """The status from the fields alone (hot paths read them without loading the page)."""
        if responded_at is not None:
            return ConsultationStatus.RESPONDED
        if not live or moment < opens_at:
            return ConsultationStatus.DRAFT
        if moment < closes_at:
            return ConsultationStatus.OPEN
        return ConsultationStatus.CLOSED

    @property
    def status(self) -> ConsultationStatus:
        return self.status_at(timezone.now())

    @property
    def is_open(self) -> bool:
        return self.status == ConsultationStatus.OPEN

    def with_content_json(self, content):
        # responded_at is set by consultation_response_approve, never by editors:
        # publishing an older revision must not clear it.
        obj = super().with_content_json(content)
        obj.responded_at = self.responded_at
        # Nor may it reopen a consultation closed early (提前截止).
        obj.closed_early_at = self.closed_early_at
        if self.closed_early_at is not None and obj.closes_at > self.closed_early_at:
            obj.closes_at = self.closed_early_at
        return obj

    @staticmethod
    def stream_of(pk: int) -> str:
        """The live-update stream of consultation ``pk`` (participation.services sends on it)."""
        return f"consultation.{pk}"

    @property
    def live_stream(self) -> str:
        return self.stream_of(self.pk)

    def serve(self, request, *args, **kwargs):
        from minyi.page_cache import page_serve_cached

        return page_serve_cached(
            request=request,
            page=self,
            stream=self.live_stream,
            render=lambda: super(ConsultationPage, self).serve(request, *args, **kwargs),
        )

    def get_context(self, request, *args, **kwargs):
        from .selectors import (
            consultation_attachments,
            consultation_comments,
            consultation_index_url,
            consultation_response_context,
            consultation_statements,
            section_stance_counts,
            statement_highlights,
        )

        context = super().get_context(request, *args, **kwargs)
        comments, totals = consultation_comments(consultation=self)
        counts = section_stance_counts(consultation=self)
        sections = list(self.sections.all())
        for section in sections:
            section.stance_counts = counts.get(section.pk, dict.fromkeys(Stance.values, 0))
            section.visible_comments = [c for c in comments if c.section_id == section.pk]
            section.comment_total = totals.get(section.pk, 0)
        context.update(
            sections=sections,
            general_comments=[c for c in comments if c.section_id is None],
            general_total=totals.get(None, 0),
            general_counts=counts.get(None, dict.fromkeys(Stance.values, 0)),
            comment_count=sum(totals.values()),
            # A few statements; all of them are on the statements page (statement_list).
            statements=statement_highlights(consultation=self),
            statement_count=consultation_statements(consultation=self).count(),
            stances=Stance.choices,
            topics=list(self.topics.all()),
            topic_index_url=consultation_index_url(),
            attachments=consultation_attachments(consultation=self),
            # Refusals these forms show themselves, not again at the top (base.html).
            refusals_in_forms=(
                ["refused-comment-form", "refused-statement-form"]
                if self.is_open and request.user.is_authenticated
                else []
            ),
        )
        context.update(consultation_response_context(consultation=self, user=request.user))
        return context


class ConsultationEarlyClose(models.Model):
    """A consultation closed before its announced time (提前截止): when, by whom and why.

    Written only by ``participation.services.consultation_close_early``; the page keeps the
    moment in ``closed_early_at`` and its ``closes_at`` becomes that moment.
    """

    consultation = models.OneToOneField(
        ConsultationPage,
        verbose_name=_("consultation"),
        on_delete=models.CASCADE,
        related_name="early_close",
    )
    closed_at = models.DateTimeField(_("closed at"))
    scheduled_closes_at = models.DateTimeField(_("announced closing time"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), max_length=1000)

    class Meta:
        verbose_name = _("early closing")
        verbose_name_plural = _("early closings")

    def __str__(self) -> str:
        return f"{self.consultation} ({self.closed_at:%Y-%m-%d %H:%M})"


class ConsultationTopic(TaggedItemBase):
    content_object = ParentalKey(
        "participation.ConsultationPage", on_delete=models.CASCADE, related_name="topic_items"
    )


class ConsultationAttachment(Orderable):
    """A document published with the draft (the full text as PDF, an impact assessment...)."""

    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.PROTECT
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Defaults to the document's title.")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    @property
    def display_title(self) -> str:
        return self.title or self.document.title


class ConsultationSection(Orderable):
    """One article of the draft: 條次 / 條文 / 說明."""

    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="sections")
    number = models.CharField(_("article number (條次)"), max_length=40)
    text = models.TextField(_("article text (條文)"))
    explanation = models.TextField(_("explanation (說明)"), blank=True)
    # Set when the text is changed after people commented on it: the page says so and keeps the
    # wording they answered (only the database decides, see save()).
    revised_at = models.DateTimeField(_("revised at"), null=True, blank=True, editable=False)
    text_before_revision = models.TextField(
        _("text before the revision"), blank=True, default="", editable=False
    )

    panels = [FieldPanel("number"), FieldPanel("text"), FieldPanel("explanation")]

    class Meta(Orderable.Meta):
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        """Publishing a revision writes the sections from its stored copy, whose revision marks
        may be older than the database's: the database's marks are kept, and new ones set when
        the text of an article with comments changes."""
        stored = (
            ConsultationSection.objects.filter(pk=self.pk)
            .values("text", "revised_at", "text_before_revision")
            .first()
            if self.pk
            else None
        )
        if stored:
            self.revised_at = stored["revised_at"]
            self.text_before_revision = stored["text_before_revision"]
            if stored["text"].strip() != self.text.strip() and self.comments.exists():
                self.revised_at = timezone.now()
                self.text_before_revision = stored["text"]
                update_fields = kwargs.get("update_fields")
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "revised_at", "text_before_revision"}
        super().save(*args, **kwargs)


class Participant(models.Model):
    """Someone who votes in a consultation: a Minyi user or an imported Pol.is voter."""

    consultation = models.ForeignKey(
        ConsultationPage, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="participations",
    )
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user"],
                condition=models.Q(user__isnull=False),
                name="participation_participant_user_unique",
            ),
            models.UniqueConstraint(
                fields=["consultation", "external_id"],
                condition=~models.Q(external_id=""),
                name="participation_participant_external_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(external_id=""),
                name="participation_participant_has_identity",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user) if self.user_id else f"#{self.external_id}"


class ModerationState(models.TextChoices):
    UNMODERATED = "unmoderated", _("Not moderated")
    HELD = "held", _("Awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    HIDDEN = "hidden", _("Hidden pending review")


class Statement(models.Model):
    """A short statement participants agree or disagree with (Pol.is style)."""

    consultation = models.ForeignKey(
        ConsultationPage, on_delete=models.CASCADE, related_name="statements"
    )
    author = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    # Imported statements keep their full text; new ones are limited by the service.
    text = models.TextField(_("text"))
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    moderation_state = models.CharField(
        _("moderation"),
        max_length=12,
        choices=ModerationState.choices,
        default=ModerationState.UNMODERATED,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Denormalised tallies, changed only by atomic F() updates in services.
    analyses = GenericRelation("sentiment.TextAnalysis")
    agree_count = models.PositiveIntegerField(default=0)
    disagree_count = models.PositiveIntegerField(default=0)
    pass_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "external_id"],
                condition=~models.Q(external_id=""),
                name="participation_statement_external_unique",
            ),
        ]
        indexes = [models.Index(fields=["consultation", "moderation_state"])]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def vote_count(self) -> int:
        return self.agree_count + self.disagree_count + self.pass_count


class VoteValue(models.IntegerChoices):
    AGREE = 1, _("Agree")
    DISAGREE = -1, _("Disagree")
    PASS = 0, _("Pass")


class Vote(models.Model):
    """One participant's current vote on one statement (a later vote replaces it)."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(_("vote"), choices=VoteValue.choices)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "participant"], name="participation_vote_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(value__in=[-1, 0, 1]), name="participation_vote_value"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.get_value_display()} {self.statement_id}"


class OpinionMap(models.Model):
    """A consultation's latest opinion groups as its participants see them (computed by the task
    worker: participation.standing)."""

    consultation = models.OneToOneField(
        ConsultationPage, on_delete=models.CASCADE, related_name="opinion_map"
    )
    # The latest vote it includes: a later one makes it stale.
    last_vote_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("opinion map")
        verbose_name_plural = _("opinion maps")

    def __str__(self) -> str:
        return f"{self.consultation_id} @ {self.computed_at:%Y-%m-%d %H:%M}"


COMMENT_MAX_LENGTH = 3000
COMMENT_EDIT_WINDOW_MINUTES = 15


def comment_edit_cutoff():
    """Comments posted after this moment may still be edited."""
    return timezone.now() - timezone.timedelta(minutes=COMMENT_EDIT_WINDOW_MINUTES)


class Stance(models.TextChoices):
    SUPPORT = "support", _("Support")
    OPPOSE = "oppose", _("Oppose")
    SUGGEST = "suggest", _("Other suggestion")


class CommentState(models.TextChoices):
    PUBLISHED = "published", _("Published")
    HELD = "held", _("Awaiting review")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn by the author")
    HIDDEN = "hidden", _("Hidden pending review")


class Comment(models.Model):
    """A citizen's comment on a consultation or on one of its sections."""

    consultation = models.ForeignKey(
        ConsultationPage, on_delete=models.CASCADE, related_name="comments"
    )
    section = models.ForeignKey(
        ConsultationSection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    # Replies carry no stance of their own.
    stance = models.CharField(_("stance"), max_length=8, choices=Stance.choices, blank=True)
    # What the public sees (personal data masked by moderation); the text as
    # submitted is kept on the moderation record only.
    body = models.TextField(_("comment"))
    state = models.CharField(
        _("state"), max_length=10, choices=CommentState.choices, default=CommentState.PUBLISHED
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    # The NLP engine's reading (at most one row; filled by a background job).
    analyses = GenericRelation("sentiment.TextAnalysis")

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["consultation", "state", "created_at"]),
            models.Index(fields=["section", "state"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(parent__isnull=True, stance__in=["support", "oppose", "suggest"])
                    | models.Q(parent__isnull=False, stance="")
                ),
                name="participation_comment_stance_on_top_level_only",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:40]

    @property
    def is_visible(self) -> bool:
        return self.state == CommentState.PUBLISHED

    @property
    def is_editable(self) -> bool:
        """Within the edit window (the service checks the same; the page only offers it)."""
        return self.state == CommentState.PUBLISHED and self.created_at > comment_edit_cutoff()

    @property
    def analysis(self):
        """The stored analysis, when it has run (prefetch ``analyses`` to avoid a query)."""
        analyses = list(self.analyses.all())
        return analyses[0] if analyses else None


class CommentRevision(models.Model):
    """An earlier text of an edited comment (edits stay visible as history)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    stance = models.CharField(max_length=8, choices=Stance.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.comment_id} @ {self.created_at:%Y-%m-%d %H:%M}"


# --- Site settings ------------------------------------------------------------------------


@register_setting(icon="group")
class ParticipationSettings(BaseSiteSetting):
    """Rules for petitions that administrators may change without a release."""

    petition_threshold = models.PositiveIntegerField(
        _("endorsements needed"),
        default=5000,
        validators=[MinValueValidator(1)],
        help_text=_("A petition that reaches this many endorsements needs an agency response."),
    )
    petition_open_days = models.PositiveIntegerField(
        _("days open for endorsement"), default=60, validators=[MinValueValidator(1)]
    )
    petition_response_days = models.PositiveIntegerField(
        _("days the agency has to respond"), default=60, validators=[MinValueValidator(1)]
    )

    panels = [
        FieldPanel("petition_threshold"),
        FieldPanel("petition_open_days"),
        FieldPanel("petition_response_days"),
    ]

    class Meta:
        verbose_name = _("participation settings")


# --- Petitions (提點子) -------------------------------------------------------------------

PETITION_TITLE_MAX_LENGTH = 60
# A title says what is proposed in a phrase (「增設路燈」); two characters (「路燈」) do not.
PETITION_TITLE_MIN_LENGTH = 4
PETITION_BODY_MAX_LENGTH = 3000
RESPONSE_MAX_LENGTH = 10000


class PetitionIndexPage(EnglishVersionMixin, Page):
    """The public petition board: every petition past moderation, by state."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        EnglishVersionMixin.english_panel(),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("petition board")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        from minyi.agencies.selectors import agencies_as_tree

        from .selectors import petition_board, petition_state_counts

        context = super().get_context(request, *args, **kwargs)
        state = request.GET.get("state", "")
        state = state if state in PetitionState.values or state == "overdue" else ""
        agency_code = request.GET.get("agency", "")
        petitions = petition_board(state=state or None, agency_code=agency_code or None)
        page_obj = Paginator(petitions, 20).get_page(request.GET.get("page"))
        context.update(
            petitions=page_obj,
            state=state,
            agency_code=agency_code,
            state_choices=[
                (value, label)
                for value, label in PetitionState.choices
                if value in PetitionState.public_values()
            ],
            state_counts=petition_state_counts(),
            agencies=agencies_as_tree(),
        )
        return context


class PetitionModeration(models.TextChoices):
    PENDING = "pending", _("Awaiting review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    # The proposer took it back before review (petition_proposal_withdraw); only they see it.
    WITHDRAWN = "withdrawn", _("Withdrawn by the proposer")


class PetitionState(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    OPEN = "open", _("Open for endorsement")
    REACHED = "reached", _("Threshold reached, awaiting response")
    RESPONDED = "responded", _("Responded")
    EXPIRED = "expired", _("Not reached in time")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn by the proposer")

    @classmethod
    def public_values(cls) -> list[str]:
        return [cls.OPEN, cls.REACHED, cls.RESPONDED, cls.EXPIRED]


class Petition(models.Model):
    """A citizen's proposal (提點子) that asks an agency to act once enough people endorse it."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposer"),
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    # What the public sees (personal data masked); the text as submitted is kept
    # on the moderation record.
    title = models.CharField(_("title"), max_length=PETITION_TITLE_MAX_LENGTH)
    body = models.TextField(_("proposal"))
    moderation_state = models.CharField(
        _("moderation"),
        max_length=10,
        choices=PetitionModeration.choices,
        default=PetitionModeration.PENDING,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("endorsement closes at"), null=True, blank=True)
    # The threshold in force when the petition opened (later setting changes do not move it).
    threshold = models.PositiveIntegerField(_("endorsements needed"), default=5000)
    # Changed only by atomic F() updates in services.
    endorsement_count = models.PositiveIntegerField(_("endorsements"), default=0)
    analyses = GenericRelation("sentiment.TextAnalysis")
    reached_at = models.DateTimeField(_("threshold reached at"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("response due at"), null=True, blank=True)
    response = models.TextField(_("agency response"), blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The response (or its correction) waiting for a colleague's approval, as for consultations:
    # one staff member writes, another of the same agency approves, then it is published.
    response_draft = models.TextField(_("response awaiting approval"), blank=True)
    response_draft_note = models.TextField(_("what the correction changes"), blank=True)
    response_drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    response_submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    response_return_note = models.TextField(_("returned with"), blank=True)
    response_correction_note = models.TextField(_("what was corrected and why"), blank=True)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-opened_at", "-pk"]
        indexes = [
            models.Index(fields=["moderation_state", "closes_at"]),
            models.Index(fields=["agency", "moderation_state"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("participation:petition_detail", args=[self.pk])

    def state_at(self, moment) -> PetitionState:
        if self.moderation_state == PetitionModeration.REJECTED:
            return PetitionState.REJECTED
        if self.moderation_state == PetitionModeration.WITHDRAWN:
            return PetitionState.WITHDRAWN
        if self.moderation_state == PetitionModeration.PENDING or self.closes_at is None:
            return PetitionState.PENDING
        if self.responded_at is not None:
            return PetitionState.RESPONDED
        if self.reached_at is not None:
            return PetitionState.REACHED
        if moment >= self.closes_at:
            return PetitionState.EXPIRED
        return PetitionState.OPEN

    @property
    def state(self) -> PetitionState:
        return self.state_at(timezone.now())

    def is_overdue_at(self, moment) -> bool:
        return (
            self.state_at(moment) == PetitionState.REACHED
            and self.response_due_at is not None
            and moment > self.response_due_at
        )

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_at(timezone.now())

    @property
    def is_public(self) -> bool:
        return self.moderation_state == PetitionModeration.APPROVED

    @property
    def progress_percent(self) -> int:
        if not self.threshold:
            return 100
        return min(100, self.endorsement_count * 100 // self.threshold)

    @property
    def progress_under_one_percent(self) -> bool:
        """Some endorsements, not yet 1 %: 「不到 1%」 reads better than 0 % beside them."""
        return self.endorsement_count > 0 and self.endorsement_count * 100 < self.threshold


class PetitionResponseEarlier(models.Model):
    """A published petition response that a correction replaced: it stays readable."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="earlier_responses"
    )
    text = models.TextField(_("agency response"))
    published_at = models.DateTimeField(_("published at"))
    replaced_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        verbose_name = _("earlier petition response")
        verbose_name_plural = _("earlier petition responses")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return f"{self.petition_id} @ {self.published_at:%Y-%m-%d}"


class PetitionEndorsement(models.Model):
    """One user's endorsement (附議) of one petition."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="endorsements")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="petition_endorsements"
    )
    created_at = models.DateTimeField(_("endorsed at"), default=timezone.now)
    # The person behind the account when they endorsed, as an opaque key from minyi.accounts
    # (the keyed hash of their verified mobile number or government identity; "" when the
    # policy let an unverified account endorse): one endorsement per number and petition,
    # whichever account it comes from, and the "verified" count moderators see.
    identity_key = models.CharField(_("identity key"), max_length=80, blank=True, default="")

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "user"], name="participation_endorsement_unique"
            ),
            models.UniqueConstraint(
                fields=["petition", "identity_key"],
                condition=~models.Q(identity_key=""),
                name="participation_endorsement_identity_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.petition_id}"


# --- Agency responses to consultations (對照表) --------------------------------------------


class AdoptionDecision(models.TextChoices):
    # An article nobody commented on: nothing to adopt or refuse (set by the response service).
    NO_COMMENTS = "no_comments", _("No comments received")
    ADOPTED = "adopted", _("Adopted")
    PARTLY = "partly", _("Partly adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


class ResponseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Replaced by a correction")


class ConsultationResponse(models.Model):
    """One version of the agency's reply to a closed consultation.

    A staff member drafts it, another staff member of the same agency approves it and it is
    published. A correction is the next version, going through the same steps; the version it
    replaces stays readable (superseded), so the public can see what changed and why.
    """

    consultation = models.ForeignKey(
        ConsultationPage, on_delete=models.CASCADE, related_name="agency_responses"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    state = models.CharField(
        _("state"), max_length=12, choices=ResponseState.choices, default=ResponseState.DRAFT
    )
    overall = models.TextField(_("overall response"), blank=True)
    correction_note = models.TextField(_("what was corrected and why"), blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Why the approver sent the draft back; cleared when it is submitted again.
    return_note = models.TextField(_("returned with"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consultation response")
        verbose_name_plural = _("consultation responses")
        ordering = ["consultation", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "version"], name="participation_response_version_unique"
            ),
            # At most one version in the works and one in force per consultation.
            models.UniqueConstraint(
                fields=["consultation"],
                condition=models.Q(state__in=["draft", "submitted"]),
                name="participation_response_one_open_draft",
            ),
            models.UniqueConstraint(
                fields=["consultation"],
                condition=models.Q(state="published"),
                name="participation_response_one_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation} v{self.version}"

    @property
    def is_open(self) -> bool:
        """Still being written or waiting for approval."""
        return self.state in (ResponseState.DRAFT, ResponseState.SUBMITTED)


class SectionResponse(models.Model):
    """What became of one section of the draft: adopted, partly adopted or not, and why."""

    response = models.ForeignKey(
        ConsultationResponse, on_delete=models.CASCADE, related_name="section_responses"
    )
    section = models.ForeignKey(
        ConsultationSection, on_delete=models.CASCADE, related_name="responses"
    )
    # Blank while a draft is being written; required before it is submitted (an article
    # without comments is stored as NO_COMMENTS: see participation.response_rules).
    decision = models.CharField(
        _("decision"), max_length=12, choices=AdoptionDecision.choices, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("section response")
        verbose_name_plural = _("section responses")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "section"], name="participation_section_response_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section} {self.get_decision_display()}"


# --- Following (the notifications themselves: minyi.notifications) --------------------------


class Follow(models.Model):
    """A user follows a consultation or a petition (exactly one of them)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    consultation = models.ForeignKey(
        ConsultationPage, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    petition = models.ForeignKey(
        Petition, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Set once the "closing in 3 days" notice went out, so it is sent only once.
    closing_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(consultation__isnull=False, petition__isnull=True)
                    | models.Q(consultation__isnull=True, petition__isnull=False)
                ),
                name="participation_follow_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "consultation"],
                condition=models.Q(consultation__isnull=False),
                name="participation_follow_consultation_once",
            ),
            models.UniqueConstraint(
                fields=["user", "petition"],
                condition=models.Q(petition__isnull=False),
                name="participation_follow_petition_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.consultation_id or self.petition_id}"
