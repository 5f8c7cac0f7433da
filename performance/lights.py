"""Status lights (燈號): a pure function from a program's latest figures to green, yellow, red
or grey, with a plain Traditional Chinese explanation of each part of the decision.

The rules (every threshold is a setting, see :func:`light_rules`):

* **Progress** (進度): ``gap = planned % − actual %`` of the latest progress report.
  Red when ``gap > progress_red_gap`` (10 points); yellow when ``gap ≥ progress_yellow_gap``
  (5 points); otherwise green.
* **Budget execution** (預算執行): ``rate = spent ÷ planned-to-date × 100`` of the latest budget
  year with a reported 執行數 (the full-year 預算數 when no planned-to-date figure is given).
  Red when ``rate < budget_red_below`` (70 %); yellow when ``rate < budget_yellow_below``
  (90 %, the level NDC flags); otherwise green.
* **KPIs** (績效指標): for each indicator, its latest year with both a target and a year-end
  actual. Achievement is ``actual ÷ target × 100`` when higher is better and
  ``target ÷ actual × 100`` when lower is better (100 % once the target is met).
  Red when an indicator is ``< kpi_red_below`` (80 %); yellow when ``< kpi_yellow_below``
  (100 %); otherwise green.
* The light is the worst of the three. **Grey** when a progress report is overdue
  (``grey_when_overdue``) or when there is no figure at all to judge by.

The function has no database access; :mod:`performance.selectors` gathers its inputs.
"""

from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Light(models.TextChoices):
    GREEN = "green", _("Green: on track")
    YELLOW = "yellow", _("Yellow: needs attention")
    RED = "red", _("Red: behind")
    GREY = "grey", _("Grey: report overdue or no data")


_SEVERITY = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}


@dataclass(frozen=True)
class LightRules:
    progress_red_gap: Decimal = Decimal(10)
    progress_yellow_gap: Decimal = Decimal(5)
    budget_red_below: Decimal = Decimal(70)
    budget_yellow_below: Decimal = Decimal(90)
    kpi_red_below: Decimal = Decimal(80)
    kpi_yellow_below: Decimal = Decimal(100)
    grey_when_overdue: bool = True


def light_rules() -> LightRules:
    """The defaults above, overridden by ``settings.MINYI_PERFORMANCE_LIGHT_RULES`` (a dict)."""
    overrides = getattr(settings, "MINYI_PERFORMANCE_LIGHT_RULES", None) or {}
    known = {f.name for f in fields(LightRules)}
    unknown = set(overrides) - known
    if unknown:
        raise ValueError(f"Unknown light rule setting(s): {', '.join(sorted(unknown))}")
    values = {
        key: value if key == "grey_when_overdue" else Decimal(str(value))
        for key, value in overrides.items()
    }
    return replace(LightRules(), **values)


@dataclass(frozen=True)
class ProgressInput:
    period_end: date
    planned: Decimal
    actual: Decimal


@dataclass(frozen=True)
class BudgetInput:
    year: int
    planned_to_date: Decimal  # the full budget once the year is over
    spent: Decimal
    full_year: bool = False  # True when planned_to_date is the year's whole budget


@dataclass(frozen=True)
class KPIInput:
    name: str
    year: int
    target: Decimal
    actual: Decimal
    higher_is_better: bool = True
    unit: str = ""


@dataclass(frozen=True)
class LightInputs:
    progress: ProgressInput | None = None
    budget: BudgetInput | None = None
    kpis: tuple[KPIInput, ...] = ()
    overdue: tuple[str, ...] = ()  # labels of overdue reporting periods


@dataclass(frozen=True)
class Reason:
    dimension: str  # progress, budget, kpi, reporting, data
    light: str
    text: str


@dataclass(frozen=True)
class LightResult:
    light: str
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    def reasons_as_dicts(self) -> list[dict]:
        return [asdict(reason) for reason in self.reasons]


def number(value: Decimal | int | float) -> str:
    """1234.50 → 1,234.5; 70.00 → 70."""
    value = Decimal(str(value)).quantize(Decimal("0.01"))
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def roc_year(year: int) -> int:
    return year - 1911


def _grade(value: Decimal, *, red_below: Decimal, yellow_below: Decimal) -> str:
    if value < red_below:
        return Light.RED
    if value < yellow_below:
        return Light.YELLOW
    return Light.GREEN


