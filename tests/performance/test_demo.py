"""Demo data: seed_demo builds the dashboard from the e-government plans, safely twice."""

from io import StringIO

import pytest
from django.core.management import call_command

from performance.demo import demo_fixture
from performance.models import KPITarget, PerformanceDashboardPage, Program, ProgramLight

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_dashboard_once(client):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Performance dashboard: 16 demo programs." in out.getvalue()
    counts = (Program.objects.count(), KPITarget.objects.count(), ProgramLight.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (
        Program.objects.count(),
        KPITarget.objects.count(),
        ProgramLight.objects.count(),
    ) == counts
    assert PerformanceDashboardPage.objects.count() == 1
    assert all(Program.objects.values_list("is_demo", flat=True))
    # The real indicator of the plan, with its yearly targets for 民國 102–105.
    assert list(
        KPITarget.objects.filter(kpi__name="GPMnet 2.0 使用者滿意度")
        .order_by("year")
        .values_list("value", flat=True)
    ) == [70, 71, 72, 73]
    lights = set(Program.objects.values_list("light", flat=True))
    assert lights == {"green", "yellow", "red", "grey"}
    html = client.get("/dashboard/").content.decode()
    assert "<strong>示範資料</strong>" in html
    english = client.get("/en/dashboard/").content.decode()
    from django.utils import translation

    translation.activate("zh-hant")
    assert "<strong>Demonstration data</strong>" in english and "示範資料</strong>" not in english
    assert client.get("/dashboard/programs/EGOV4-1-1/").status_code == 200


def test_fixture_states_its_source():
    fixture = demo_fixture()
    assert "第四階段電子化政府計畫" in fixture["source"]
    assert "合成" in fixture["source"]
