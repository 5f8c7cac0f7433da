"""Status lights: hand-made cases checked against the documented rules, boundaries included.

The expected colours are worked out here from the rules as the issue states them (red when
more than 10 points behind, under 70 % of planned spending or under 80 % of a KPI target;
yellow for 5–10 points, 70–90 %, 80–100 %; grey when a report is overdue), not by calling
the code under test; a small independent oracle also sweeps many random cases.
"""

import random
from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import timezone

from performance.lights import (
    BudgetInput,
    KPIInput,
    LightInputs,
    LightRules,
    ProgressInput,
    light_compute,
    light_rules,
)

END = date(2025, 12, 31)


def progress(planned, actual):
    return ProgressInput(END, D(str(planned)), D(str(actual)))


def budget(planned_to_date, spent):
    return BudgetInput(2025, D(str(planned_to_date)), D(str(spent)))


def kpi(target, actual, higher=True, name="指標"):
    return KPIInput(name, 2025, D(str(target)), D(str(actual)), higher, "%")


@pytest.mark.parametrize(
    ("planned", "actual", "expected"),
    [
        (50, 50, "green"),
        (50, 60, "green"),  # ahead of plan
        (50, 45.01, "green"),  # 4.99 points behind
        (50, 45, "yellow"),  # exactly 5 points behind: 5–10 is yellow
        (50, 40, "yellow"),  # exactly 10 points behind: still yellow
        (50, 39.99, "red"),  # 10.01 points: more than 10 is red
        (100, 0, "red"),
    ],
)
def test_progress_boundaries(planned, actual, expected):
    result = light_compute(LightInputs(progress=progress(planned, actual)), LightRules())
    assert result.light == expected
    assert result.reasons[0].dimension == "progress"
    assert "預定進度" in result.reasons[0].text


@pytest.mark.parametrize(
    ("planned", "spent", "expected"),
    [
        (1000, 1000, "green"),
        (1000, 900, "green"),  # exactly 90 %
        (1000, 899.99, "yellow"),
        (1000, 700, "yellow"),  # exactly 70 %
        (1000, 699.99, "red"),
        (1000, 0, "red"),
        (1000, 1200, "green"),  # overspending is not judged by the light
    ],
)
def test_budget_boundaries(planned, spent, expected):
    result = light_compute(LightInputs(budget=budget(planned, spent)), LightRules())
    assert result.light == expected
    assert "千元" in result.reasons[0].text


@pytest.mark.parametrize(
    ("target", "actual", "higher", "expected"),
    [
        (70, 70, True, "green"),  # exactly the target
        (70, 69.99, True, "yellow"),
        (100, 80, True, "yellow"),  # exactly 80 %
        (100, 79.99, True, "red"),
        (70, 56, True, "yellow"),  # 56 / 70 = 80 %
        (70, 55.9, True, "red"),
        # Lower is better: achievement is target ÷ actual.
        (10, 8, False, "green"),
        (10, 10, False, "green"),
        (10, 12.5, False, "yellow"),  # 10 / 12.5 = 80 %
        (10, 12.6, False, "red"),
        (10, 11, False, "yellow"),
    ],
)
def test_kpi_boundaries(target, actual, higher, expected):
    result = light_compute(LightInputs(kpis=(kpi(target, actual, higher),)), LightRules())
    assert result.light == expected


def test_worst_dimension_wins_and_comes_first():
    result = light_compute(
        LightInputs(
            progress=progress(50, 48),  # green
            budget=budget(1000, 800),  # yellow
            kpis=(kpi(100, 100, name="甲"), kpi(100, 70, name="乙")),  # green, red
        ),
        LightRules(),
    )
    assert result.light == "red"
    assert result.reasons[0].light == "red"
    assert "乙" in result.reasons[0].text
    assert {reason.dimension for reason in result.reasons} == {"progress", "budget", "kpi"}


def test_grey_when_a_report_is_overdue_even_if_all_is_green():
    result = light_compute(
        LightInputs(progress=progress(50, 50), overdue=("114年第3季（2025-10-31 截止）",)),
        LightRules(),
    )
    assert result.light == "grey"
    assert "逾期未填報" in result.reasons[0].text
    assert "114年第3季" in result.reasons[0].text
    # The other reasons stay, for the explanation.
    assert any(reason.dimension == "progress" for reason in result.reasons)


def test_grey_rule_can_be_switched_off():
    rules = LightRules(grey_when_overdue=False)
    result = light_compute(LightInputs(progress=progress(50, 30), overdue=("Q3",)), rules)
    assert result.light == "red"


def test_grey_without_any_figure():
    result = light_compute(LightInputs(), LightRules())
    assert result.light == "grey"
    assert "尚無" in result.reasons[0].text


def test_all_kpis_met_is_explained():
    result = light_compute(LightInputs(kpis=(kpi(70, 71), kpi(50, 60))), LightRules())
    assert result.light == "green"
    assert result.reasons[-1].text.startswith("2 項績效指標")


def test_thresholds_are_settings(settings):
    settings.MINYI_PERFORMANCE_LIGHT_RULES = {"budget_red_below": 90, "budget_yellow_below": 95}
    rules = light_rules()
    assert rules.budget_red_below == D(90)
    # NDC's stricter rule: 85 % execution is now red.
    assert light_compute(LightInputs(budget=budget(1000, 850)), rules).light == "red"
    assert light_compute(LightInputs(budget=budget(1000, 920)), rules).light == "yellow"
    assert (
        "低於 90% 為紅燈"
        in light_compute(LightInputs(budget=budget(1000, 850)), rules).reasons[0].text
    )


