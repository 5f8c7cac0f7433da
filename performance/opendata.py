"""Open data: every table of the dashboard as rows with described fields (data.gov.tw style).

The same definitions serve the CSV (UTF-8 with BOM) and JSON downloads, the API and the
metadata block on the page, so the three never disagree.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .counties import COUNTIES
from .importing import CONTROL_LABELS, DIRECTION_LABELS, PERIOD_LABELS
from .lights import KPIInput, Light, kpi_achievement
from .models import (
    KPI,
    BudgetYear,
    Direction,
    KPIActual,
    KPITarget,
    Milestone,
    Period,
    Program,
    ProgramLight,
    ProgressReport,
)
from .selectors import DashboardFilters, dashboard_summary, programs_filtered

LICENCE_NAME = "政府資料開放授權條款－第1版"
LICENCE_URL = "https://data.gov.tw/license"
LIGHT_NAMES = {Light.GREEN: "綠燈", Light.YELLOW: "黃燈", Light.RED: "紅燈", Light.GREY: "灰燈"}


def published(text: str | Promise) -> str:
    """``text`` in the site's default language: the downloads, the API and their metadata publish
    one set of names (Traditional Chinese, as data.gov.tw lists them), whatever the reader's."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


@dataclass(frozen=True)
class Field:
    key: str
    name: str | Promise  # in the reader's language (the page)
    about: str | Promise

    @property
    def label(self) -> str:
        """The column's published name (the CSV header)."""
        return published(self.name)

    @property
    def description(self) -> str:
        return published(self.about)


@dataclass(frozen=True)
class DataTable:
    key: str
    title: str | Promise  # in the reader's language (the page)
    about: str | Promise
    fields: tuple[Field, ...]
    rows: Callable[[QuerySet], Iterator[dict[str, Any]]]
    summary: bool = False  # an aggregate of the filtered programs rather than per-program rows

    @property
    def description(self) -> str:
        return published(self.about)


