"""Government programs (計畫) and how they are doing: KPIs against targets, budget execution,
progress, milestones, status lights; and what citizens do with them (公民管考).

Years are stored as Gregorian years and shown as 民國 years (year − 1911). Money is in
thousands of New Taiwan dollars (千元), as in the government's own budget tables.
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.fields import RichTextField
from wagtail.models import Page

from minyi.home.english import EnglishVersionMixin

from .counties import COUNTIES
from .lights import Light

PERCENT_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
NON_NEGATIVE = [MinValueValidator(Decimal(0))]
YEAR_VALIDATORS = [MinValueValidator(1912), MaxValueValidator(2200)]
ROC_OFFSET = 1911  # 民國 1 年 = 1912


def roc(year: int | None) -> int | None:
    return None if year is None else year - ROC_OFFSET


def gregorian_year(year: int) -> int:
    """A year as people type it, 西元 or 民國: below 1000 it is a 民國 year (105 → 2016).
    The one rule for the admin's year fields, the spreadsheet import and the address bar."""
    return year + ROC_OFFSET if year < 1000 else year


YEAR_HELP = _("A Gregorian or a Minguo (ROC) year, e.g. 2016 or 105.")


class YearFormField(forms.IntegerField):
    """Takes a 西元 or a 民國 year and cleans it to the 西元 year that is stored."""

    def __init__(self, **kwargs):
        kwargs["help_text"] = kwargs.get("help_text") or YEAR_HELP
        super().__init__(**kwargs)

    def to_python(self, value):
        year = super().to_python(value)
        return None if year is None else gregorian_year(year)


class YearField(models.PositiveSmallIntegerField):
    """A 西元 year column whose admin form field also takes 民國 years (:class:`YearFormField`).

    Only the form differs: migrations record a plain PositiveSmallIntegerField."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": YearFormField, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.PositiveSmallIntegerField", args, kwargs


class PlainDecimalInput(forms.NumberInput):
    """Shows 5 for a stored 5.0000 and 2.5 for 2.5000 (the columns keep four places)."""

    def format_value(self, value):
        return super().format_value(plain_decimal(value))


def plain_decimal(value):
    """A Decimal without trailing zeros and never in exponent form (100.0000 → 100)."""
    if isinstance(value, Decimal) and value.is_finite():
        return format(value.normalize(), "f") if value else "0"
    return value


class PlainDecimalField(models.DecimalField):
    """A decimal column shown without trailing zeros in the admin (:class:`PlainDecimalInput`).

    Only the form differs: migrations record a plain DecimalField."""

    def formfield(self, **kwargs):
        return super().formfield(**{"widget": PlainDecimalInput, **kwargs})

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs


class County(models.Model):
    """One of the 22 municipalities, counties and cities (created by a migration)."""

    code = models.CharField(_("county code"), max_length=5, primary_key=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=10, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=40)

    class Meta:
        verbose_name = _("county or city")
        verbose_name_plural = _("counties and cities")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def name(self) -> str:
        """The name in the reader's language (like Agency.name)."""
        from minyi.home.dates import english_now

        return self.name_en if self.name_en and english_now() else self.name_zh

    @classmethod
    def sync(cls) -> None:
        for code, (name_zh, name_en) in COUNTIES.items():
            cls.objects.update_or_create(
                code=code, defaults={"name_zh": name_zh, "name_en": name_en}
            )


program_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
    _("Use letters, digits, hyphens and underscores (e.g. EGOV4-1-1)."),
)


class ProgramAdminForm(WagtailAdminModelForm):
    """Agency staff choose only among their own agencies."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        if user is not None and "agency" in self.fields:
            from minyi.agencies.selectors import agencies_for_user

            self.fields["agency"].queryset = agencies_for_user(user)
        if "consultations" in self.fields:
            # Published consultations only (and any already linked): a draft of any agency
            # was offered here, its title shown to every agency's staff before publication.
            field = self.fields["consultations"]
            linked = list(self.instance.consultations.values_list("pk", flat=True))
            field.queryset = field.queryset.filter(
                models.Q(live=True) | models.Q(pk__in=linked)
            ).order_by("-first_published_at", "title")


class KPIAdminForm(WagtailAdminModelForm):
    """Agency staff choose only among their own agencies' programs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        if user is not None and "program" in self.fields:
            from minyi.agencies.selectors import agencies_for_user

            self.fields["program"].queryset = Program.objects.filter(
                agency__in=agencies_for_user(user)
            )


class ControlLevel(models.TextChoices):
    EXECUTIVE_YUAN = "executive", _("Executive Yuan control")  # 院管制
    MINISTRY = "ministry", _("Ministry control")  # 部會管制
    SELF = "self", _("Self control")  # 自行管制


