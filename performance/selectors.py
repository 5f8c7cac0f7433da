"""Reads for programs: light inputs, the dashboard's aggregates, a program's page, monitoring.

The dashboard runs a fixed number of queries whatever the number of programs: every figure is
an aggregate (GROUP BY) or a page of the program list.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from minyi.accounts.models import User
from minyi.agencies.models import Agency
from minyi.agencies.selectors import agencies_for_user

from .counties import COUNTIES, county_label
from .lights import BudgetInput, KPIInput, Light, LightInputs, ProgressInput
from .models import (
    KPI,
    BudgetYear,
    County,
    Direction,
    KPIActual,
    KPITarget,
    Milestone,
    PerformanceDashboardPage,
    Period,
    Program,
    ProgramFollow,
    ProgramLight,
    ProgramQuestion,
    ProgressMatch,
    ProgressRating,
    ProgressReport,
    QuestionState,
    ReportingPeriod,
    gregorian_year,
)

CHUNK = 500
LIGHT_ORDER = [Light.RED, Light.YELLOW, Light.GREEN, Light.GREY]


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def question_answer_days() -> int:
    """How many days an agency has to answer a citizen's question (setting, default 14)."""
    return int(getattr(settings, "MINYI_PERFORMANCE_QUESTION_ANSWER_DAYS", 14))


# --- Light inputs ------------------------------------------------------------------------------


def reporting_period_label(period: ReportingPeriod) -> str:
    return f"{period.label}（{period.due_date:%Y-%m-%d} 截止）"


def light_inputs_for(
    *, program_ids: list[int], today: date | None = None
) -> dict[int, LightInputs]:
    """What :func:`performance.lights.light_compute` needs, for many programs in a few queries."""
    today = today or timezone.localdate()
    periods = list(ReportingPeriod.objects.filter(due_date__lt=today).order_by("period_end"))
    result: dict[int, LightInputs] = {}
    for ids in _chunks(list(program_ids)):
        years = {
            pk: (start, end)
            for pk, start, end in Program.objects.filter(pk__in=ids).values_list(
                "pk", "start_year", "end_year"
            )
        }
        progress: dict[int, ProgressInput] = {}
        reported: dict[int, set[date]] = defaultdict(set)
        for pk, period_end, planned, actual in (
            ProgressReport.objects.filter(program_id__in=ids)
            .order_by("program_id", "period_end")
            .values_list("program_id", "period_end", "planned_percent", "actual_percent")
        ):
            reported[pk].add(period_end)
            if period_end <= today:
                progress[pk] = ProgressInput(period_end, planned, actual)

        budgets: dict[int, BudgetInput] = {}
        for pk, year, budget, spent, planned in (
            BudgetYear.objects.filter(program_id__in=ids, spent__isnull=False, year__lte=today.year)
            .order_by("program_id", "year")
            .values_list("program_id", "year", "budget", "spent", "planned_to_date")
        ):
            budgets[pk] = BudgetInput(
                year, planned if planned is not None else budget, spent, planned is None
            )

        kpis = list(
            KPI.objects.filter(program_id__in=ids)
            .order_by("program_id", "sort_order", "pk")
            .values_list("pk", "program_id", "name", "unit", "direction")
        )
        kpi_ids = [row[0] for row in kpis]
        targets: dict[int, dict[int, Decimal]] = defaultdict(dict)
        actuals: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for kpi_chunk in _chunks(kpi_ids):
            for kpi_id, year, value in KPITarget.objects.filter(
                kpi_id__in=kpi_chunk, year__lte=today.year
            ).values_list("kpi_id", "year", "value"):
                targets[kpi_id][year] = value
            for kpi_id, year, value in KPIActual.objects.filter(
                kpi_id__in=kpi_chunk, period=Period.YEAR, year__lte=today.year
            ).values_list("kpi_id", "year", "value"):
                actuals[kpi_id][year] = value
        kpi_inputs: dict[int, list[KPIInput]] = defaultdict(list)
        for kpi_id, program_id, name, unit, direction in kpis:
            common = set(targets[kpi_id]) & set(actuals[kpi_id])
            if not common:
                continue
            year = max(common)
            kpi_inputs[program_id].append(
                KPIInput(
                    name=name,
                    year=year,
                    target=targets[kpi_id][year],
                    actual=actuals[kpi_id][year],
                    higher_is_better=direction == Direction.HIGHER,
                    unit=unit,
                )
            )

        for pk in ids:
            start, end = years.get(pk, (0, 0))
            overdue = tuple(
                reporting_period_label(period)
                for period in periods
                if start <= period.period_end.year <= end and period.period_end not in reported[pk]
            )
            result[pk] = LightInputs(
                progress=progress.get(pk),
                budget=budgets.get(pk),
                kpis=tuple(kpi_inputs[pk]),
                overdue=overdue,
            )
    return result


