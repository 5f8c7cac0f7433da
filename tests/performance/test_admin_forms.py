"""The programme and KPI editors in the Wagtail admin: year fields take 西元 or 民國 years (as
the spreadsheet import and the dashboard's address bar do), decimals show without trailing
zeros, and a progress report is called one (not 檢舉, an abuse report)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from performance.models import KPI, KPIActual, KPITarget, gregorian_year

pytestmark = pytest.mark.django_db


def url(model: str, view: str, *args) -> str:
    return reverse(f"wagtailsnippets_performance_{model}:{view}", args=args)


def _formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def test_one_rule_for_minguo_years():
    assert gregorian_year(105) == 2016
    assert gregorian_year(2016) == 2016


def test_kpi_editor_takes_a_minguo_year_and_says_so(client, ndc_staff, make_program):
    kpi = KPI.objects.create(program=make_program(code="NDC-1"), name="使用率")
    client.force_login(ndc_staff)
    data = {
        "program": str(kpi.program_id),
        "name": kpi.name,
        "unit": "%",
        "direction": "higher",
        "baseline": "",
        "baseline_year": "104",
        **_formset("targets", [{"year": "105", "value": "5"}]),
        **_formset("actuals", [{"year": "2016", "period": "year", "value": "12"}]),
    }
    response = client.post(url("kpi", "edit", kpi.pk), data)
    assert response.status_code == 302, response.context["form"].errors
    kpi.refresh_from_db()
    assert kpi.baseline_year == 2015
    assert list(KPITarget.objects.filter(kpi=kpi).values_list("year", flat=True)) == [2016]
    assert list(KPIActual.objects.filter(kpi=kpi).values_list("year", flat=True)) == [2016]

    html = client.get(url("kpi", "edit", kpi.pk)).content.decode()
    assert "西元或民國年皆可（如 2016 或 105）" in html


def test_kpi_editor_shows_decimals_without_trailing_zeros(client, ndc_staff, make_program):
    kpi = KPI.objects.create(
        program=make_program(code="NDC-1"), name="使用率", baseline=Decimal("2.5000")
    )
    KPITarget.objects.create(kpi=kpi, year=2016, value=Decimal("5.0000"))
    KPITarget.objects.create(kpi=kpi, year=2017, value=Decimal("100.0000"))
    client.force_login(ndc_staff)
    html = client.get(url("kpi", "edit", kpi.pk)).content.decode()
    assert 'value="5"' in html and 'value="100"' in html and 'value="2.5"' in html
    assert "5.0000" not in html and "100.0000" not in html
    assert str(KPITarget.objects.get(year=2016)) == "使用率 2016: 5"


def test_progress_reports_are_not_called_abuse_reports(client, ndc_staff, make_program):
    program = make_program(code="NDC-1")
    client.force_login(ndc_staff)
    html = client.get(url("program", "edit", program.pk)).content.decode()
    assert "進度報告" in html
    assert "檢舉" not in html
