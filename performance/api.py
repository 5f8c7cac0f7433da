"""Performance endpoints of the public API (mounted by minyi.api at /api/v1/performance/).

Open data: programs with their lights, KPIs against targets, budgets, progress, milestones and
light history; the dashboard's summary; and every downloadable table with its metadata.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from .counties import COUNTIES
from .opendata import TABLES, TABLES_BY_KEY, metadata, table_rows
from .selectors import (
    DashboardFilters,
    dashboard_page,
    dashboard_summary,
    program_by_code,
    program_detail,
    program_list,
)

router = Router(tags=["performance"])


class Page50(PageNumberPagination):
    class Input(PageNumberPagination.Input):
        page_size: int = Field(50, ge=1, le=200)


class FilterIn(Schema):
    agency: str = Field("", description="agency code, e.g. NDC")
    category: str = Field("", description="program category")
    county: str = Field("", description="county code, e.g. 63000 (臺北市)")
    light: str = Field("", description="green, yellow, red or grey")
    year: int | None = Field(None, description="a year the program runs in (ROC or Gregorian)")

    def filters(self) -> DashboardFilters:
        query = self.dict()
        query["year"] = str(self.year or "")
        return DashboardFilters.from_query({k: v or "" for k, v in query.items()})


class ReasonOut(Schema):
    dimension: str
    light: str
    text: str


class ProgramOut(Schema):
    code: str
    name: str
    agency_code: str = Field(..., alias="agency.code")
    agency: str = Field(..., alias="agency.name_zh")
    control_level: str
    category: str
    start_year: int
    end_year: int
    light: str
    light_reasons: list[ReasonOut]
    is_demo: bool
    updated_at: datetime


class TargetActualOut(Schema):
    year: int
    target: Decimal | None
    actual: Decimal | None


class InterimOut(Schema):
    year: int
    period: str
    value: Decimal
    reported_on: date | None
    note: str
    evidence_url: str


class KPIOut(Schema):
    name: str
    unit: str
    definition: str
    formula: str
    direction: str
    baseline: Decimal | None
    baseline_year: int | None
    years: list[TargetActualOut]
    interim: list[InterimOut]

    @staticmethod
    def resolve_years(obj) -> list[dict]:
        return [{"year": r["year"], "target": r["target"], "actual": r["actual"]} for r in obj.rows]


class BudgetOut(Schema):
    year: int
    budget: Decimal
    spent: Decimal | None
    planned_to_date: Decimal | None
    execution_rate: Decimal | None


class ProgressOut(Schema):
    period_end: date
    planned_percent: Decimal
    actual_percent: Decimal


class MilestoneOut(Schema):
    name: str
    planned_date: date
    actual_date: date | None
    weight: Decimal


class LightHistoryOut(Schema):
    light: str
    changed_at: datetime
    reasons: list[ReasonOut]


class ProgramDetailOut(ProgramOut):
    objectives: str
    description: str
    nationwide: bool
    counties: list[str]
    kpis: list[KPIOut]
    budgets: list[BudgetOut]
    progress: list[ProgressOut]
    milestones: list[MilestoneOut]
    light_history: list[LightHistoryOut]
    url: str

    @staticmethod
    def resolve_counties(obj) -> list[str]:
        return [county.code for county in obj.counties.all()]

    @staticmethod
    def resolve_kpis(obj) -> list:
        return obj.detail["kpis"]

    @staticmethod
    def resolve_budgets(obj) -> list:
        return obj.detail["budgets"]

    @staticmethod
    def resolve_progress(obj) -> list:
        return obj.detail["progress"]

    @staticmethod
    def resolve_milestones(obj) -> list:
        return obj.detail["milestones"]

    @staticmethod
    def resolve_light_history(obj) -> list:
        return obj.detail["history"]

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.public_url


class LightCountsOut(Schema):
    red: int
    yellow: int
    green: int
    grey: int
    total: int


class SummaryOut(Schema):
    total: int
    lights: dict[str, int]
    budget_total: Decimal
    spent_total: Decimal
    execution_rate: Decimal | None
    by_agency: list[dict[str, Any]]
    by_category: list[dict[str, Any]]
    counties: list[dict[str, Any]]
    budget_years: list[dict[str, Any]]


class TableMetaOut(Schema):
    key: str
    name: str
    description: str
    fields: list[dict[str, str]]
    publisher: str
    update_frequency: str
    licence: str
    licence_url: str


class TableOut(Schema):
    metadata: dict[str, Any]
    data: list[dict[str, Any]]


@router.get("/programs", response=list[ProgramOut], summary="Programs with their lights")
@paginate(Page50)
def programs(request, filters: Query[FilterIn]):
    return program_list(filters.filters())


@router.get("/programs/{code}", response=ProgramDetailOut, summary="One program in full")
def program(request, code: str):
    found = program_by_code(code)
    if found is None:
        raise Http404
    found.detail = program_detail(program=found, user=request.user)
    page = dashboard_page()
    found.public_url = (
        (page.full_url or "") + page.reverse_subpage("program", kwargs={"code": found.code})
        if page
        else ""
    )
    return found


@router.get("/summary", response=SummaryOut, summary="The dashboard's totals for a filter")
def summary(request, filters: Query[FilterIn]):
    return dashboard_summary(filters.filters())


@router.get("/tables", response=list[TableMetaOut], summary="Downloadable tables and their fields")
def tables(request):
    page = dashboard_page()
    return [
        {
            "key": table.key,
            **metadata(
                table=table,
                publisher=page.publisher if page else "",
                update_frequency=page.update_frequency if page else "",
            ),
        }
        for table in TABLES
    ]


@router.get("/tables/{key}", response=TableOut, summary="One table's rows (as the CSV download)")
def table(request, key: str, filters: Query[FilterIn], program: str = ""):
    if key not in TABLES_BY_KEY:
        raise Http404
    page = dashboard_page()
    return {
        "metadata": metadata(
            table=TABLES_BY_KEY[key],
            publisher=page.publisher if page else "",
            update_frequency=page.update_frequency if page else "",
        ),
        "data": list(table_rows(key, filters=filters.filters(), program_code=program)),
    }


@router.get("/counties", response=list[dict[str, str]], summary="County codes used by the API")
def counties(request):
    return [{"code": code, "name_zh": zh, "name_en": en} for code, (zh, en) in COUNTIES.items()]