def overdue_reports_for_agencies(*, agencies: QuerySet[Agency], today: date | None = None):
    """(program, reporting period) pairs whose progress report is past its due date."""
    today = today or timezone.localdate()
    periods = list(ReportingPeriod.objects.filter(due_date__lt=today).order_by("period_end"))
    if not periods:
        return []
    programs = list(
        Program.objects.filter(agency__in=agencies)
        .select_related("agency")
        .order_by("agency__code", "code")
    )
    reported = defaultdict(set)
    for pk, period_end in ProgressReport.objects.filter(
        program__agency__in=agencies, period_end__in=[p.period_end for p in periods]
    ).values_list("program_id", "period_end"):
        reported[pk].add(period_end)
    return [
        (program, period)
        for program in programs
        for period in periods
        if program.start_year <= period.period_end.year <= program.end_year
        and period.period_end not in reported[program.pk]
    ]


# --- Programs, for staff ---------------------------------------------------------------------


def programs_for_user(user: User) -> QuerySet[Program]:
    """The programs ``user`` may edit: those of their agencies (all for administrators)."""
    return Program.objects.filter(agency__in=agencies_for_user(user))


def user_can_manage_program(user: User, program: Program) -> bool:
    return user.is_authenticated and agencies_for_user(user).filter(pk=program.agency_id).exists()


# --- The public dashboard ------------------------------------------------------------------------


def dashboard_page() -> PerformanceDashboardPage | None:
    return PerformanceDashboardPage.objects.live().public().order_by("path").first()


def program_url(*, page: PerformanceDashboardPage | None, code: str) -> str:
    if page is None:
        return ""
    return (page.url or "") + page.reverse_subpage("program", kwargs={"code": code})


@dataclass
class DashboardFilters:
    agency: str = ""
    category: str = ""
    county: str = ""
    light: str = ""
    year: int | None = None

    @classmethod
    def from_query(cls, query) -> "DashboardFilters":
        year = query.get("year", "")
        # 民國 years are welcome in the address bar
        year_value = gregorian_year(int(year)) if year.isdigit() else None
        light = query.get("light", "")
        county = query.get("county", "")
        return cls(
            agency=query.get("agency", "").strip()[:20],
            category=query.get("category", "").strip()[:100],
            county=county if county in COUNTIES else "",
            light=light if light in Light.values else "",
            year=year_value,
        )

    def as_query(self, **changes) -> dict[str, str]:
        values = {
            "agency": self.agency,
            "category": self.category,
            "county": self.county,
            "light": self.light,
            "year": str(self.year) if self.year else "",
        }
        values.update({key: str(value) if value else "" for key, value in changes.items()})
        return {key: value for key, value in values.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.as_query())


def programs_filtered(filters: DashboardFilters, *, ignore: Iterable[str] = ()) -> QuerySet:
    programs = Program.objects.all()
    if filters.agency and "agency" not in ignore:
        programs = programs.filter(agency__code=filters.agency)
    if filters.category and "category" not in ignore:
        programs = programs.filter(category=filters.category)
    if filters.county and "county" not in ignore:
        programs = programs.filter(
            Q(nationwide=True)
            | Q(
                pk__in=Program.counties.through.objects.filter(county_id=filters.county).values(
                    "program_id"
                )
            )
        )
    if filters.light and "light" not in ignore:
        programs = programs.filter(light=filters.light)
    if filters.year and "year" not in ignore:
        programs = programs.filter(start_year__lte=filters.year, end_year__gte=filters.year)
    return programs


def _light_counts(rows: Iterable[tuple[Any, str, int]]) -> dict[Any, dict[str, int]]:
    table: dict[Any, dict[str, int]] = {}
    for key, light, count in rows:
        table.setdefault(key, dict.fromkeys(LIGHT_ORDER, 0))[light] = count
    return table


def _rate(spent: Decimal | None, budget: Decimal | None) -> Decimal | None:
    if spent is None or not budget:
        return None
    return spent * 100 / budget


