"""Government agencies (機關) and who works for them."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import AbstractGroupApprovalTask, Page
from wagtail.search import index

agency_code_validator = RegexValidator(
    r"^[A-Z][A-Z0-9-]{1,19}$",
    _("Use 2–20 capital letters, digits or hyphens, starting with a letter (e.g. MODA)."),
)


class Agency(index.Indexed, models.Model):
    """A ministry, council or bureau; other apps reference it for ownership."""

    code = models.CharField(
        _("code"), max_length=20, unique=True, validators=[agency_code_validator]
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent ministry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    # The agency's own part of the page tree and of the media library; agency
    # staff may edit inside these and nowhere else.
    root_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("section page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    collection = models.ForeignKey(
        "wagtailcore.Collection",
        verbose_name=_("media collection"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # The group that carries the agency's page and collection permissions; the services keep
    # its members and the memberships below in step (``agencies.services.user_agencies_set``).
    staff_group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("staff group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agency",
        editable=False,
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="AgencyMembership",
        related_name="agencies",
        verbose_name=_("staff"),
    )

    panels = [
        FieldPanel("code"),
        FieldPanel("name_zh"),
        FieldPanel("name_en"),
        FieldPanel("parent"),
        FieldPanel("website"),
        FieldPanel("contact_email"),
        FieldPanel("contact_phone"),
    ]
    search_fields = [
        index.SearchField("name_zh"),
        index.SearchField("name_en"),
        index.AutocompleteField("name_zh"),
        index.FilterField("code"),
    ]

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="agencies_agency_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def name(self) -> str:
        """The agency's name in the reader's language (Chinese when it has no English one)."""
        from minyi.home.dates import english_now

        return self.name_en if self.name_en and english_now() else self.name_zh


class AgencyMembership(models.Model):
    """A staff member of an agency."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_memberships"
    )
    title = models.CharField(_("job title"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agency membership")
        verbose_name_plural = _("agency memberships")
        constraints = [
            models.UniqueConstraint(fields=["agency", "user"], name="agencies_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency.code}"


class AgencyPage(Page):
    """An agency's section of the site (機關專區): its consultations and programs live below."""

    agency = models.OneToOneField(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="section_page"
    )
    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"]
    )

    content_panels = [*Page.content_panels, FieldPanel("agency"), FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["home.HomePage"]
    # Later issues add their page types (programs, ...) below an agency.
    subpage_types: list[str] = ["agencies.AgencySubPage", "participation.ConsultationPage"]

    class Meta:
        verbose_name = _("agency section")
        verbose_name_plural = _("agency sections")

    @property
    def reader_title(self) -> str:
        """The title for breadcrumbs: the agency's English name on English pages (the page's
        title is its Chinese name), the page's own title otherwise."""
        from minyi.home.dates import english_now

        return self.agency.name_en if english_now() and self.agency.name_en else self.title


class AgencySubPage(Page):
    """A plain information page inside an agency's section."""

    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    parent_page_types = ["agencies.AgencyPage", "agencies.AgencySubPage"]
    subpage_types = ["agencies.AgencySubPage"]

    class Meta:
        verbose_name = _("agency information page")
        verbose_name_plural = _("agency information pages")


class PeerApprovalTask(AbstractGroupApprovalTask):
    """Approval by a member of the chosen groups other than the person who submitted.

    Agency pages are published only after a second staff member of the same
    agency approves them (four-eyes principle).
    """

    class Meta:
        verbose_name = _("peer approval")
        verbose_name_plural = _("peer approvals")

    @staticmethod
    def _submitted_by(obj, user) -> bool:
        state = getattr(obj, "current_workflow_state", None)
        return state is not None and state.requested_by_id == user.pk

    def get_actions(self, obj, user):
        if self._submitted_by(obj, user):
            return []
        return super().get_actions(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        return (
            super()
            .get_task_states_user_can_moderate(user, **kwargs)
            .exclude(workflow_state__requested_by=user)
        )

    @classmethod
    def get_description(cls):
        return _("A member of the chosen groups other than the submitter approves")
