"""Defects a new user's walk through the dashboard found: the light's reasons mixed with other
checks' results, a stale 更新時間 in the admin, notes under 佐證, the progress chart, the
rating form, and Chinese left on the English pages."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import translation

from performance.lights import Light, reasons_split
from performance.models import KPI, BudgetYear, KPIActual, KPITarget, Program, ProgressReport
from performance.services import program_lights_refresh

pytestmark = pytest.mark.django_db

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def _get(client, path):
    try:
        return client.get(path).content.decode()
    finally:
        translation.activate("zh-hant")


@pytest.fixture
def red_by_budget(make_program):
    """Red because of its budget; its progress alone would be green (like EGOV4-1-4)."""
    program = make_program(code="R-1", name="預算落後計畫", start=2016, end=2016)
    BudgetYear.objects.create(program=program, year=2016, budget=370000, spent=236800)
    ProgressReport.objects.create(
        program=program, period_end=date(2016, 12, 31), planned_percent=100, actual_percent=97
    )
    program_lights_refresh()
    program.refresh_from_db()
    return program


# --- 1. The reasons for the light first; the other checks apart, without a light -------------


def test_reasons_split_puts_the_deciding_checks_first():
    reasons = [
        {"dimension": "budget", "light": "red", "text": "預算"},
        {"dimension": "progress", "light": "green", "text": "進度"},
        {"dimension": "kpi", "light": "yellow", "text": "指標"},
    ]
    split = reasons_split(Light.RED, reasons)
    assert [r["dimension"] for r in split.deciding] == ["budget"]
    assert [r["dimension"] for r in split.others] == ["progress", "kpi"]
    assert str(split.others[0]["dimension_name"]) == "計畫進度"
    # Grey: the overdue report decides; old reasons without a light all stay deciding.
    grey = reasons_split(Light.GREY, [{"light": "grey", "text": "逾期"}, *reasons])
    assert [r["text"] for r in grey.deciding] == ["逾期"] and len(grey.others) == 3
    assert reasons_split(Light.RED, [{"text": "舊"}]).deciding == ({"text": "舊"},)


def test_a_green_check_is_not_shown_as_a_reason_of_a_red_light(client, dashboard, red_by_budget):
    assert red_by_budget.light == "red"
    html = _get(client, "/dashboard/programs/R-1/")
    why = html[html.index('id="why-title"') : html.index("燈號如何判斷")]
    deciding = why[: why.index("其他檢查項目")]
    assert "預算執行數 236,800 千元" in deciding and "實際進度 97%" not in deciding
    others = why[why.index("其他檢查項目") :]
    assert "其他檢查項目（未影響燈號）" in others
    assert "計畫進度：符合目標" in others and "實際進度 97%" in others
    assert "light-green" not in why  # no green dot under a red light
    english = _get(client, "/en/dashboard/programs/R-1/")
    assert "Other checks (they did not change the light)" in english
    assert "Progress: on track" in english


# --- 2. Saving a program's figures or its light touches its 更新時間 ---------------------------


def test_a_changed_light_touches_the_programs_updated_time(red_by_budget):
    Program.objects.filter(pk=red_by_budget.pk).update(updated_at=LONG_AGO)
    program_lights_refresh()  # nothing changed
    red_by_budget.refresh_from_db()
    assert red_by_budget.updated_at == LONG_AGO
    BudgetYear.objects.filter(program=red_by_budget).update(spent=300000)  # 81 %: yellow
    program_lights_refresh()
    red_by_budget.refresh_from_db()
    assert red_by_budget.light == "yellow" and red_by_budget.updated_at > LONG_AGO


def test_saving_a_kpi_in_the_admin_touches_its_programs_updated_time(
    client, ndc_staff, make_program
):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    program = make_program(code="NDC-5", name="指標計畫")
    kpi = KPI.objects.create(program=program, name="滿意度", unit="%")
    Program.objects.filter(pk=program.pk).update(updated_at=LONG_AGO)
    client.force_login(ndc_staff)
    data = nested_form_data(
        {
            "program": program.pk,
            "name": "滿意度",
            "unit": "%",
            "definition": "",
            "formula": "",
            "direction": "higher",
            "baseline": "",
            "baseline_year": "",
            "targets": inline_formset([{"year": "114", "value": "80"}]),
            "actuals": inline_formset(
                [{"year": "114", "period": "year", "value": "90", "note": "", "evidence_url": ""}]
            ),
        }
    )
    edit = reverse("wagtailsnippets_performance_kpi:edit", args=[kpi.pk])
    response = client.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors
    program.refresh_from_db()
    assert program.updated_at > LONG_AGO
    listing = client.get(reverse("wagtailsnippets_performance_program:list")).content.decode()
    assert "109年1月1日" not in listing  # the old time is gone from the 更新時間 column


def test_an_import_that_changes_only_figures_touches_the_updated_time(ndc_staff, make_program):
    from performance.importing import PROGRESS
    from performance.services import programs_import

    make_program(code="NDC-6", name="匯入計畫", start=2024, end=2026)
    header = [c.header for c in PROGRESS.columns]

    def progress_csv(actual: str) -> list[tuple[str, bytes]]:
        row = ["NDC-6", "2025/06/30", "50", actual, ""]
        return [("progress.csv", (",".join(header) + "\r\n" + ",".join(row) + "\r\n").encode())]

    programs_import(files=progress_csv("48"), user=ndc_staff)
    program = Program.objects.get(code="NDC-6")
    assert program.light == "green"
    Program.objects.filter(pk=program.pk).update(updated_at=LONG_AGO)
    programs_import(files=progress_csv("49"), user=ndc_staff)  # still green: only the figure
    program.refresh_from_db()
    assert program.light == "green" and program.updated_at > LONG_AGO
    Program.objects.filter(pk=program.pk).update(updated_at=LONG_AGO)
    programs_import(files=progress_csv("49"), user=ndc_staff)  # the same file changes nothing
    program.refresh_from_db()
    assert program.updated_at == LONG_AGO


# --- 3. The KPI table: the agency's note under 附註, the evidence link under 佐證 ------------


@pytest.fixture
def noted(make_program):
    program = make_program(code="K-1", name="指標計畫", start=2016, end=2017)
    kpi = KPI.objects.create(program=program, name="使用提升率", unit="%")
    KPITarget.objects.create(kpi=kpi, year=2016, value=10)
    KPITarget.objects.create(kpi=kpi, year=2017, value=12)
    KPIActual.objects.create(kpi=kpi, year=2016, value=8, note="使用提升率 8%")
    return kpi


def _kpi_table(html: str) -> str:
    start = html.index('id="chart-kpi-')
    start = html.index("<table", start)
    return html[start : html.index("</table>", start)]


def test_a_note_is_not_shown_as_evidence(client, dashboard, noted):
    table = _kpi_table(_get(client, "/dashboard/programs/K-1/"))
    assert '<th scope="col">附註</th>' in table
    assert "佐證" not in table  # no row has evidence: no empty 佐證 column
    assert '<td class="kpi-note">使用提升率 8%</td>' in table
    KPIActual.objects.filter(kpi=noted).update(evidence_url="https://example.gov.tw/report.pdf")
    table = _kpi_table(_get(client, "/dashboard/programs/K-1/"))
    assert '<th scope="col">附註</th><th scope="col">佐證</th>' in table
    assert 'href="https://example.gov.tw/report.pdf" rel="nofollow noopener">佐證資料</a>' in table
    assert "<td>—</td>" in table  # the year without evidence


# --- 4. The progress chart and its table --------------------------------------------------


def test_progress_chart_has_headroom_and_the_difference_one_decimal(
    client, dashboard, make_program
):
    from performance.charts import progress_curve
    from performance.templatetags.performance_tags import sub_num

    program = make_program(code="S-1", name="進度計畫", start=2013, end=2016)
    for end, planned, actual in (
        (date(2013, 12, 31), 35.2, 34),
        (date(2014, 12, 31), 64.8, 63.6),
        (date(2016, 12, 31), 100, 97),
    ):
        ProgressReport.objects.create(
            program=program, period_end=end, planned_percent=planned, actual_percent=actual
        )
    axis = progress_curve(list(ProgressReport.objects.order_by("period_end")))["layout"]["yaxis"]
    assert axis["range"][1] > 100 and axis["tickvals"][-1] == 100
    assert [sub_num(34, "35.2"), sub_num(97, 100), sub_num(1, 1), sub_num(2, "1.55")] == [
        "-1.2",
        "-3.0",
        "0.0",
        "+0.5",
    ]
    html = _get(client, "/dashboard/programs/S-1/")
    table = html[html.index('id="chart-progress-table"') :]
    assert '<td class="num">34.0%</td>' in table and '<td class="num">-1.2</td>' in table
    assert '<td class="num">-3.0</td>' in table and '<td class="num">-3</td>' not in table


def test_a_units_label_reads_level_above_the_axis(noted):
    from performance.charts import kpi_target_actual

    noted.unit = "件"
    noted.rows = [{"roc_year": 105, "target": 10, "actual": 8}]
    layout = kpi_target_actual(noted)["layout"]
    assert "title" not in layout["yaxis"]  # plotly turns an axis title sideways
    assert layout["annotations"][0]["text"] == "單位：件"
    assert layout["annotations"][0].get("textangle", 0) == 0


# --- 5. The rating's choices are apart and large enough to touch --------------------------


def test_rating_choices_are_spaced_touch_targets(client, dashboard, make_user, noted):
    from pathlib import Path

    client.force_login(make_user())
    html = _get(client, "/dashboard/programs/K-1/")
    form = html[html.index('<div class="rating-choices">') :]
    assert form.index("與我所見相符") < form.index("部分相符") < form.index("</div>")
    css = (
        Path(__file__).resolve().parents[2] / "performance/static/performance/css/performance.css"
    ).read_text()
    rule = css[css.index(".field .rating-choices label.checkbox") :]
    rule = rule[: rule.index("}")]
    assert "min-height: 2.75rem" in rule and "display: flex" in rule  # 44 px, one a line
    assert ".rating-choices { flex-direction: row; flex-wrap: wrap; gap: 0.25rem 2rem; }" in css


# --- 6. English pages: agencies, counties, the unit sentence and the years in English ------


def test_english_filters_name_agencies_and_counties_in_english(client, dashboard, make_program):
    from minyi.agencies.models import Agency

    program = make_program(code="E-1", name="英文計畫", nationwide=True)
    Agency.objects.filter(pk=program.agency_id).update(name_en="National Development Council")
    html = _get(client, "/en/dashboard/")
    filters = html[html.index('id="filter-agency"') : html.index('id="filter-light"')]
    assert ">National Development Council</option>" in filters and "國家發展委員會" not in filters
    assert ">Taipei City</option>" in filters and "臺北市" not in filters
    assert ">Taipei City</a></th>" in html  # the county table beside the map
    assert "<title>Taipei City: " in html  # the map's own names
    chinese = _get(client, "/dashboard/")
    assert ">國家發展委員會</option>" in chinese and ">臺北市</option>" in chinese


def test_english_kpi_heading_and_progress_years(client, dashboard, noted, make_program):
    noted.unit = "件"
    noted.save()
    html = _get(client, "/en/dashboard/programs/K-1/")
    assert "(unit: 件; higher is better)" in html and "Higher is better)" not in html
    assert "（件，越高越好）" in _get(client, "/dashboard/programs/K-1/")

    from performance.charts import progress_curve

    reports = [
        ProgressReport(period_end=date(year, 12, 31), planned_percent=50, actual_percent=50)
        for year in (2012, 2013, 2014, 2015, 2016)
    ]
    with translation.override("en"):
        english = progress_curve(reports)["layout"]["xaxis"]["ticktext"]
    with translation.override("zh-hant"):
        chinese = progress_curve(reports)["layout"]["xaxis"]["ticktext"]
    assert english == ["2013", "2014", "2015", "2016"]
    assert chinese == ["102年", "103年", "104年", "105年"]
