"""The dashboard's system text on /en/ is English: light reasons (translated when shown, not
frozen in the language they were stored in), how the lights are decided, the open-data labels
and the header link. The Chinese pages and the published data stay exactly as they were."""

from datetime import date

import pytest
from django.utils import translation

from performance.lights import reason_text
from performance.models import KPI, BudgetYear, KPIActual, KPITarget, Program, ProgressReport
from performance.services import program_lights_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def behind(make_program):
    program = make_program(code="A-1", name="數位服務", nationwide=True)
    kpi = KPI.objects.create(program=program, name="使用者滿意度", unit="%")
    KPITarget.objects.create(kpi=kpi, year=2016, value=80)
    KPIActual.objects.create(kpi=kpi, year=2016, value=70)
    BudgetYear.objects.create(program=program, year=2016, budget=10000, spent=6000)
    ProgressReport.objects.create(
        program=program, period_end=date(2016, 12, 31), planned_percent=100, actual_percent=86
    )
    program_lights_refresh()
    program.refresh_from_db()
    return program


def _get(client, path):
    try:
        return client.get(path).content.decode()
    finally:
        translation.activate("zh-hant")


def test_light_reasons_are_english_on_the_english_program_page(client, dashboard, behind):
    html = _get(client, "/en/dashboard/programs/A-1/")
    assert "Actual progress 86%, planned 100%: 14 points behind" in html
    assert "(more than 10 points behind is red)" in html
    assert "Budget spent in 2016: NT$6,000 thousand, 60% of the budget of NT$10,000" in html
    assert "KPI “使用者滿意度”: 70% achieved in 2016 against a target of 80%" in html
    for chinese in ("實際進度", "預算執行數", "績效指標「", "紅燈：", "越低越好的指標"):
        assert chinese not in html, chinese
    assert "(unit: %; higher is better)" in html and "（%，" not in html  # unit, direction
    assert "Progress: <a" in html and "計畫進度" not in html  # the program's open data


def test_the_chinese_program_page_reads_as_before(client, dashboard, behind):
    html = _get(client, "/dashboard/programs/A-1/")
    assert "實際進度 86%，預定進度 100%，落後 14 個百分點（落後超過 10 個百分點為紅燈）。" in html
    assert "105 年預算執行數 6,000 千元，為預算數 10,000 千元的 60%（低於 70% 為紅燈）。" in html
    assert "<strong>紅燈</strong>：實際進度落後預定進度超過 10 個百分點" in html
    assert "（%，" in html
    assert "計畫進度：<a" in html


def test_stored_reasons_keep_the_default_language_for_the_api(behind):
    """The stored text (API, open data) stays Chinese whatever language computed it."""
    with translation.override("en"):
        program_lights_refresh(programs=Program.objects.filter(pk=behind.pk))
    behind.refresh_from_db()
    assert behind.light_reasons[0]["text"].startswith("實際進度 86%")
    with translation.override("en"):
        assert reason_text(behind.light_reasons[0]).startswith("Actual progress 86%")
    with translation.override("zh-hant"):
        assert reason_text(behind.light_reasons[0]) == behind.light_reasons[0]["text"]


def test_a_reason_stored_before_codes_shows_its_text():
    assert reason_text({"dimension": "kpi", "light": "red", "text": "舊的理由"}) == "舊的理由"


def test_the_english_dashboard_explains_lights_and_open_data_in_english(client, dashboard, behind):
    html = _get(client, "/en/dashboard/")
    assert "actual progress more than 10 points behind the planned progress" in html
    assert "Open Government Data License, version 1.0" in html
    for english in ("Program list", "Light counts by agency", "KPI targets and actuals"):
        assert english in html, english
    assert "The program&#x27;s unique code" in html
    chinese_labels = (
        "紅燈：",
        "計畫清單",
        "各機關燈號統計",
        "計畫的唯一代碼",
        "政府資料開放授權條款",
    )
    for chinese in chinese_labels:
        assert chinese not in html, chinese
    assert ">Performance</a>" in html  # the short header link (one line at 1280 px)


def test_the_chinese_dashboard_reads_as_before(client, dashboard, behind):
    html = _get(client, "/dashboard/")
    for chinese in ("<strong>綠燈</strong>：以上皆未發生。", "計畫清單", "計畫的唯一代碼"):
        assert chinese in html, chinese
    assert "政府資料開放授權條款－第1版" in html
    assert ">施政績效</a>" in html


def test_english_downloads_keep_the_published_chinese_names(client, dashboard, behind):
    csv = client.get("/en/dashboard/data/programs/csv/").content.decode("utf-8-sig")
    body = client.get("/en/dashboard/data/programs/json/").json()
    translation.activate("zh-hant")
    assert csv.startswith("計畫代碼,計畫名稱,")
    assert body["metadata"]["name"] == "計畫清單"
    assert body["metadata"]["fields"][0] == {
        "key": "code",
        "name": "計畫代碼",
        "description": "計畫的唯一代碼",
    }