def dashboard_summary(filters: DashboardFilters) -> dict[str, Any]:
    """Every aggregate of the dashboard (about ten queries, none per program)."""
    programs = programs_filtered(filters)
    light_rows = programs.values_list("light").annotate(n=Count("pk")).order_by()
    lights = dict.fromkeys(LIGHT_ORDER, 0)
    for light, count in light_rows:
        lights[light] = count

    agency_table = _light_counts(
        programs.values_list("agency__code", "light").annotate(n=Count("pk")).order_by()
    )
    agencies = {
        a.code: a
        for a in Agency.objects.filter(code__in=list(agency_table)).only(
            "code", "name_zh", "name_en"
        )
    }
    by_agency = [
        {
            "code": code,
            "name": agencies[code].name_zh if code in agencies else code,  # open data's name
            "label": agencies[code].name if code in agencies else code,  # the reader's
            **counts,
            "total": sum(counts.values()),
        }
        for code, counts in sorted(agency_table.items())
    ]
    category_names = category_labels()
    by_category = [
        {
            "category": category or "—",  # open data's name
            "label": category_names.get(category, category) or "—",  # the reader's
            **counts,
            "total": sum(counts.values()),
        }
        for category, counts in sorted(
            _light_counts(
                programs.values_list("category", "light").annotate(n=Count("pk")).order_by()
            ).items()
        )
    ]

    budgets = BudgetYear.objects.filter(program__in=programs.values("pk"))
    if filters.year:
        budgets = budgets.filter(year=filters.year)
    budget_years = [
        {
            "year": year,
            "roc_year": year - 1911,
            "budget": budget or Decimal(0),
            "spent": spent or Decimal(0),
            "rate": _rate(spent, budget),
        }
        for year, budget, spent in budgets.values_list("year")
        .annotate(b=Sum("budget"), s=Sum("spent"))
        .order_by("year")
    ]
    budget_total = sum((row["budget"] for row in budget_years), Decimal(0))
    spent_total = sum((row["spent"] for row in budget_years), Decimal(0))

    # The map counts programs per county with every filter but the county itself.
    mapped = programs_filtered(filters, ignore=["county"])
    nationwide = mapped.filter(nationwide=True).count()
    per_county = dict(
        Program.counties.through.objects.filter(program__in=mapped.filter(nationwide=False))
        .values_list("county_id")
        .annotate(n=Count("program_id"))
        .order_by()
    )
    counties = [
        {
            "code": code,
            "name": name_zh,
            "name_en": name_en,
            "label": county_label(code),
            "programs": per_county.get(code, 0) + nationwide,
            "local": per_county.get(code, 0),
        }
        for code, (name_zh, name_en) in COUNTIES.items()
    ]
    return {
        "total": sum(lights.values()),
        "lights": lights,
        "by_agency": by_agency,
        "by_category": by_category,
        "budget_years": budget_years,
        "budget_total": budget_total,
        "spent_total": spent_total,
        "execution_rate": _rate(spent_total, budget_total),
        "counties": counties,
        "nationwide": nationwide,
    }


def category_labels() -> dict[str, str]:
    """Each program category (the Chinese name, which filters and open data use), in order,
    with its name in the reader's language: the English one any program of it gives."""
    from minyi.home.dates import english_now

    english = english_now()
    labels: dict[str, str] = {}
    rows = (
        Program.objects.exclude(category="")
        .order_by("category", "-category_en")
        .values_list("category", "category_en")
        .distinct()
    )
    for category, category_en in rows:
        if category not in labels:
            labels[category] = category_en if english and category_en else category
    return labels


def dashboard_filter_options() -> dict[str, Any]:
    agencies = [
        (agency.code, agency.name)
        for agency in Agency.objects.filter(pk__in=Program.objects.values("agency_id"))
        .order_by("code")
        .only("code", "name_zh", "name_en")
    ]
    categories = list(category_labels().items())
    span = Program.objects.aggregate(first=Min("start_year"), last=Max("end_year"))
    years = list(range(span["first"], span["last"] + 1)) if span["first"] else []
    return {
        "agencies": agencies,
        "categories": categories,
        "years": years,
        "counties": [(code, county_label(code)) for code in COUNTIES],
        "lights": [(value, label) for value, label in Light.choices],
    }


def program_list(filters: DashboardFilters) -> QuerySet[Program]:
    return (
        programs_filtered(filters)
        .select_related("agency")
        .annotate(budget_sum=Sum("budgets__budget"), spent_sum=Sum("budgets__spent"))
        .order_by("agency__code", "code")
    )


