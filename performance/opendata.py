"""Open data: every table of the dashboard as rows with described fields (data.gov.tw style).

The same definitions serve the CSV (UTF-8 with BOM) and JSON downloads, the API and the
metadata block on the page, so the three never disagree.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

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


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    description: str


@dataclass(frozen=True)
class DataTable:
    key: str
    title: str
    description: str
    fields: tuple[Field, ...]
    rows: Callable[[QuerySet], Iterator[dict[str, Any]]]
    summary: bool = False  # an aggregate of the filtered programs rather than per-program rows


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
    Field("red", "紅燈", "紅燈計畫數"),
    Field("yellow", "黃燈", "黃燈計畫數"),
    Field("green", "綠燈", "綠燈計畫數"),
    Field("grey", "灰燈", "灰燈（逾期未填報或無資料）計畫數"),
    Field("total", "合計", "計畫總數"),
)

TABLES: tuple[DataTable, ...] = (
    DataTable(
        "programs",
        "計畫清單",
        "各機關計畫的基本資料、管制層級、期程、服務縣市與目前燈號。",
        (
            Field("code", "計畫代碼", "計畫的唯一代碼"),
            Field("name", "計畫名稱", "計畫名稱"),
            Field("agency_code", "主管機關代碼", "主管機關的代碼"),
            Field("agency", "主管機關", "主管機關名稱"),
            Field("control_level", "管制層級", "院管制、部會管制或自行管制"),
            Field("category", "類別", "計畫類別"),
            Field("start_year", "開始年度", "民國年"),
            Field("end_year", "結束年度", "民國年"),
            Field("light", "燈號", "綠燈、黃燈、紅燈或灰燈"),
            Field("light_reasons", "燈號說明", "判斷燈號的理由"),
            Field("counties", "服務縣市", "計畫服務的縣市；全國表示全國各縣市"),
            Field("county_codes", "縣市代碼", "內政部行政區域代碼，以分號分隔"),
            Field("is_demo", "示範資料", "是：部分數字為示範用的合成資料"),
            Field("updated_at", "更新時間", "ISO 8601 時間"),
        ),
        _programs,
    ),
    DataTable(
        "kpi_values",
        "績效指標目標值與達成值",
        "每項績效指標各年度的目標值、全年達成值與達成率。",
        (
            Field("program_code", "計畫代碼", "計畫的唯一代碼"),
            Field("kpi", "指標名稱", "績效指標名稱"),
            Field("unit", "單位", "指標單位"),
            Field("direction", "方向", "越高越好或越低越好"),
            Field("year", "年度", "民國年"),
            Field("target", "目標值", "年度目標值"),
            Field("actual", "達成值", "全年達成值"),
            Field(
                "achievement", "達成率(%)", "達成值相對目標值的百分比（越低越好者為目標值÷達成值）"
            ),
        ),
        _kpis,
    ),
    DataTable(
        "kpi_actuals",
        "績效指標填報紀錄",
        "各期（全年、上半年、各季）填報的達成值，含填報日期、說明與佐證連結。",
        (
            Field("program_code", "計畫代碼", "計畫的唯一代碼"),
            Field("kpi", "指標名稱", "績效指標名稱"),
            Field("year", "年度", "民國年"),
            Field("period", "期別", "全年、上半年或第1季至第4季"),
            Field("value", "達成值", "該期達成值"),
            Field("reported_on", "填報日期", "ISO 8601 日期"),
            Field("note", "說明", "填報說明"),
            Field("evidence_url", "佐證連結", "佐證資料網址"),
        ),
        _actuals,
    ),
    DataTable(
        "budgets",
        "年度預算與執行",
        "各計畫每年的預算數、執行數、累計預定支用數與支用比，單位為千元。",
        (
            Field("program_code", "計畫代碼", "計畫的唯一代碼"),
            Field("year", "年度", "民國年"),
            Field("budget", "預算數(千元)", "年度預算數"),
            Field("spent", "執行數(千元)", "已執行數"),
            Field("planned_to_date", "累計預定支用數(千元)", "至今預定支用數；空白表示年度已結束"),
            Field("execution_rate", "支用比(%)", "執行數÷預算數"),
        ),
        _budgets,
    ),
    DataTable(
        "progress",
        "計畫進度",
        "各計畫每月或每季的累計預定進度與實際進度。",
        (
            Field("program_code", "計畫代碼", "計畫的唯一代碼"),
            Field("period_end", "期末日期", "ISO 8601 日期"),
            Field("planned_percent", "預定進度(%)", "累計預定進度"),
            Field("actual_percent", "實際進度(%)", "累計實際進度"),
            Field("note", "說明", "進度說明"),
        ),
        _progress,
    ),
    DataTable(
        "milestones",
        "查核點",
        "各計畫的查核點、預定與實際完成日及權重。",
        (
            Field("program_code", "計畫代碼", "計畫的唯一代碼"),
            Field("name", "查核點", "查核點名稱"),
            Field("planned_date", "預定完成日", "ISO 8601 日期"),
            Field("actual_date", "實際完成日", "ISO 8601 日期；空白表示尚未完成"),
            Field("weight", "權重(%)", "查核點權重"),
        ),
        _milestones,
    ),
    DataTable(
        "light_history",
        "燈號變動紀錄",
        "各計畫燈號每次變動的時間與理由。",
        (
            Field("program_code", "計畫代碼", "計畫的唯一代碼"),
            Field("light", "燈號", "變動後的燈號"),
            Field("changed_at", "變動時間", "ISO 8601 時間"),
            Field("reasons", "理由", "判斷燈號的理由"),
        ),
        _light_history,
    ),
    DataTable(
        "lights_by_agency",
        "各機關燈號統計",
        "依主管機關統計的各燈號計畫數。",
        (
            Field("agency_code", "機關代碼", "主管機關代碼"),
            Field("agency", "機關", "主管機關名稱"),
            *LIGHT_FIELDS,
        ),
        lambda programs: iter(()),
        summary=True,
    ),
    DataTable(
        "lights_by_category",
        "各類別燈號統計",
        "依計畫類別統計的各燈號計畫數。",
        (Field("category", "類別", "計畫類別"), *LIGHT_FIELDS),
        lambda programs: iter(()),
        summary=True,
    ),
    DataTable(
        "counties",
        "各縣市計畫數",
        "服務各縣市的計畫數（含全國性計畫）。",
        (
            Field("county_code", "縣市代碼", "內政部行政區域代碼"),
            Field("county", "縣市", "縣市名稱"),
            Field("programs", "計畫數", "服務該縣市的計畫數（含全國性計畫）"),
            Field("local_programs", "地方計畫數", "明列該縣市的計畫數（不含全國性計畫）"),
        ),
        lambda programs: iter(()),
        summary=True,
    ),
    DataTable(
        "budget_years",
        "年度預算執行統計",
        "篩選後計畫每年的預算數、執行數合計與支用比，單位為千元。",
        (
            Field("year", "年度", "民國年"),
            Field("budget", "預算數(千元)", "預算數合計"),
            Field("spent", "執行數(千元)", "執行數合計"),
            Field("execution_rate", "支用比(%)", "執行數÷預算數"),
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
    """data.gov.tw-style metadata of one table."""
    return {
        "name": table.title,
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