def test_a_followers_notice_is_shown_in_the_readers_language(client, dashboard, behind, make_user):
    from minyi.notifications.models import Notification
    from performance.models import ProgramFollow

    follower = make_user()
    ProgramFollow.objects.create(program=behind, user=follower)
    ProgressReport.objects.filter(program=behind).update(actual_percent=100)
    BudgetYear.objects.filter(program=behind).update(spent=10000)
    KPIActual.objects.filter(kpi__program=behind).update(value=80)
    with translation.override("en"):  # whoever's request changed it, the notice is not frozen
        program_lights_refresh(programs=[behind])
    notice = Notification.objects.get(user=follower)
    assert notice.title == "「數位服務」燈號變更為綠燈：進度正常"  # e-mail digests, the admin
    client.force_login(follower)
    english = _get(client, "/en/notifications/")
    assert "The light of “數位服務” changed to Green: on track" in english
    assert "燈號變更" not in english
    assert "「數位服務」燈號變更為綠燈：進度正常" in _get(client, "/notifications/")


# --- The page's own words and the categories, given in English by an editor ------------------


@pytest.fixture
def english_dashboard(dashboard):
    dashboard.title_en = "Government performance dashboard"
    dashboard.intro = "<p>政府計畫一目了然。</p>"
    dashboard.intro_en = "<p>Government programs at a glance.</p>"
    dashboard.publisher_en = "National Development Council"
    dashboard.update_frequency_en = "Quarterly"
    dashboard.save()
    return dashboard


@pytest.fixture
def categorised(make_program):
    make_program(code="C-1", category="旗艦1 政府雲端應用服務", category_en="Flagship 1: Cloud")
    make_program(code="C-2", category="旗艦1 政府雲端應用服務", category_en="Flagship 1: Cloud")
    make_program(code="C-3", category="旗艦2 基礎資料庫擴增")  # no English name given
    program_lights_refresh()


def test_english_dashboard_names_the_page_and_its_categories_in_english(
    client, english_dashboard, categorised
):
    html = _get(client, "/en/dashboard/")
    assert "<h1>Government performance dashboard</h1>" in html
    assert "<title>Government performance dashboard" in html
    assert "Government programs at a glance." in html and "政府計畫一目了然" not in html
    assert "<dd>National Development Council</dd>" in html and "<dd>Quarterly</dd>" in html
    # the filter keeps the Chinese value (links and open data use it) and shows the English
    assert '<option value="旗艦1 政府雲端應用服務">Flagship 1: Cloud</option>' in html
    assert '<th scope="row">Flagship 1: Cloud</th>' in html  # the table beside the chart
    assert '"Flagship 1: Cloud"' in html  # the chart's labels
    # a category without an English name keeps its Chinese one
    assert '<option value="旗艦2 基礎資料庫擴增">旗艦2 基礎資料庫擴增</option>' in html
    program = _get(client, "/en/dashboard/programs/C-1/")
    assert "Flagship 1: Cloud" in program
    assert '<a href="/en/dashboard/">Government performance dashboard</a>' in program


def test_chinese_dashboard_is_unchanged_by_the_english_names(
    client, english_dashboard, categorised
):
    html = _get(client, "/dashboard/")
    assert "<h1>施政績效儀表板</h1>" in html and "政府計畫一目了然" in html
    assert '<option value="旗艦1 政府雲端應用服務">旗艦1 政府雲端應用服務</option>' in html
    assert "Flagship 1: Cloud" not in html and "Government performance dashboard" not in html
    assert "施政績效儀表板</a>" in _get(client, "/dashboard/programs/C-1/")


def test_english_dashboard_without_english_names_falls_back_to_chinese(
    client, dashboard, categorised
):
    html = _get(client, "/en/dashboard/")
    assert "<h1>施政績效儀表板</h1>" in html


def test_long_english_names_wrap_on_the_chart_axis_and_chinese_ones_stay_whole():
    from performance.charts import lights_stacked

    rows = [
        {
            "label": "Directorate-General of Personnel Administration",
            "red": 1,
            "yellow": 0,
            "green": 0,
            "grey": 0,
        },
        {"label": "旗艦6 e化服務宅配到家", "red": 0, "yellow": 1, "green": 0, "grey": 0},
    ]
    chart = lights_stacked(rows, label_key="label")
    labels = chart["data"][0]["y"]
    assert labels[0] == "Directorate-General<br>of Personnel<br>Administration"
    assert labels[1] == "旗艦6 e化服務宅配到家"
    assert chart["layout"]["height"] >= 2 * (22 + 14 * 3)  # room for three lines a bar