def program_list_budget(*, programs: list[Program], year: int | None) -> None:
    """Attach the budget and spending of the filtered year to a page of programs (one query)."""
    if not year:
        for program in programs:
            program.year_budget = program.budget_sum
            program.year_spent = program.spent_sum
            program.year_rate = _rate(program.spent_sum, program.budget_sum)
        return
    rows = {
        pk: (budget, spent)
        for pk, budget, spent in BudgetYear.objects.filter(
            program__in=[p.pk for p in programs], year=year
        ).values_list("program_id", "budget", "spent")
    }
    for program in programs:
        budget, spent = rows.get(program.pk, (None, None))
        program.year_budget, program.year_spent = budget, spent
        program.year_rate = _rate(spent, budget)


def dashboard_highlights(page: PerformanceDashboardPage | None = None) -> list[dict[str, Any]]:
    """Figures for the home page's "dashboard highlights" (two queries, and the page's)."""
    page = page or dashboard_page()
    if page is None:
        return []
    summary = Program.objects.aggregate(
        total=Count("pk"),
        red=Count("pk", filter=Q(light=Light.RED)),
        green=Count("pk", filter=Q(light=Light.GREEN)),
    )
    if not summary["total"]:
        return []
    totals = BudgetYear.objects.aggregate(b=Sum("budget"), s=Sum("spent"))
    rate = _rate(totals["s"], totals["b"])
    from django.utils.translation import gettext as _

    url = page.url
    return [
        {"label": _("Programs tracked"), "value": summary["total"], "url": url},
        {"label": _("On track (green)"), "value": summary["green"], "url": f"{url}?light=green"},
        {"label": _("Behind (red)"), "value": summary["red"], "url": f"{url}?light=red"},
        {
            "label": _("Budget execution"),
            "value": f"{rate:.1f}%" if rate is not None else "—",
            "url": url,
        },
    ]


def programs_needing_attention(
    *, page: PerformanceDashboardPage | None, limit: int = 3
) -> list[Program]:
    """The red programs most recently updated, for the home page: what is behind, and why."""
    programs = list(
        Program.objects.filter(light=Light.RED)
        .select_related("agency")
        .order_by("-updated_at", "code")[:limit]
    )
    for program in programs:
        program.page_url = program_url(page=page, code=program.code)
    return programs


def home_page_highlights() -> dict[str, Any]:
    """What the home page shows of the dashboard (registered in PerformanceConfig.ready): one
    query without a dashboard, four with one, however many programs there are."""
    page = dashboard_page()
    if page is None:
        return {}
    return {
        "dashboard_highlights": dashboard_highlights(page),
        "attention_programs": programs_needing_attention(page=page),
    }


# --- One program ---------------------------------------------------------------------------------


def program_by_code(code: str) -> Program | None:
    return (
        Program.objects.select_related("agency")
        .prefetch_related("counties", "consultations")
        .filter(code=code)
        .first()
    )