class Program(ClusterableModel):
    """A government program (計畫) with its own code, owned by one agency."""

    code = models.CharField(
        _("program code"),
        max_length=40,
        unique=True,
        validators=[program_code_validator],
        help_text=_("Letters, digits, hyphens and underscores; it is part of the page address."),
    )
    name = models.CharField(_("name"), max_length=200)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        related_name="programs",
    )
    control_level = models.CharField(
        _("control level"),
        max_length=10,
        choices=ControlLevel.choices,
        default=ControlLevel.MINISTRY,
    )
    category = models.CharField(_("category"), max_length=100, blank=True)
    category_en = models.CharField(
        _("category (English)"),
        max_length=100,
        blank=True,
        help_text=_("Shown on the English site; programs of one category share it."),
    )
    start_year = YearField(_("first year"), validators=YEAR_VALIDATORS)
    end_year = YearField(_("last year"), validators=YEAR_VALIDATORS)
    objectives = models.TextField(_("objectives"), blank=True)
    description = models.TextField(_("description"), blank=True)
    nationwide = models.BooleanField(
        _("serves the whole country"),
        default=False,
        help_text=_("Counts for every county on the map."),
    )
    counties = ParentalManyToManyField(
        County, verbose_name=_("counties served"), blank=True, related_name="programs"
    )
    consultations = ParentalManyToManyField(
        "participation.ConsultationPage",
        verbose_name=_("linked consultations"),
        blank=True,
        related_name="programs",
    )
    is_demo = models.BooleanField(
        _("demonstration data"),
        default=False,
        help_text=_("Shown with a 示範資料 label: some figures are synthetic."),
    )
    # The current light, kept by services.program_light_refresh (history in ProgramLight).
    light = models.CharField(
        _("status light"), max_length=6, choices=Light.choices, default=Light.GREY, editable=False
    )
    light_reasons = models.JSONField(_("light reasons"), default=list, blank=True, editable=False)
    light_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)

    base_form_class = ProgramAdminForm
    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("agency"),
        FieldPanel("control_level"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("category_en")]),
        FieldRowPanel([FieldPanel("start_year"), FieldPanel("end_year")]),
        FieldPanel("objectives"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("nationwide"),
                FieldPanel("counties", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Where it serves"),
        ),
        FieldPanel("consultations"),
        FieldPanel("is_demo"),
        InlinePanel("budgets", heading=_("Budget by year (thousand NTD)"), label=_("year")),
        InlinePanel("progress_reports", heading=_("Progress reports"), label=_("progress report")),
        InlinePanel("milestones", heading=_("Milestones"), label=_("milestone")),
    ]

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["agency", "light"]),
            models.Index(fields=["category"]),
            models.Index(fields=["start_year", "end_year"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="performance_program_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def category_label(self) -> str:
        """The category in the reader's language (like County.name)."""
        from minyi.home.dates import english_now

        return self.category_en if self.category_en and english_now() else self.category

    @property
    def start_roc(self) -> int:
        return roc(self.start_year)

    @property
    def end_roc(self) -> int:
        return roc(self.end_year)

    @cached_property
    def light_label(self) -> str:
        return Light(self.light).label


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class KPI(ClusterableModel):
    """A performance indicator (績效指標) of a program."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="kpis"
    )
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    formula = models.TextField(_("formula"), blank=True)
    direction = models.CharField(
        _("direction"), max_length=6, choices=Direction.choices, default=Direction.HIGHER
    )
    baseline = PlainDecimalField(
        _("baseline"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    baseline_year = YearField(_("baseline year"), null=True, blank=True, validators=YEAR_VALIDATORS)
    sort_order = models.PositiveSmallIntegerField(default=0, editable=False)

    base_form_class = KPIAdminForm
    panels = [
        FieldPanel("program"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("unit"), FieldPanel("direction")]),
        FieldPanel("definition"),
        FieldPanel("formula"),
        FieldRowPanel([FieldPanel("baseline"), FieldPanel("baseline_year")]),
        InlinePanel("targets", heading=_("Yearly targets"), label=_("target")),
        InlinePanel("actuals", heading=_("Reported actuals"), label=_("actual")),
    ]

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["program", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="performance_kpi_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.HIGHER


class KPITarget(models.Model):
    """The target value (目標值) of a KPI for one year."""

    kpi = ParentalKey(KPI, on_delete=models.CASCADE, related_name="targets")
    year = YearField(_("year"), validators=YEAR_VALIDATORS)
    value = PlainDecimalField(_("target"), max_digits=18, decimal_places=4)

    panels = [FieldRowPanel([FieldPanel("year"), FieldPanel("value")])]

    class Meta:
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        ordering = ["kpi", "year"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "year"], name="performance_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.year}: {plain_decimal(self.value)}"


class Period(models.TextChoices):
    YEAR = "year", _("Full year")
    H1 = "h1", _("First half")
    Q1 = "q1", _("First quarter")
    Q2 = "q2", _("Second quarter")
    Q3 = "q3", _("Third quarter")
    Q4 = "q4", _("Fourth quarter")


class KPIActual(models.Model):
    """A reported value (達成值) of a KPI for one period of a year."""

    kpi = ParentalKey(KPI, on_delete=models.CASCADE, related_name="actuals")
    year = YearField(_("year"), validators=YEAR_VALIDATORS)
    period = models.CharField(_("period"), max_length=4, choices=Period.choices, default="year")
    value = PlainDecimalField(_("actual"), max_digits=18, decimal_places=4)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=500, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("period"), FieldPanel("value")]),
        FieldPanel("reported_on"),
        FieldPanel("note"),
        FieldPanel("evidence_url"),
    ]

    class Meta:
        verbose_name = _("KPI actual")
        verbose_name_plural = _("KPI actuals")
        ordering = ["kpi", "year", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "year", "period"], name="performance_actual_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.year} {self.period}: {plain_decimal(self.value)}"


class BudgetYear(models.Model):
    """A program's budget for one year (預算數), what was spent (執行數) and planned to date."""

    program = ParentalKey(Program, on_delete=models.CASCADE, related_name="budgets")
    year = YearField(_("year"), validators=YEAR_VALIDATORS)
    budget = PlainDecimalField(
        _("budget (thousand NTD)"), max_digits=16, decimal_places=2, validators=NON_NEGATIVE
    )
    spent = PlainDecimalField(
        _("spent (thousand NTD)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
    )
    planned_to_date = PlainDecimalField(
        _("planned spending to date (thousand NTD)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NON_NEGATIVE,
        help_text=_("Leave empty once the year is over: the whole budget is then planned."),
    )

    panels = [
        FieldRowPanel(
            [
                FieldPanel("year"),
                FieldPanel("budget"),
                FieldPanel("spent"),
                FieldPanel("planned_to_date"),
            ]
        )
    ]

    class Meta:
        verbose_name = _("budget year")
        verbose_name_plural = _("budget years")
        ordering = ["program", "year"]
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="performance_budget_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.year}"

    @property
    def execution_rate(self) -> Decimal | None:
        """支用比: spent as a percentage of the budget."""
        if self.spent is None or not self.budget:
            return None
        return self.spent * 100 / self.budget


class Milestone(models.Model):
    """A checkpoint (查核點) with planned and actual dates and a weight."""

    program = ParentalKey(Program, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("name"), max_length=200)
    planned_date = models.DateField(_("planned date"))
    actual_date = models.DateField(_("actual date"), null=True, blank=True)
    weight = PlainDecimalField(
        _("weight (%)"), max_digits=5, decimal_places=2, default=0, validators=PERCENT_VALIDATORS
    )

    panels = [
        FieldPanel("name"),
        FieldRowPanel(
            [FieldPanel("planned_date"), FieldPanel("actual_date"), FieldPanel("weight")]
        ),
    ]

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["program", "planned_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "name"], name="performance_milestone_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_late(self) -> bool:
        today = timezone.localdate()
        if self.actual_date:
            return self.actual_date > self.planned_date
        return today > self.planned_date


class ProgressReport(models.Model):
    """Cumulative planned and actual progress (預定進度 / 實際進度) at a month or quarter end."""

    program = ParentalKey(Program, on_delete=models.CASCADE, related_name="progress_reports")
    period_end = models.DateField(_("period end"))
    planned_percent = PlainDecimalField(
        _("planned progress (%)"), max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS
    )
    actual_percent = PlainDecimalField(
        _("actual progress (%)"), max_digits=5, decimal_places=2, validators=PERCENT_VALIDATORS
    )
    note = models.TextField(_("note"), blank=True)
    reported_at = models.DateTimeField(default=timezone.now, editable=False)

    panels = [
        FieldRowPanel(
            [
                FieldPanel("period_end"),
                FieldPanel("planned_percent"),
                FieldPanel("actual_percent"),
            ]
        ),
        FieldPanel("note"),
    ]

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["program", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "period_end"], name="performance_progress_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.period_end}"


class ReportingPeriod(models.Model):
    """A period every active program reports progress for, by a due date (填報期限)."""

    label = models.CharField(_("label"), max_length=40, help_text=_("For example 114年第3季"))
    period_end = models.DateField(_("period end"), unique=True)
    due_date = models.DateField(_("due date"))

    panels = [FieldPanel("label"), FieldPanel("period_end"), FieldPanel("due_date")]

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["-period_end"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_date__gte=models.F("period_end")),
                name="performance_period_due_after_end",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ProgramLight(models.Model):
    """One entry of a program's light history: written only when the light changes."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="light_history")
    light = models.CharField(_("status light"), max_length=6, choices=Light.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("light history entry")
        verbose_name_plural = _("light history")
        ordering = ["program", "-changed_at", "-pk"]
        indexes = [models.Index(fields=["program", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.program_id} {self.light} {self.changed_at:%Y-%m-%d}"


# --- Citizen monitoring (公民管考) ----------------------------------------------------------


class ProgramFollow(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_follows"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("program follower")
        verbose_name_plural = _("program followers")
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="performance_follow_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.program_id}"


QUESTION_MAX_LENGTH = 1000
ANSWER_MAX_LENGTH = 5000


class QuestionState(models.TextChoices):
    PUBLISHED = "published", _("Published")
    HELD = "held", _("Awaiting review")
    # A moderator's decisions (the question is a moderated kind: performance.services)
    HIDDEN = "hidden", _("Hidden pending review")
    REJECTED = "rejected", _("Rejected")


class ProgramQuestion(models.Model):
    """A citizen's question to the agency about a program; answered within a set number of days."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="program_questions"
    )
    body = models.TextField(_("question"))
    state = models.CharField(
        _("state"), max_length=10, choices=QuestionState.choices, default=QuestionState.PUBLISHED
    )
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    answer_due_at = models.DateTimeField(_("answer due at"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["program", "state", "created_at"])]

    def __str__(self) -> str:
        return self.body[:40]

    def is_overdue_at(self, moment) -> bool:
        return self.answered_at is None and moment > self.answer_due_at

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_at(timezone.now())


class ProgressMatch(models.TextChoices):
    MATCHES = "matches", _("Matches what I see")
    PARTLY = "partly", _("Partly matches")
    DOES_NOT = "not", _("Does not match what I see")


class ProgressRating(models.Model):
    """A citizen's view of whether the reported progress matches reality (one per person)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_ratings"
    )
    value = models.CharField(_("rating"), max_length=8, choices=ProgressMatch.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("progress rating")
        verbose_name_plural = _("progress ratings")
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="performance_rating_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.value} {self.program_id}"


# --- The public dashboard page ---------------------------------------------------------------


class PerformanceDashboardPage(EnglishVersionMixin, RoutablePageMixin, Page):
    """The public GPMnet dashboard: every program, its light, KPIs, budget and progress."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    publisher = models.CharField(
        _("publisher"),
        max_length=100,
        default="國家發展委員會",
        help_text=_("The agency named as provider in the open-data metadata."),
    )
    update_frequency = models.CharField(
        _("update frequency"),
        max_length=40,
        default="每季",
        help_text=_("Shown in the open-data metadata, e.g. 每季 or 每月."),
    )
    publisher_en = models.CharField(_("publisher (English)"), max_length=100, blank=True)
    update_frequency_en = models.CharField(
        _("update frequency (English)"),
        max_length=40,
        blank=True,
        help_text=_("e.g. Quarterly."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("publisher"), FieldPanel("update_frequency")]),
        EnglishVersionMixin.english_panel(
            FieldRowPanel([FieldPanel("publisher_en"), FieldPanel("update_frequency_en")])
        ),
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("performance dashboard")

    @property
    def reader_publisher(self) -> str:
        return self.for_reader(self.publisher, self.publisher_en)

    @property
    def reader_update_frequency(self) -> str:
        return self.for_reader(self.update_frequency, self.update_frequency_en)

    @property
    def live_stream(self) -> str:
        """The version its cached copy is keyed on (bumped by performance.dashboard_cache)."""
        from .dashboard_cache import DASHBOARD_STREAM

        return DASHBOARD_STREAM

    # The routes only hand over to performance.views, which call selectors and services.

    @path("")
    def dashboard(self, request):
        from minyi.page_cache import ANONYMOUS, page_serve_cached

        from .views import dashboard_view

        # Anonymous readers without filters share one copy (most readers); the rest render.
        return page_serve_cached(
            request=request,
            page=self,
            stream=self.live_stream,
            render=lambda: dashboard_view(request, self),
            variants={ANONYMOUS},
        )

    @re_path(r"^programs/(?P<code>[^/]+)/$")
    def program(self, request, code):
        from .views import program_view

        return program_view(request, self, code)

    @re_path(r"^programs/(?P<code>[^/]+)/(?P<action>follow|unfollow|ask|rate)/$")
    def program_action(self, request, code, action):
        from .views import program_action_view

        return program_action_view(request, self, code, action)

    @re_path(r"^questions/(?P<pk>\d+)/answer/$")
    def question_answer(self, request, pk):
        from .views import question_answer_view

        return question_answer_view(request, self, int(pk))

    @re_path(r"^data/(?P<table>[a-z_]+)/(?P<fmt>csv|json)/$")
    def download(self, request, table, fmt):
        from .views import download_view

        return download_view(request, self, table, fmt)
