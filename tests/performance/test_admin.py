"""Agency staff edit only their own agency's programs in the Wagtail admin; overdue flags."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from performance.models import KPI, Program, ReportingPeriod

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_programs(make_program, ndc, moi):
    mine = make_program(code="NDC-1", name="國發會計畫")
    theirs = make_program(code="MOI-1", name="內政部計畫", agency=moi)
    KPI.objects.create(program=mine, name="我的指標")
    KPI.objects.create(program=theirs, name="別人的指標")
    return mine, theirs


def denied(response) -> bool:
    """Wagtail answers PermissionDenied with a redirect to the admin home and a message."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


def url(model: str, view: str, *args) -> str:
    return reverse(f"wagtailsnippets_performance_{model}:{view}", args=args)


def test_staff_list_only_their_agencys_programs_and_kpis(client, ndc_staff, two_programs):
    client.force_login(ndc_staff)
    html = client.get(url("program", "list")).content.decode()
    assert "國發會計畫" in html and "內政部計畫" not in html
    html = client.get(url("kpi", "list")).content.decode()
    assert "我的指標" in html and "別人的指標" not in html


def test_staff_cannot_open_or_delete_another_agencys_program(client, ndc_staff, two_programs):
    mine, theirs = two_programs
    client.force_login(ndc_staff)
    assert client.get(url("program", "edit", mine.pk)).status_code == 200
    assert denied(client.get(url("program", "edit", theirs.pk)))
    assert denied(client.post(url("program", "edit", theirs.pk), {"name": "改掉"}))
    assert denied(client.get(url("program", "delete", theirs.pk)))
    assert denied(client.post(url("program", "delete", theirs.pk)))
    theirs.refresh_from_db()
    assert theirs.name == "內政部計畫"
    other_kpi = KPI.objects.get(name="別人的指標")
    assert denied(client.get(url("kpi", "edit", other_kpi.pk)))
    assert denied(client.post(url("kpi", "delete", other_kpi.pk)))
    assert KPI.objects.filter(pk=other_kpi.pk).exists()


def test_staff_choose_only_their_agency_when_adding(client, ndc_staff, two_programs):
    client.force_login(ndc_staff)
    response = client.get(url("program", "add"))
    assert response.status_code == 200
    form = response.context["form"]
    assert [a.code for a in form.fields["agency"].queryset] == ["NDC"]
    response = client.get(url("kpi", "add"))
    assert [p.code for p in response.context["form"].fields["program"].queryset] == ["NDC-1"]


def test_administrators_see_every_program(client, admin_user, two_programs):
    client.force_login(admin_user)
    html = client.get(url("program", "list")).content.decode()
    assert "國發會計畫" in html and "內政部計畫" in html
    assert client.get(url("program", "edit", two_programs[1].pk)).status_code == 200


def test_citizens_have_no_admin(client, make_user, two_programs):
    client.force_login(make_user())
    assert client.get(url("program", "list")).status_code in {302, 403}
    assert client.get(reverse("performance_import")).status_code in {302, 403}


def test_staff_delete_their_own_program(client, ndc_staff, two_programs):
    mine, _theirs = two_programs
    client.force_login(ndc_staff)
    response = client.post(url("program", "delete", mine.pk))
    assert response.status_code == 302
    assert not Program.objects.filter(pk=mine.pk).exists()


def test_overdue_reports_are_flagged_to_the_agency(client, ndc_staff, moi_staff, make_program, ndc):
    today = timezone.localdate()
    make_program(code="NDC-LATE", start=today.year - 1, end=today.year + 1)
    ReportingPeriod.objects.create(
        label="上一季",
        period_end=date(today.year - 1, 12, 31),
        due_date=date(today.year - 1, 12, 31),
    )
    client.force_login(ndc_staff)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "NDC-LATE" in html and "上一季" in html
    html = client.get(reverse("performance_import")).content.decode()
    assert "NDC-LATE" in html
    client.force_login(moi_staff)
    assert "NDC-LATE" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_staff_edit_their_program_in_the_admin_and_the_light_follows(
    client, ndc_staff, two_programs
):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    mine, _theirs = two_programs
    client.force_login(ndc_staff)
    data = nested_form_data(
        {
            "code": mine.code,
            "name": "國發會計畫（修正）",
            "agency": mine.agency_id,
            "control_level": "ministry",
            "category": "數位",
            "start_year": 2025,
            "end_year": 2025,
            "objectives": "",
            "description": "",
            "budgets": inline_formset(
                [{"year": 2025, "budget": "1000", "spent": "600", "planned_to_date": "1000"}]
            ),
            "progress_reports": inline_formset([]),
            "milestones": inline_formset([]),
        }
    )
    data["counties"] = ["63000", "10015"]
    response = client.post(url("program", "edit", mine.pk), data)
    assert response.status_code == 302, response.context["form"].errors
    mine.refresh_from_db()
    assert mine.name == "國發會計畫（修正）"
    assert set(mine.counties.values_list("code", flat=True)) == {"63000", "10015"}
    assert mine.light == "red"  # 600 of 1,000 planned: under 70 %
    assert "60%" in mine.light_reasons[0]["text"]
    # Wagtail's confirmation quotes the name in 「」 (it wrote '…' 已更新).
    listing = client.get(response["Location"]).content.decode()
    assert (
        "「NDC-1 國發會計畫（修正）」已更新。" in listing
        or "「國發會計畫（修正）」已更新。" in listing
    )


def test_admin_lists_write_dates_in_minguo_like_the_public_pages(client, admin_user, make_program):
    """The periods list showed 「105年第4季」 beside 「2016年12月31日」 on one row."""
    from datetime import UTC, datetime

    program = make_program(code="NDC-9", name="日期計畫")
    Program.objects.filter(pk=program.pk).update(
        updated_at=datetime(2026, 12, 6, 7, 55, tzinfo=UTC)
    )
    ReportingPeriod.objects.create(
        label="105年第4季", period_end=date(2016, 12, 31), due_date=date(2017, 1, 31)
    )
    client.force_login(admin_user)
    periods = client.get(url("reportingperiod", "list")).content.decode()
    assert "105年12月31日" in periods and "106年1月31日" in periods
    assert "2016年12月31日" not in periods
    programs = client.get(url("program", "list")).content.decode()
    assert "115年12月6日 15:55" in programs and "更新時間" in programs