def test_unknown_threshold_setting_is_refused(settings):
    settings.MINYI_PERFORMANCE_LIGHT_RULES = {"budget_red": 90}
    with pytest.raises(ValueError):
        light_rules()


def _oracle(p_gap, b_rate, k_rates, overdue) -> str:
    """The rules as the issue words them, in floats and plain ifs."""
    if overdue:
        return "grey"
    levels = []
    if p_gap is not None:
        levels.append(2 if p_gap > 10 else 1 if p_gap >= 5 else 0)
    if b_rate is not None:
        levels.append(2 if b_rate < 70 else 1 if b_rate < 90 else 0)
    for rate in k_rates:
        levels.append(2 if rate < 80 else 1 if rate < 100 else 0)
    if not levels:
        return "grey"
    return ["green", "yellow", "red"][max(levels)]


def test_random_cases_agree_with_an_independent_oracle():
    rng = random.Random(20251123)
    for _ in range(2000):
        planned = rng.randint(0, 100)
        actual = max(0, min(100, planned - rng.choice([-3, 0, 3, 4, 5, 6, 9, 10, 11, 15])))
        has_progress = rng.random() < 0.8
        budget_total = rng.choice([100, 1000, 2500])
        spent = budget_total * rng.choice([0, 50, 69, 70, 71, 89, 90, 91, 100]) // 100
        has_budget = rng.random() < 0.8
        kpis = tuple(
            kpi(100, rng.choice([60, 79, 80, 81, 99, 100, 120]), name=f"k{i}")
            for i in range(rng.randint(0, 3))
        )
        overdue = ("Q",) if rng.random() < 0.1 else ()
        inputs = LightInputs(
            progress=progress(planned, actual) if has_progress else None,
            budget=budget(budget_total, spent) if has_budget else None,
            kpis=kpis,
            overdue=overdue,
        )
        expected = _oracle(
            planned - actual if has_progress else None,
            spent * 100 / budget_total if has_budget else None,
            [float(k.actual) for k in kpis],
            overdue,
        )
        assert light_compute(inputs, LightRules()).light == expected, inputs


# --- History and refresh (database) --------------------------------------------------------


@pytest.mark.django_db
def test_refresh_keeps_history_only_when_the_light_changes(make_program, make_user):
    from minyi.notifications.models import Notification
    from performance.models import BudgetYear, ProgramLight, ProgressReport
    from performance.services import program_follow, program_light_refresh

    program = make_program(start=2025, end=2025)
    follower = make_user()
    program_follow(program=program, user=follower)

    program_light_refresh(program=program)
    program.refresh_from_db()
    assert program.light == "grey"  # nothing to judge yet
    assert ProgramLight.objects.filter(program=program).count() == 1

    ProgressReport.objects.create(
        program=program, period_end=date(2025, 6, 30), planned_percent=50, actual_percent=49
    )
    program_light_refresh(program=program)
    program.refresh_from_db()
    assert program.light == "green"
    assert ProgramLight.objects.filter(program=program).count() == 2
    assert Notification.objects.filter(user=follower, kind="program_update").count() == 1

    # Same figures: nothing new.
    program_light_refresh(program=program)
    assert ProgramLight.objects.filter(program=program).count() == 2

    # Budget at 60 % of plan: red, with the reason first.
    BudgetYear.objects.create(
        program=program, year=2025, budget=1000, spent=600, planned_to_date=1000
    )
    program_light_refresh(program=program)
    program.refresh_from_db()
    assert program.light == "red"
    assert program.light_reasons[0]["dimension"] == "budget"
    assert "60%" in program.light_reasons[0]["text"]
    history = list(ProgramLight.objects.filter(program=program).order_by("changed_at", "pk"))
    assert [entry.light for entry in history] == ["grey", "green", "red"]
    assert Notification.objects.filter(user=follower).count() == 2


@pytest.mark.django_db
def test_overdue_reporting_period_turns_an_active_program_grey(make_program):
    from performance.models import ProgressReport, ReportingPeriod
    from performance.services import program_light_refresh

    today = timezone.localdate()
    active = make_program(start=today.year - 1, end=today.year + 1)
    finished = make_program(start=2010, end=2012)
    period_end = date(today.year - 1, 12, 31)
    ReportingPeriod.objects.create(
        label="去年第4季", period_end=period_end, due_date=date(today.year - 1, 12, 31)
    )
    for program in (active, finished):
        ProgressReport.objects.create(
            program=program, period_end=date(2011, 12, 31), planned_percent=50, actual_percent=50
        )
        program_light_refresh(program=program)
        program.refresh_from_db()
    assert active.light == "grey"
    assert "去年第4季" in active.light_reasons[0]["text"]
    assert finished.light == "green"  # the period is outside its years

    ProgressReport.objects.create(
        program=active, period_end=period_end, planned_percent=60, actual_percent=59
    )
    program_light_refresh(program=active)
    active.refresh_from_db()
    assert active.light == "green"


@pytest.mark.django_db
def test_daily_refresh_command_and_job(make_program):
    from io import StringIO

    from django.core.management import call_command

    from performance.tasks import program_lights_refresh_job

    program = make_program()
    out = StringIO()
    call_command("refresh_program_lights", stdout=out)
    assert "0 lights changed." in out.getvalue()  # the first light is not a change
    program.refresh_from_db()
    assert program.light == "grey" and program.light_updated_at is not None
    result = program_lights_refresh_job.enqueue()
    assert result.return_value == 0
