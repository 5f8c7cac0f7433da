"""Open data: CSV (UTF-8 with BOM) and JSON downloads of every table, the API, metadata."""

import csv
import io
from datetime import date

import pytest

from performance.models import KPI, BudgetYear, KPIActual, KPITarget, ProgressReport
from performance.opendata import LICENCE_NAME, TABLES
from performance.services import program_lights_refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(make_program, moi):
    a = make_program(code="A-1", name="數位服務", nationwide=True)
    b = make_program(code="B-1", name="防災", agency=moi)
    kpi = KPI.objects.create(program=a, name="GPMnet 2.0 使用者滿意度", unit="%")
    for year, value in ((2013, 70), (2014, 71), (2015, 72), (2016, 73)):
        KPITarget.objects.create(kpi=kpi, year=year, value=value)
    KPIActual.objects.create(kpi=kpi, year=2016, value=73.5, evidence_url="https://example.org/e")
    BudgetYear.objects.create(program=a, year=2016, budget=10000, spent=9700)
    BudgetYear.objects.create(program=b, year=2016, budget=5000, spent=2000)
    ProgressReport.objects.create(
        program=a, period_end=date(2016, 12, 31), planned_percent=100, actual_percent=99
    )
    program_lights_refresh()
    return a, b


def read_csv(response):
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("table", [t.key for t in TABLES])
def test_every_table_downloads_as_csv_and_json(client, dashboard, data, table):
    definition = next(t for t in TABLES if t.key == table)
    response = client.get(f"/dashboard/data/{table}/csv/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == [f.label for f in definition.fields]

    body = client.get(f"/dashboard/data/{table}/json/").json()
    assert body["metadata"]["name"] == definition.title
    assert body["metadata"]["licence"] == LICENCE_NAME == "政府資料開放授權條款－第1版"
    assert [f["key"] for f in body["metadata"]["fields"]] == [f.key for f in definition.fields]
    assert len(body["data"]) == len(rows) - 1


def test_download_contents_and_filters(client, dashboard, data):
    rows = read_csv(client.get("/dashboard/data/kpi_values/csv/"))
    assert rows[0][:4] == ["計畫代碼", "指標名稱", "單位", "方向"]
    by_year = {row[4]: row for row in rows[1:]}
    assert by_year["105"][5:8] == ["73", "73.5", "100.68"]
    assert by_year["102"][5:7] == ["70", ""]

    programs = client.get("/dashboard/data/programs/json/?agency=MOI").json()["data"]
    assert [p["code"] for p in programs] == ["B-1"]
    budgets = client.get("/dashboard/data/budgets/json/?program=A-1").json()["data"]
    assert budgets == [
        {
            "program_code": "A-1",
            "year": 105,
            "budget": "10000",
            "spent": "9700",
            "planned_to_date": "",
            "execution_rate": "97",
        }
    ]
    summary = client.get("/dashboard/data/budget_years/json/").json()["data"]
    assert summary == [{"year": 105, "budget": "15000", "spent": "11700", "execution_rate": "78"}]
    assert client.get("/dashboard/data/nope/csv/").status_code == 404


def test_page_shows_data_gov_tw_style_metadata(client, dashboard, data):
    html = client.get("/dashboard/").content.decode()
    assert "政府資料開放授權條款－第1版" in html
    assert "https://data.gov.tw/license" in html
    assert dashboard.publisher in html and dashboard.update_frequency in html
    for table in TABLES:
        assert str(table.title) in html  # lazy: in the reader's language
        assert f"/dashboard/data/{table.key}/csv/" in html


def test_api_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    for path in (
        "/api/v1/performance/programs",
        "/api/v1/performance/programs/{code}",
        "/api/v1/performance/summary",
        "/api/v1/performance/tables",
        "/api/v1/performance/tables/{key}",
        "/api/v1/performance/counties",
    ):
        assert path in paths


def test_api_programs_and_detail(client, dashboard, data):
    listing = client.get("/api/v1/performance/programs?light=red").json()
    assert [item["code"] for item in listing["items"]] == ["B-1"]
    assert listing["items"][0]["agency_code"] == "MOI"
    assert listing["items"][0]["light_reasons"][0]["dimension"] == "budget"

    detail = client.get("/api/v1/performance/programs/A-1").json()
    assert detail["nationwide"] is True
    (kpi,) = detail["kpis"]
    assert kpi["name"] == "GPMnet 2.0 使用者滿意度"
    assert [(y["year"], y["target"]) for y in kpi["years"]][:4] == [
        (2013, "70.0000"),
        (2014, "71.0000"),
        (2015, "72.0000"),
        (2016, "73.0000"),
    ] or [(y["year"], float(y["target"])) for y in kpi["years"]] == [
        (2013, 70),
        (2014, 71),
        (2015, 72),
        (2016, 73),
    ]
    assert detail["url"].endswith("/dashboard/programs/A-1/")
    assert client.get("/api/v1/performance/programs/NOPE").status_code == 404

    summary = client.get("/api/v1/performance/summary?agency=MOI").json()
    assert summary["total"] == 1
    assert summary["lights"]["red"] == 1
    table = client.get("/api/v1/performance/tables/progress?program=A-1").json()
    assert table["data"][0]["actual_percent"] == "99"
    assert len(client.get("/api/v1/performance/counties").json()) == 22