def _progress_reason(p: ProgressInput, rules: LightRules) -> Reason:
    gap = p.planned - p.actual
    where = f"實際進度 {number(p.actual)}%，預定進度 {number(p.planned)}%"
    if gap > rules.progress_red_gap:
        return Reason(
            "progress",
            Light.RED,
            f"{where}，落後 {number(gap)} 個百分點（落後超過 {number(rules.progress_red_gap)} "
            "個百分點為紅燈）。",
        )
    if gap >= rules.progress_yellow_gap:
        return Reason(
            "progress",
            Light.YELLOW,
            f"{where}，落後 {number(gap)} 個百分點（落後 {number(rules.progress_yellow_gap)} 至 "
            f"{number(rules.progress_red_gap)} 個百分點為黃燈）。",
        )
    if gap > 0:
        detail = f"落後 {number(gap)} 個百分點，未達 {number(rules.progress_yellow_gap)} 個百分點"
    elif gap < 0:
        detail = f"超前 {number(-gap)} 個百分點"
    else:
        detail = "進度相符"
    return Reason("progress", Light.GREEN, f"{where}，{detail}。")


def _budget_reason(b: BudgetInput, rules: LightRules) -> Reason:
    head = f"{roc_year(b.year)} 年預算執行數 {number(b.spent)} 千元"
    if b.planned_to_date <= 0:
        return Reason("budget", Light.GREEN, f"{head}，尚無預定支用，不列入判斷。")
    rate = b.spent * 100 / b.planned_to_date
    light = _grade(rate, red_below=rules.budget_red_below, yellow_below=rules.budget_yellow_below)
    basis = "預算數" if b.full_year else "累計預定支用數"
    text = f"{head}，為{basis} {number(b.planned_to_date)} 千元的 {number(rate)}%"
    if light == Light.RED:
        text += f"（低於 {number(rules.budget_red_below)}% 為紅燈）。"
    elif light == Light.YELLOW:
        text += (
            f"（{number(rules.budget_red_below)}% 至未達 {number(rules.budget_yellow_below)}% "
            "為黃燈）。"
        )
    else:
        text += f"（達 {number(rules.budget_yellow_below)}% 以上）。"
    return Reason("budget", light, text)


def kpi_achievement(k: KPIInput) -> Decimal:
    """Percentage of the target achieved (≥ 100 once the target is met)."""
    if k.higher_is_better:
        if k.target <= 0:
            return Decimal(100) if k.actual >= k.target else Decimal(0)
        return k.actual * 100 / k.target
    if k.actual <= k.target:
        return Decimal(100)
    if k.actual <= 0:
        return Decimal(100)
    return k.target * 100 / k.actual


def _kpi_reason(k: KPIInput, rules: LightRules) -> Reason:
    rate = kpi_achievement(k)
    light = _grade(rate, red_below=rules.kpi_red_below, yellow_below=rules.kpi_yellow_below)
    unit = k.unit if k.unit in {"%", "％"} else (f" {k.unit}" if k.unit else "")
    direction = "" if k.higher_is_better else "（越低越好）"
    text = (
        f"績效指標「{k.name}」{direction}{roc_year(k.year)} 年達成值 {number(k.actual)}{unit}，"
        f"目標值 {number(k.target)}{unit}，達成率 {number(rate)}%"
    )
    if light == Light.RED:
        text += f"（低於 {number(rules.kpi_red_below)}% 為紅燈）。"
    elif light == Light.YELLOW:
        text += (
            f"（{number(rules.kpi_red_below)}% 至未達 {number(rules.kpi_yellow_below)}% 為黃燈）。"
        )
    else:
        text += "（達成目標）。"
    return Reason("kpi", light, text)


def light_compute(inputs: LightInputs, rules: LightRules | None = None) -> LightResult:
    """The light and its reasons: the worst dimension wins, grey when a report is overdue."""
    rules = rules or light_rules()
    reasons: list[Reason] = []
    if inputs.progress is not None:
        reasons.append(_progress_reason(inputs.progress, rules))
    if inputs.budget is not None:
        reasons.append(_budget_reason(inputs.budget, rules))
    kpi_reasons = [_kpi_reason(k, rules) for k in inputs.kpis]
    reasons.extend(r for r in kpi_reasons if r.light != Light.GREEN)
    met = [r for r in kpi_reasons if r.light == Light.GREEN]
    if met and len(met) == len(kpi_reasons):
        reasons.append(
            Reason("kpi", Light.GREEN, f"{len(met)} 項績效指標的最新年度達成值均達目標值。")
        )
    elif met:
        reasons.append(Reason("kpi", Light.GREEN, f"其餘 {len(met)} 項績效指標達成目標值。"))

    judged = list(reasons)
    light = max((r.light for r in judged), key=lambda v: _SEVERITY[v], default=None)
    if inputs.overdue and rules.grey_when_overdue:
        overdue = [
            Reason("reporting", Light.GREY, f"{label}進度報告逾期未填報，燈號暫以灰燈表示。")
            for label in inputs.overdue
        ]
        return LightResult(Light.GREY, tuple(overdue + reasons))
    if light is None:
        return LightResult(
            Light.GREY,
            (Reason("data", Light.GREY, "尚無進度、預算執行或績效指標資料，無法判斷燈號。"),),
        )
    # The deciding reasons first.
    reasons.sort(key=lambda r: -_SEVERITY[r.light])
    return LightResult(light, tuple(reasons))