def program_detail(*, program: Program, user: User) -> dict[str, Any]:
    """Everything a program's page shows, in a fixed number of queries."""
    kpis = list(KPI.objects.filter(program=program).order_by("sort_order", "pk"))
    targets = defaultdict(dict)
    for kpi_id, year, value in KPITarget.objects.filter(kpi__program=program).values_list(
        "kpi_id", "year", "value"
    ):
        targets[kpi_id][year] = value
    actual_rows = defaultdict(list)
    year_end = defaultdict(dict)
    for actual in KPIActual.objects.filter(kpi__program=program).order_by("year", "period"):
        actual_rows[actual.kpi_id].append(actual)
        if actual.period == Period.YEAR:
            year_end[actual.kpi_id][actual.year] = actual
    for kpi in kpis:
        years = sorted(set(targets[kpi.pk]) | set(year_end[kpi.pk]))
        kpi.rows = [
            {
                "year": year,
                "roc_year": year - 1911,
                "target": targets[kpi.pk].get(year),
                "actual": year_end[kpi.pk][year].value if year in year_end[kpi.pk] else None,
                "evidence_url": (
                    year_end[kpi.pk][year].evidence_url if year in year_end[kpi.pk] else ""
                ),
                "note": year_end[kpi.pk][year].note if year in year_end[kpi.pk] else "",
            }
            for year in years
        ]
        kpi.has_notes = any(row["note"] for row in kpi.rows)
        kpi.has_evidence = any(row["evidence_url"] for row in kpi.rows)
        kpi.interim = [a for a in actual_rows[kpi.pk] if a.period != Period.YEAR]
        kpi.has_actuals = bool(actual_rows[kpi.pk])

    budgets = list(BudgetYear.objects.filter(program=program).order_by("year"))
    progress = list(ProgressReport.objects.filter(program=program).order_by("period_end"))
    milestones = list(Milestone.objects.filter(program=program).order_by("planned_date", "pk"))
    history = list(ProgramLight.objects.filter(program=program).order_by("-changed_at", "-pk")[:50])
    questions = list(
        ProgramQuestion.objects.filter(program=program)
        .filter(Q(state=QuestionState.PUBLISHED) | Q(author_id=user.pk or 0))
        .select_related("author", "answered_by")
        .order_by("-created_at", "-pk")
    )
    ratings = dict.fromkeys(ProgressMatch.values, 0)
    for value, count in (
        ProgressRating.objects.filter(program=program)
        .values_list("value")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        ratings[value] = count
    mine = {"following": False, "rating": ""}
    if user.is_authenticated:
        mine["following"] = ProgramFollow.objects.filter(program=program, user=user).exists()
        mine["rating"] = (
            ProgressRating.objects.filter(program=program, user=user)
            .values_list("value", flat=True)
            .first()
            or ""
        )
    now = timezone.now()
    for question in questions:
        question.overdue = question.is_overdue_at(now)
    return {
        "kpis": kpis,
        "budgets": budgets,
        "progress": progress,
        "milestones": milestones,
        "history": history,
        "questions": questions,
        "ratings": ratings,
        "rating_total": sum(ratings.values()),
        "followers": ProgramFollow.objects.filter(program=program).count(),
        "mine": mine,
        "overdue_questions": sum(1 for q in questions if q.overdue),
    }


def program_follower_users(*, program: Program) -> QuerySet[User]:
    return User.objects.filter(program_follows__program=program, is_active=True)


def county_list() -> QuerySet[County]:
    return County.objects.order_by("code")


def performance_data_export(user) -> dict:
    """A citizen's questions, progress ratings and program follows, for the data export."""
    from .models import ProgramFollow, ProgramQuestion, ProgressRating

    return {
        "questions": [
            {
                "program": question.program.name,
                "question": question.body,
                "state": str(question.get_state_display()),
                "answer": question.answer,
                "answered_at": question.answered_at.isoformat() if question.answered_at else None,
            }
            for question in ProgramQuestion.objects.filter(author=user)
            .select_related("program")
            .order_by("pk")
        ],
        "ratings": [
            {
                "program": rating.program.name,
                "rating": str(rating.get_value_display()),
                "at": rating.updated_at.isoformat(),
            }
            for rating in ProgressRating.objects.filter(user=user)
            .select_related("program")
            .order_by("updated_at")
        ],
        "program_follows": [
            {"program": follow.program.name, "since": follow.created_at.isoformat()}
            for follow in ProgramFollow.objects.filter(user=user)
            .select_related("program")
            .order_by("created_at")
        ],
    }


def program_followed_items(user) -> list:
    """The programs the user follows, for 「我的追蹤」 (unfollowed with the program page's own
    action, which returns to the list when given ``next``)."""
    from django.utils.translation import gettext_lazy

    from minyi.notifications.follows import FollowedItem

    from .models import ProgramFollow

    page = dashboard_page()
    if page is None:  # no dashboard published: nothing to link to
        return []
    base = page.url or ""
    return [
        FollowedItem(
            title=follow.program.name,
            url=program_url(page=page, code=follow.program.code),
            kind_label=gettext_lazy("Program"),
            since=follow.created_at,
            unfollow_url=base
            + page.reverse_subpage(
                "program_action", kwargs={"code": follow.program.code, "action": "unfollow"}
            ),
        )
        for follow in ProgramFollow.objects.filter(user=user).select_related("program")
    ]


def questions_to_answer(*, agencies) -> QuerySet[ProgramQuestion]:
    """For the admin home of agency staff: published citizens' questions on their agencies'
    programmes still without an answer, the nearest deadline (or the longest overdue) first."""
    return (
        ProgramQuestion.objects.filter(
            program__agency__in=agencies, state=QuestionState.PUBLISHED, answered_at__isnull=True
        )
        .select_related("program", "program__agency")
        .order_by("answer_due_at", "pk")
    )
