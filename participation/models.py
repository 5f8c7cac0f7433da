"""Consultations (公共政策諮詢): draft texts open for comment, statements and votes."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from minyi.agencies.models import AgencyPage

STATEMENT_MAX_LENGTH = 140


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for comment")
    CLOSED = "closed", _("Closed")
    RESPONDED = "responded", _("Responded")


class ConsultationIndexPage(Page):
    """All consultations, across agencies."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("consultation index")

    def get_context(self, request, *args, **kwargs):
        from .selectors import consultation_list

        context = super().get_context(request, *args, **kwargs)
        context["consultations"] = consultation_list()
        return context


class ConsultationPageForm(WagtailAdminPageForm):
    """A consultation belongs to the agency whose section it is created in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        section = self.parent_page.specific if self.parent_page else None
        if isinstance(section, AgencyPage) and "agency" in self.fields:
            self.fields["agency"].initial = section.agency_id
            self.fields["agency"].disabled = True

    def clean(self):
        cleaned = super().clean()
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
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
        InlinePanel("sections", label=_("Sections of the draft"), heading=_("Draft text")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("background"),
        index.FilterField("agency"),
    ]
    parent_page_types = ["agencies.AgencyPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def status_at(self, moment) -> ConsultationStatus:
        if self.responded_at is not None:
            return ConsultationStatus.RESPONDED
        if not self.live or moment < self.opens_at:
            return ConsultationStatus.DRAFT
        if moment < self.closes_at:
            return ConsultationStatus.OPEN
        return ConsultationStatus.CLOSED

    @property
    def status(self) -> ConsultationStatus:
        return self.status_at(timezone.now())

    @property
    def is_open(self) -> bool:
        return self.status == ConsultationStatus.OPEN

    def get_context(self, request, *args, **kwargs):
        from .selectors import (
            consultation_comments,
            consultation_statements,
            section_stance_counts,
            statement_next_for_user,
            user_votes,
        )

        context = super().get_context(request, *args, **kwargs)
        comments = consultation_comments(consultation=self)
        counts = section_stance_counts(consultation=self)
        sections = list(self.sections.all())
        for section in sections:
            section.stance_counts = counts.get(section.pk, dict.fromkeys(Stance.values, 0))
            section.visible_comments = [c for c in comments if c.section_id == section.pk]
        context.update(
            sections=sections,
            general_comments=[c for c in comments if c.section_id is None],
            general_counts=counts.get(None, dict.fromkeys(Stance.values, 0)),
            comment_count=len(comments),
            statements=list(consultation_statements(consultation=self)),
            next_statement=statement_next_for_user(consultation=self, user=request.user),
            my_votes=user_votes(consultation=self, user=request.user),
            stances=Stance.choices,
        )
        return context


class ConsultationSection(Orderable):
    """One article of the draft: 條次 / 條文 / 說明."""

    page = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="sections")
    number = models.CharField(_("article number (條次)"), max_length=40)
    text = models.TextField(_("article text (條文)"))
    explanation = models.TextField(_("explanation (說明)"), blank=True)

    panels = [FieldPanel("number"), FieldPanel("text"), FieldPanel("explanation")]

    class Meta(Orderable.Meta):
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.number


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


COMMENT_MAX_LENGTH = 3000
COMMENT_EDIT_WINDOW_MINUTES = 15


class Stance(models.TextChoices):
    SUPPORT = "support", _("Support")
    OPPOSE = "oppose", _("Oppose")
    SUGGEST = "suggest", _("Other suggestion")


class CommentState(models.TextChoices):
    PUBLISHED = "published", _("Published")
    HELD = "held", _("Awaiting review")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn by the author")


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
