"""Programs as rows of the import layout: a filled template that imports back unchanged."""

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from minyi.agencies.models import Agency

from .counties import COUNTIES
from .importing import CONTROL_LABELS, DIRECTION_LABELS, PERIOD_LABELS
from .models import KPI, BudgetYear, KPIActual, KPITarget, Milestone, Program, ProgressReport


def _n(value) -> Any:
    """Decimals as int or float for the spreadsheet (the import quantizes them again)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral() else float(value)


def import_rows(*, agencies: QuerySet[Agency]) -> dict[str, list[list[Any]]]:
    """Every program of ``agencies`` with its figures, sheet by sheet (about ten queries)."""
    programs = list(
        Program.objects.filter(agency__in=agencies).select_related("agency").order_by("code")
    )
    ids = [p.pk for p in programs]
    counties = defaultdict(list)
    for program_id, county_id in (
        Program.counties.through.objects.filter(program_id__in=ids)
        .order_by("county_id")
        .values_list("program_id", "county_id")
    ):
        counties[program_id].append(COUNTIES[county_id][0])
    data: dict[str, list[list[Any]]] = defaultdict(list)
    for p in programs:
        places = (["全國"] if p.nationwide else []) + counties[p.pk]
        data["programs"].append(
            [
                p.code,
                p.name,
                p.agency.code,
                CONTROL_LABELS[p.control_level],
                p.category,
                p.category_en,
                p.start_year - 1911,
                p.end_year - 1911,
                p.objectives,
                p.description,
                "、".join(places),
                "是" if p.is_demo else "否",
            ]
        )
    for k in (
        KPI.objects.filter(program_id__in=ids)
        .select_related("program")
        .order_by("program__code", "sort_order", "pk")
    ):
        data["kpis"].append(
            [
                k.program.code,
                k.name,
                k.unit,
                k.definition,
                k.formula,
                DIRECTION_LABELS[k.direction],
                _n(k.baseline),
                k.baseline_year - 1911 if k.baseline_year else None,
            ]
        )
    for code, name, year, value in (
        KPITarget.objects.filter(kpi__program_id__in=ids)
        .order_by("kpi__program__code", "kpi__sort_order", "kpi_id", "year")
        .values_list("kpi__program__code", "kpi__name", "year", "value")
    ):
        data["targets"].append([code, name, year - 1911, _n(value)])
    for a in (
        KPIActual.objects.filter(kpi__program_id__in=ids)
        .select_related("kpi", "kpi__program")
        .order_by("kpi__program__code", "kpi__sort_order", "kpi_id", "year", "period")
    ):
        data["actuals"].append(
            [
                a.kpi.program.code,
                a.kpi.name,
                a.year - 1911,
                PERIOD_LABELS[a.period],
                _n(a.value),
                a.reported_on.isoformat() if a.reported_on else None,
                a.note,
                a.evidence_url,
            ]
        )
    for code, year, budget, spent, planned in (
        BudgetYear.objects.filter(program_id__in=ids)
        .order_by("program__code", "year")
        .values_list("program__code", "year", "budget", "spent", "planned_to_date")
    ):
        data["budgets"].append([code, year - 1911, _n(budget), _n(spent), _n(planned)])
    for code, period_end, planned, actual, note in (
        ProgressReport.objects.filter(program_id__in=ids)
        .order_by("program__code", "period_end")
        .values_list("program__code", "period_end", "planned_percent", "actual_percent", "note")
    ):
        data["progress"].append([code, period_end.isoformat(), _n(planned), _n(actual), note])
    for code, name, planned, actual, weight in (
        Milestone.objects.filter(program_id__in=ids)
        .order_by("program__code", "planned_date", "pk")
        .values_list("program__code", "name", "planned_date", "actual_date", "weight")
    ):
        data["milestones"].append(
            [code, name, planned.isoformat(), actual.isoformat() if actual else None, _n(weight)]
        )
    return dict(data)
