"""Demonstration data: the programs and indicators of Taiwan's e-government plans.

Programs, their agencies, yearly budgets (預算數, 千元) and KPI targets are those of the
4th-stage e-government plan (101–105); the 3rd-stage plan's indicators come with both targets
and achieved values. Spending, progress, milestones and the counties of local programs are
synthetic and the programs are flagged 示範資料. The facts are copied into
``fixtures/egov_plans.json``; nothing outside the project is read.

The data goes in the way staff put theirs: as a filled XLSX template through the import.
"""

import json
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from minyi.accounts.models import User
from minyi.agencies.models import Agency
from minyi.agencies.services import agency_create

from .importing import template_xlsx
from .models import PerformanceDashboardPage, ReportingPeriod
from .services import ImportSummary, program_lights_refresh, programs_import

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "egov_plans.json"

# scenario → (final progress gap in points, spending as % of the last year's budget)
SCENARIOS = {
    "green": (Decimal("1.0"), Decimal(97)),
    "yellow_progress": (Decimal("7.5"), Decimal(94)),
    "red_progress": (Decimal("14.0"), Decimal(93)),
    "yellow_budget": (Decimal("2.0"), Decimal(83)),
    "red_budget": (Decimal("3.0"), Decimal(64)),
    "overdue": (Decimal("2.0"), Decimal(95)),
}


def demo_fixture() -> dict[str, Any]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def _q(value: Decimal, places: str = "0.1") -> Decimal:
    return value.quantize(Decimal(places), ROUND_HALF_UP)


def _quarter_ends(start: int, end: int) -> list[date]:
    return [
        date(year, month, 30 if month in (6, 9) else 31)
        for year in range(start, end + 1)
        for month in (3, 6, 9, 12)
    ]


def _progress_rows(code: str, start: int, end: int, scenario: str) -> list[list[Any]]:
    gap, _rate = SCENARIOS[scenario]
    ends = _quarter_ends(start, end)
    if scenario == "overdue":
        ends = ends[:-1]  # the last quarter's report is missing
    rows, last_actual = [], Decimal(0)
    total = len(_quarter_ends(start, end))
    for index, period_end in enumerate(ends, start=1):
        x = Decimal(index) / Decimal(total)
        planned = _q(100 * (3 * x * x - 2 * x * x * x))
        actual = max(last_actual, _q(max(Decimal(0), planned - gap * x)))
        last_actual = actual
        rows.append([code, period_end.isoformat(), planned, actual, ""])
    return rows


def _budget_rows(code: str, budgets: dict[str, int], scenario: str) -> list[list[Any]]:
    _gap, last_rate = SCENARIOS[scenario]
    years = sorted(budgets, key=int)
    rows = []
    for position, roc_year in enumerate(years):
        budget = Decimal(budgets[roc_year])
        if not budget:
            continue
        rate = last_rate if position == len(years) - 1 else Decimal(95 + (position * 7) % 5)
        rows.append([code, int(roc_year), budget, _q(budget * rate / 100, "1"), None])
    return rows


def _milestone_rows(code: str, start: int, end: int, scenario: str) -> list[list[Any]]:
    middle = (start + end) // 2
    plan = [
        ("完成需求訪談與整體規劃", date(start, 6, 30), 20),
        ("系統建置完成並上線服務", date(middle, 12, 31), 50),
        ("完成推廣及成效評估", date(end, 12, 15), 30),
    ]
    rows = []
    for number, (name, planned, weight) in enumerate(plan):
        actual: date | None = planned
        if scenario == "red_progress" and number == 1:
            actual = planned + timedelta(days=45)
        if scenario in {"red_progress", "overdue"} and number == 2:
            actual = None
        rows.append(
            [code, name, planned.isoformat(), actual.isoformat() if actual else None, weight]
        )
    return rows


def demo_rows() -> dict[str, list[list[Any]]]:
    """The demo programs in the import layout (sheet key → rows)."""
    sheets = ("programs", "kpis", "targets", "actuals", "budgets", "progress", "milestones")
    data: dict[str, list[list[Any]]] = {key: [] for key in sheets}
    for p in demo_fixture()["programs"]:
        code = p["code"]
        start, end = p["start"] + 1911, p["end"] + 1911
        data["programs"].append(
            [
                code,
                p["name"],
                p["agency"],
                p["control"],
                p["category"],
                p.get("category_en", ""),
                p["start"],
                p["end"],
                p["objectives"],
                p["description"],
                p["counties"],
                "是",
            ]
        )
        for kpi in p["kpis"]:
            data["kpis"].append(
                [
                    code,
                    kpi["name"],
                    kpi.get("unit", ""),
                    kpi.get("definition", ""),
                    kpi.get("formula", ""),
                    "越高越好",
                    None,
                    None,
                ]
            )
            for year, value in kpi["targets"].items():
                data["targets"].append([code, kpi["name"], int(year), value])
            for year, value in kpi.get("actuals", {}).items():
                data["actuals"].append(
                    [
                        code,
                        kpi["name"],
                        int(year),
                        "全年",
                        value,
                        None,
                        "引自第四階段電子化政府計畫",
                        "",
                    ]
                )
        if p["budgets"]:
            data["budgets"].extend(_budget_rows(code, p["budgets"], p["scenario"]))
            data["progress"].extend(_progress_rows(code, start, end, p["scenario"]))
            data["milestones"].extend(_milestone_rows(code, start, end, p["scenario"]))
    return data


def demo_xlsx() -> bytes:
    return template_xlsx(demo_rows())


def _reporting_periods_ensure() -> None:
    for quarter, (month, day) in enumerate(((3, 31), (6, 30), (9, 30), (12, 31)), start=1):
        period_end = date(2016, month, day)
        ReportingPeriod.objects.get_or_create(
            period_end=period_end,
            defaults={"label": f"105年第{quarter}季", "due_date": period_end + timedelta(days=30)},
        )


@transaction.atomic
def performance_demo_seed(*, home, importer: User) -> ImportSummary:
    """Create the demo agencies, the dashboard page and the programs (safe to run again)."""
    fixture = demo_fixture()
    for code, name_zh, name_en, parent_code, website in fixture["agencies"]:
        if not Agency.objects.filter(code=code).exists():
            agency_create(
                code=code,
                name_zh=name_zh,
                name_en=name_en,
                parent=Agency.objects.filter(code=parent_code).first(),
                website=website,
                section_parent=home,
            )
    if not PerformanceDashboardPage.objects.exists():
        home.add_child(
            instance=PerformanceDashboardPage(
                title="施政績效儀表板",
                slug="dashboard",
                intro=(
                    "<p>政府計畫的目標、進度、預算執行與績效指標一目了然。"
                    "示範資料取自第四階段電子化政府計畫；預算執行數與進度為合成資料。</p>"
                ),
                title_en="Government performance dashboard",
                intro_en=(
                    "<p>The goals, progress, budget execution and performance indicators of "
                    "government programs at a glance. The demonstration programs come from the "
                    "4th-stage e-government plan; their spending and progress are synthetic.</p>"
                ),
                publisher_en="National Development Council",
                update_frequency_en="Quarterly",
            )
        )
    _reporting_periods_ensure()
    summary = programs_import(files=[("demo-programs.xlsx", demo_xlsx())], user=importer)
    program_lights_refresh()
    return summary
