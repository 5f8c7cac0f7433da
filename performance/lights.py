"""Status lights (燈號): a pure function from a program's latest figures to green, yellow, red
or grey, with a plain explanation of each part of the decision (in the reader's language).

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
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy


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
    text: str  # in the site's default language (the API and open data publish it)
    # Which sentence of REASON_MESSAGES and its values: pages translate the reason when they show
    # it (reason_text), in the reader's language, instead of reading the stored text.
    code: str = ""
    params: dict = field(default_factory=dict)


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


# The sentences of the reasons (English message ids, translated in site/locale). A reason keeps
# its code and values so that each page says it in its reader's language; ``year`` is a Gregorian
# year, written as a 民國 year in Chinese. Nested values (``basis``, ``direction``) are keys of
# REASON_WORDS.
REASON_MESSAGES = {
    "progress_red": _(
        "Actual progress %(actual)s%%, planned %(planned)s%%: %(gap)s points behind (more than "
        "%(red)s points behind is red)."
    ),
    "progress_yellow": _(
        "Actual progress %(actual)s%%, planned %(planned)s%%: %(gap)s points behind (%(yellow)s "
        "to %(red)s points behind is yellow)."
    ),
    "progress_behind": _(
        "Actual progress %(actual)s%%, planned %(planned)s%%: %(gap)s points behind, less than "
        "%(yellow)s points."
    ),
    "progress_ahead": _(
        "Actual progress %(actual)s%%, planned %(planned)s%%: %(gap)s points ahead of plan."
    ),
    "progress_on_plan": _("Actual progress %(actual)s%%, planned %(planned)s%%: on plan."),
    "budget_nothing_planned": _(
        "Budget spent in %(year)s: NT$%(spent)s thousand; nothing was planned to be spent yet, "
        "so the budget is not judged."
    ),
    "budget_red": _(
        "Budget spent in %(year)s: NT$%(spent)s thousand, %(rate)s%% of %(basis)s of NT$"
        "%(planned)s thousand (below %(red)s%% is red)."
    ),
    "budget_yellow": _(
        "Budget spent in %(year)s: NT$%(spent)s thousand, %(rate)s%% of %(basis)s of NT$"
        "%(planned)s thousand (%(red)s%% to under %(yellow)s%% is yellow)."
    ),
    "budget_green": _(
        "Budget spent in %(year)s: NT$%(spent)s thousand, %(rate)s%% of %(basis)s of NT$"
        "%(planned)s thousand (%(yellow)s%% or more)."
    ),
    "kpi_red": _(
        "KPI “%(name)s”%(direction)s: %(actual)s%(unit)s achieved in %(year)s against a target "
        "of %(target)s%(unit)s, %(rate)s%% of the target (below %(red)s%% is red)."
    ),
    "kpi_yellow": _(
        "KPI “%(name)s”%(direction)s: %(actual)s%(unit)s achieved in %(year)s against a target "
        "of %(target)s%(unit)s, %(rate)s%% of the target (%(red)s%% to under %(yellow)s%% is "
        "yellow)."
    ),
    "kpi_green": _(
        "KPI “%(name)s”%(direction)s: %(actual)s%(unit)s achieved in %(year)s against a target "
        "of %(target)s%(unit)s, %(rate)s%% of the target (target met)."
    ),
    "kpi_all_met": ngettext_lazy(
        "The latest yearly actual of %(count)s KPI meets its target.",
        "The latest yearly actuals of all %(count)s KPIs meet their targets.",
        "count",
    ),
    "kpi_others_met": ngettext_lazy(
        "The other %(count)s KPI meets its target.",
        "The other %(count)s KPIs meet their targets.",
        "count",
    ),
    "reporting_overdue": _(
        "The progress report for %(period)s is overdue: the light is grey until it is filed."
    ),
    "no_data": _("No progress, budget or KPI figures yet: the light cannot be judged."),
}
REASON_WORDS = {
    "budget": _("the budget"),
    "planned_to_date": _("the amount planned to be spent to date"),
    "lower_is_better": _(" (lower is better)"),
}


def _reason_render(code: str, params: dict) -> str:
    """The sentence of ``code`` in the active language."""
    from minyi.home.dates import english_now

    values = dict(params)
    if "year" in values and not english_now():
        values["year"] = roc_year(values["year"])
    for key in ("basis", "direction"):
        if key in values:
            values[key] = str(REASON_WORDS[values[key]]) if values[key] else ""
    return REASON_MESSAGES[code] % values


def reason_text(reason: Reason | dict) -> str:
    """A reason in the active language; a stored reason from before codes keeps its text."""
    if isinstance(reason, Reason):
        reason = asdict(reason)
    code = reason.get("code") or ""
    if code in REASON_MESSAGES:
        try:
            return _reason_render(code, reason.get("params") or {})
        except (KeyError, TypeError, ValueError):
            pass
    return reason.get("text", "")


def _reason(dimension: str, light: str, code: str, **params) -> Reason:
    with translation.override(settings.LANGUAGE_CODE):
        text = _reason_render(code, params)
    return Reason(dimension, light, text, code, params)


def _progress_reason(p: ProgressInput, rules: LightRules) -> Reason:
    gap = p.planned - p.actual
    where = {"actual": number(p.actual), "planned": number(p.planned)}
    if gap > rules.progress_red_gap:
        return _reason(
            "progress",
            Light.RED,
            "progress_red",
            **where,
            gap=number(gap),
            red=number(rules.progress_red_gap),
        )
    if gap >= rules.progress_yellow_gap:
        return _reason(
            "progress",
            Light.YELLOW,
            "progress_yellow",
            **where,
            gap=number(gap),
            yellow=number(rules.progress_yellow_gap),
            red=number(rules.progress_red_gap),
        )
    if gap > 0:
        return _reason(
            "progress",
            Light.GREEN,
            "progress_behind",
            **where,
            gap=number(gap),
            yellow=number(rules.progress_yellow_gap),
        )
    if gap < 0:
        return _reason("progress", Light.GREEN, "progress_ahead", **where, gap=number(-gap))
    return _reason("progress", Light.GREEN, "progress_on_plan", **where)


def _budget_reason(b: BudgetInput, rules: LightRules) -> Reason:
    head = {"year": b.year, "spent": number(b.spent)}
    if b.planned_to_date <= 0:
        return _reason("budget", Light.GREEN, "budget_nothing_planned", **head)
    rate = b.spent * 100 / b.planned_to_date
    light = _grade(rate, red_below=rules.budget_red_below, yellow_below=rules.budget_yellow_below)
    return _reason(
        "budget",
        light,
        f"budget_{light}",
        **head,
        basis="budget" if b.full_year else "planned_to_date",
        planned=number(b.planned_to_date),
        rate=number(rate),
        red=number(rules.budget_red_below),
        yellow=number(rules.budget_yellow_below),
    )


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
    return _reason(
        "kpi",
        light,
        f"kpi_{light}",
        name=k.name,
        direction="" if k.higher_is_better else "lower_is_better",
        year=k.year,
        actual=number(k.actual),
        target=number(k.target),
        unit=k.unit if k.unit in {"%", "％"} else (f" {k.unit}" if k.unit else ""),
        rate=number(rate),
        red=number(rules.kpi_red_below),
        yellow=number(rules.kpi_yellow_below),
    )


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
        reasons.append(_reason("kpi", Light.GREEN, "kpi_all_met", count=len(met)))
    elif met:
        reasons.append(_reason("kpi", Light.GREEN, "kpi_others_met", count=len(met)))

    judged = list(reasons)
    light = max((r.light for r in judged), key=lambda v: _SEVERITY[v], default=None)
    if inputs.overdue and rules.grey_when_overdue:
        overdue = [
            _reason("reporting", Light.GREY, "reporting_overdue", period=label)
            for label in inputs.overdue
        ]
        return LightResult(Light.GREY, tuple(overdue + reasons))
    if light is None:
        return LightResult(
            Light.GREY,
            (_reason("data", Light.GREY, "no_data"),),
        )
    # The deciding reasons first.
    reasons.sort(key=lambda r: -_SEVERITY[r.light])
    return LightResult(light, tuple(reasons))


# What each dimension's own check found, said without a light's colour: on a page whose light
# is red, a green dot beside "progress" read as if the program were green.
DIMENSION_NAMES = {
    "progress": _("Progress"),
    "budget": _("Budget execution"),
    "kpi": _("Indicators"),
    "reporting": _("Reporting"),
    "data": pgettext_lazy("light check", "Data"),
}
CHECK_OUTCOMES = {
    Light.GREEN: _("on track"),
    Light.YELLOW: _("needs attention"),
    Light.RED: _("behind"),
    Light.GREY: _("not judged"),
}


@dataclass(frozen=True)
class ReasonsSplit:
    deciding: tuple[dict, ...]  # the checks that set the light, shown with it
    others: tuple[dict, ...]  # the other checks, which did not change the light


def reasons_split(light: str, reasons: list[dict] | tuple[Reason, ...]) -> ReasonsSplit:
    """The reasons behind ``light`` and, apart, the other checks' results (stored order kept).

    A check sets the light when its own result is that light (the worst one wins; grey when a
    report is overdue or nothing can be judged). Reasons stored without a light, or none that
    matches it, are all shown as deciding, as they were before."""
    as_dicts = [asdict(r) if isinstance(r, Reason) else dict(r) for r in reasons]
    deciding = [r for r in as_dicts if r.get("light", light) == light]
    if not deciding:
        return ReasonsSplit(deciding=tuple(as_dicts), others=())
    others = [
        {
            **r,
            "dimension_name": DIMENSION_NAMES.get(r.get("dimension", ""), ""),
            "outcome": CHECK_OUTCOMES.get(r["light"], ""),
        }
        for r in as_dicts
        if r.get("light", light) != light
    ]
    return ReasonsSplit(deciding=tuple(deciding), others=tuple(others))