def _num(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _rate(part: Decimal | None, whole: Decimal | None) -> str:
    if part is None or not whole:
        return ""
    return _num((part * 100 / whole).quantize(Decimal("0.01")))


def _programs(programs: QuerySet) -> Iterator[dict[str, Any]]:
    through = Program.counties.through
    counties: dict[int, list[str]] = {}
    for program_id, county_id in (
        through.objects.filter(program__in=programs.values("pk"))
        .order_by("county_id")
        .values_list("program_id", "county_id")
    ):
        counties.setdefault(program_id, []).append(county_id)
    for p in programs.select_related("agency").order_by("code"):
        codes = counties.get(p.pk, [])
        yield {
            "code": p.code,
            "name": p.name,
            "agency_code": p.agency.code,
            "agency": p.agency.name_zh,
            "control_level": CONTROL_LABELS.get(p.control_level, p.control_level),
            "category": p.category,
            "start_year": p.start_year - 1911,
            "end_year": p.end_year - 1911,
            "light": LIGHT_NAMES.get(p.light, p.light),
            "light_reasons": "；".join(r.get("text", "") for r in p.light_reasons or []),
            "counties": "全國" if p.nationwide else "、".join(COUNTIES[c][0] for c in codes),
            "county_codes": ";".join(codes),
            "is_demo": "是" if p.is_demo else "否",
            "updated_at": p.updated_at.isoformat(timespec="seconds"),
        }


def _kpis(programs: QuerySet) -> Iterator[dict[str, Any]]:
    kpis = list(
        KPI.objects.filter(program__in=programs.values("pk"))
        .select_related("program")
        .order_by("program__code", "sort_order", "pk")
    )
    ids = [k.pk for k in kpis]
    targets: dict[int, dict[int, Decimal]] = {}
    for kpi_id, year, value in KPITarget.objects.filter(kpi_id__in=ids).values_list(
        "kpi_id", "year", "value"
    ):
        targets.setdefault(kpi_id, {})[year] = value
    actuals: dict[int, dict[int, Decimal]] = {}
    for kpi_id, year, value in KPIActual.objects.filter(
        kpi_id__in=ids, period=Period.YEAR
    ).values_list("kpi_id", "year", "value"):
        actuals.setdefault(kpi_id, {})[year] = value
    for k in kpis:
        years = sorted(set(targets.get(k.pk, {})) | set(actuals.get(k.pk, {})))
        for year in years:
            target = targets.get(k.pk, {}).get(year)
            actual = actuals.get(k.pk, {}).get(year)
            rate = ""
            if target is not None and actual is not None:
                rate = _num(
                    kpi_achievement(
                        KPIInput(k.name, year, target, actual, k.direction == Direction.HIGHER)
                    ).quantize(Decimal("0.01"))
                )
            yield {
                "program_code": k.program.code,
                "kpi": k.name,
                "unit": k.unit,
                "direction": DIRECTION_LABELS.get(k.direction, k.direction),
                "year": year - 1911,
                "target": _num(target),
                "actual": _num(actual),
                "achievement": rate,
            }


def _actuals(programs: QuerySet) -> Iterator[dict[str, Any]]:
    for a in (
        KPIActual.objects.filter(kpi__program__in=programs.values("pk"))
        .select_related("kpi", "kpi__program")
        .order_by("kpi__program__code", "kpi__sort_order", "kpi_id", "year", "period")
    ):
        yield {
            "program_code": a.kpi.program.code,
            "kpi": a.kpi.name,
            "year": a.year - 1911,
            "period": PERIOD_LABELS.get(a.period, a.period),
            "value": _num(a.value),
            "reported_on": a.reported_on.isoformat() if a.reported_on else "",
            "note": a.note,
            "evidence_url": a.evidence_url,
        }


def _budgets(programs: QuerySet) -> Iterator[dict[str, Any]]:
    for code, year, budget, spent, planned in (
        BudgetYear.objects.filter(program__in=programs.values("pk"))
        .order_by("program__code", "year")
        .values_list("program__code", "year", "budget", "spent", "planned_to_date")
    ):
        yield {
            "program_code": code,
            "year": year - 1911,
            "budget": _num(budget),
            "spent": _num(spent),
            "planned_to_date": _num(planned),
            "execution_rate": _rate(spent, budget),
        }


def _progress(programs: QuerySet) -> Iterator[dict[str, Any]]:
    for code, period_end, planned, actual, note in (
        ProgressReport.objects.filter(program__in=programs.values("pk"))
        .order_by("program__code", "period_end")
        .values_list("program__code", "period_end", "planned_percent", "actual_percent", "note")
    ):
        yield {
            "program_code": code,
            "period_end": period_end.isoformat(),
            "planned_percent": _num(planned),
            "actual_percent": _num(actual),
            "note": note,
        }


def _milestones(programs: QuerySet) -> Iterator[dict[str, Any]]:
    for code, name, planned, actual, weight in (
        Milestone.objects.filter(program__in=programs.values("pk"))
        .order_by("program__code", "planned_date", "pk")
        .values_list("program__code", "name", "planned_date", "actual_date", "weight")
    ):
        yield {
            "program_code": code,
            "name": name,
            "planned_date": planned.isoformat(),
            "actual_date": actual.isoformat() if actual else "",
            "weight": _num(weight),
        }


def _light_history(programs: QuerySet) -> Iterator[dict[str, Any]]:
    for code, light, changed_at, reasons in (
        ProgramLight.objects.filter(program__in=programs.values("pk"))
        .order_by("program__code", "changed_at", "pk")
        .values_list("program__code", "light", "changed_at", "reasons")
    ):
        yield {
            "program_code": code,
            "light": LIGHT_NAMES.get(light, light),
            "changed_at": changed_at.isoformat(timespec="seconds"),
            "reasons": "；".join(r.get("text", "") for r in reasons or []),
        }


LIGHT_FIELDS = (
    Field("red", _("Red"), _("Programs with a red light")),
    Field("yellow", _("Yellow"), _("Programs with a yellow light")),
    Field("green", _("Green"), _("Programs with a green light")),
    Field("grey", _("Grey"), _("Programs with a grey light (report overdue or no data)")),
    Field("total", _("Total"), _("Total number of programs")),
)

TABLES: tuple[DataTable, ...] = (
    DataTable(
        "programs",
        _("Program list"),
        _(
            "Each agency's programs: basic facts, control level, period, counties served and "
            "current light."
        ),
        (
            Field("code", _("Program code"), _("The program's unique code")),
            Field("name", _("Program name"), _("Program name")),
            Field("agency_code", _("Responsible agency code"), _("The responsible agency's code")),
            Field("agency", _("Agency in charge"), _("The responsible agency's name")),
            Field(
                "control_level", _("Control level"), _("Executive Yuan, ministry or agency control")
            ),
            Field("category", _("Category"), _("The program's category")),
            Field("start_year", _("Start year"), _("ROC year")),
            Field("end_year", _("End year"), _("ROC year")),
            Field("light", _("Light"), _("Green, yellow, red or grey")),
            Field("light_reasons", _("Light reasons"), _("Why the light is what it is")),
            Field(
                "counties",
                _("Counties served"),
                _("The counties the program serves; 全國 means the whole country"),
            ),
            Field(
                "county_codes",
                _("County codes"),
                _("Ministry of the Interior administrative area codes, separated by semicolons"),
            ),
            Field(
                "is_demo",
                _("Demonstration data"),
                _("是 (yes): some figures are synthetic demonstration data"),
            ),
            Field("updated_at", _("Updated at"), _("ISO 8601 date and time")),
        ),
        _programs,
    ),
    DataTable(
        "kpi_values",
        _("KPI targets and actuals"),
        _("Each KPI's yearly target, year-end actual and achievement rate."),
        (
            Field("program_code", _("Program code"), _("The program's unique code")),
            Field("kpi", _("Indicator"), _("The KPI's name")),
            Field("unit", _("Unit"), _("The indicator's unit")),
            Field("direction", _("Direction"), _("Higher is better or lower is better")),
            Field("year", _("Year"), _("ROC year")),
            Field("target", _("Target"), _("The year's target")),
            Field("actual", _("Actual"), _("Year-end actual")),
            Field(
                "achievement",
                _("Achievement (%)"),
                _(
                    "The actual as a percentage of the target (target ÷ actual where lower is "
                    "better)"
                ),
            ),
        ),
        _kpis,
    ),
    DataTable(
        "kpi_actuals",
        _("KPI reports"),
        _(
            "The actuals reported for each period (year, first half, quarters), with the date "
            "reported, a note and a link to evidence."
        ),
        (
            Field("program_code", _("Program code"), _("The program's unique code")),
            Field("kpi", _("Indicator"), _("The KPI's name")),
            Field("year", _("Year"), _("ROC year")),
            Field("period", _("Period reported"), _("Whole year, first half, or quarter 1 to 4")),
            Field("value", _("Actual"), _("The period's actual")),
            Field("reported_on", _("Reported on"), _("ISO 8601 date")),
            Field("note", _("Notes"), _("Note with the report")),
            Field("evidence_url", _("Evidence link"), _("Address of the evidence")),
        ),
        _actuals,
    ),
    DataTable(
        "budgets",
        _("Budget and spending by year"),
        _(
            "Each program's yearly budget, amount spent, amount planned to date and spending "
            "rate, in thousand NTD."
        ),
        (
            Field("program_code", _("Program code"), _("The program's unique code")),
            Field("year", _("Year"), _("ROC year")),
            Field("budget", _("Budget (thousand NTD)"), _("The year's budget")),
            Field("spent", _("Spent (thousand NTD)"), _("Amount spent")),
            Field(
                "planned_to_date",
                _("Planned to date (thousand NTD)"),
                _("Amount planned to be spent so far; blank once the year is over"),
            ),
            Field("execution_rate", _("Spending rate (%)"), _("Spent ÷ budget")),
        ),
        _budgets,
    ),
    DataTable(
        "progress",
        _("Progress"),
        _("Each program's cumulative planned and actual progress, by month or quarter."),
        (
            Field("program_code", _("Program code"), _("The program's unique code")),
            Field("period_end", _("Period end"), _("ISO 8601 date")),
            Field("planned_percent", _("Planned progress (%)"), _("Cumulative planned progress")),
            Field("actual_percent", _("Actual progress (%)"), _("Cumulative actual progress")),
            Field("note", _("Notes"), _("Note on progress")),
        ),
        _progress,
    ),
    DataTable(
        "milestones",
        _("Milestones"),
        _("Each program's milestones, with planned and actual completion dates and weights."),
        (
            Field("program_code", _("Program code"), _("The program's unique code")),
            Field("name", _("Milestones"), _("The milestone's name")),
            Field("planned_date", _("Planned completion"), _("ISO 8601 date")),
            Field("actual_date", _("Actual completion"), _("ISO 8601 date; blank while not done")),
            Field("weight", _("Weight (%)"), _("The milestone's weight")),
        ),
        _milestones,
    ),
    DataTable(
        "light_history",
        _("Light changes"),
        _("When and why each program's light changed."),
        (
            Field("program_code", _("Program code"), _("The program's unique code")),
            Field("light", _("Light"), _("The light after the change")),
            Field("changed_at", _("Changed at"), _("ISO 8601 date and time")),
            Field("reasons", _("Reasons"), _("Why the light is what it is")),
        ),
        _light_history,
    ),
    DataTable(
        "lights_by_agency",
        _("Light counts by agency"),
        _("The number of programs with each light, by responsible agency."),
        (
            Field("agency_code", _("Agency code"), _("Responsible agency code")),
            Field("agency", _("Agency"), _("The responsible agency's name")),
            *LIGHT_FIELDS,
        ),
        lambda programs: iter(()),
        summary=True,
    ),
    DataTable(
        "lights_by_category",
        _("Light counts by category"),
        _("The number of programs with each light, by program category."),
        (Field("category", _("Category"), _("The program's category")), *LIGHT_FIELDS),
        lambda programs: iter(()),
        summary=True,
    ),
    DataTable(
        "counties",
        _("Program counts by county"),
        _("The number of programs serving each county (nationwide programs included)."),
        (
            Field(
                "county_code",
                _("County codes"),
                _("Ministry of the Interior administrative area code"),
            ),
            Field("county", _("County"), _("The county's name")),
            Field(
                "programs",
                _("Number of programs"),
                _("Programs serving the county (nationwide programs included)"),
            ),
            Field(
                "local_programs",
                _("Local programs"),
                _("Programs naming the county (nationwide programs not included)"),
            ),
        ),
        lambda programs: iter(()),
        summary=True,
    ),
    DataTable(
        "budget_years",
        _("Budget and spending by year, all programs"),
        _(
            "Yearly budget and spending of the filtered programs added up, with the spending "
            "rate, in thousand NTD."
        ),
        (
            Field("year", _("Year"), _("ROC year")),
            Field("budget", _("Budget (thousand NTD)"), _("Total budget")),
            Field("spent", _("Spent (thousand NTD)"), _("Total spent")),
            Field("execution_rate", _("Spending rate (%)"), _("Spent ÷ budget")),
        ),
        lambda programs: iter(()),
        summary=True,
    ),
)
TABLES_BY_KEY = {table.key: table for table in TABLES}


def summary_rows(key: str, filters: DashboardFilters) -> list[dict[str, Any]]:
    summary = dashboard_summary(filters)
    if key == "lights_by_agency":
        return [
            {"agency_code": row["code"], "agency": row["name"], **_lights(row)}
            for row in summary["by_agency"]
        ]
    if key == "lights_by_category":
        return [{"category": row["category"], **_lights(row)} for row in summary["by_category"]]
    if key == "counties":
        return [
            {
                "county_code": row["code"],
                "county": row["name"],
                "programs": row["programs"],
                "local_programs": row["local"],
            }
            for row in summary["counties"]
        ]
    if key == "budget_years":
        return [
            {
                "year": row["roc_year"],
                "budget": _num(row["budget"]),
                "spent": _num(row["spent"]),
                "execution_rate": _rate(row["spent"], row["budget"]),
            }
            for row in summary["budget_years"]
        ]
    raise KeyError(key)


def _lights(row: dict) -> dict[str, int]:
    return {
        "red": row[Light.RED],
        "yellow": row[Light.YELLOW],
        "green": row[Light.GREEN],
        "grey": row[Light.GREY],
        "total": row["total"],
    }


def table_rows(
    key: str, *, filters: DashboardFilters, program_code: str = ""
) -> list[dict[str, Any]] | Iterator[dict[str, Any]]:
    """The rows of one table for the filtered programs (or one program)."""
    table = TABLES_BY_KEY[key]
    if table.summary:
        return summary_rows(key, filters)
    programs = programs_filtered(filters)
    if program_code:
        programs = programs.filter(code=program_code)
    return table.rows(programs)


def metadata(*, table: DataTable, publisher: str, update_frequency: str, url: str = "") -> dict:
    """data.gov.tw-style metadata of one table, in the site's default language."""
    return {
        "name": published(table.title),
        "description": table.description,
        "fields": [
            {"key": f.key, "name": f.label, "description": f.description} for f in table.fields
        ],
        "publisher": publisher,
        "update_frequency": update_frequency,
        "licence": LICENCE_NAME,
        "licence_url": LICENCE_URL,
        "encoding": "UTF-8",
        "formats": ["CSV", "JSON"],
        "url": url,
    }
