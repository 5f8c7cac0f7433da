"""An agency's admin home lists what waits for its answer: petitions past the threshold and
citizens' questions on its programmes (it said nothing of either)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def motc_staff(make_user, make_agency):
    from minyi.agencies.services import agency_staff_add

    staff = make_user(display_name="交通部承辦")
    agency_staff_add(agency=make_agency("MOTC", "交通部"), user=staff)
    return staff


def test_a_petition_past_its_threshold_waits_on_the_agencys_admin_home(
    client, motc_staff, make_user, make_agency
):
    from wagtail.models import Site

    from minyi.agencies.models import Agency
    from minyi.agencies.roles import Role
    from minyi.agencies.services import user_role_add
    from participation.models import ParticipationSettings, Petition
    from participation.services import (
        petition_create,
        petition_endorse,
        petition_moderation_approve,
    )

    rules = ParticipationSettings.for_site(Site.objects.get(is_default_site=True))
    rules.petition_threshold = 1
    rules.save()
    moderator = make_user()
    user_role_add(user=moderator, role=Role.MODERATOR)
    motc = Agency.objects.get(code="MOTC")

    def propose(title, agency):
        petition = petition_create(user=make_user(), title=title, body="請改善。", agency=agency)
        return petition_moderation_approve(petition=petition, moderator=moderator)

    reached = propose("增設公車專用道", motc)
    petition_endorse(petition=reached, user=make_user())
    propose("延長末班車", motc)  # open, not reached: not listed
    other = propose("改善騎樓", make_agency("MOI"))
    petition_endorse(petition=other, user=make_user())  # another agency's

    client.force_login(motc_staff)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "1 件提議待機關回應" in html
    assert "增設公車專用道" in html and "延長末班車" not in html and "改善騎樓" not in html
    assert reverse("participation:petition_response", args=[reached.pk]) in html
    reached = Petition.objects.get(pk=reached.pk)
    from minyi.home.dates import format_minguo_date

    assert f"{format_minguo_date(reached.response_due_at)}</time> 前回應" in html


def test_a_citizens_question_waits_on_the_agencys_admin_home_until_answered(
    client, motc_staff, make_user, home_page
):
    from minyi.agencies.models import Agency
    from performance.models import PerformanceDashboardPage, Program
    from performance.services import program_question_answer, program_question_ask

    home_page.add_child(instance=PerformanceDashboardPage(title="施政績效", slug="dashboard"))
    program = Program.objects.create(
        code="MOTC-1",
        name="公路安全計畫",
        agency=Agency.objects.get(code="MOTC"),
        start_year=2024,
        end_year=2026,
    )
    question = program_question_ask(program=program, user=make_user(), body="進度為何落後？")
    client.force_login(motc_staff)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "1 則民眾提問待回覆" in html and "進度為何落後？" in html
    assert f'href="/dashboard/programs/MOTC-1/#question-{question.pk}"' in html
    program_question_answer(question=question, user=motc_staff, text="已加速辦理。")
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "民眾提問待回覆" not in html


def test_the_overdue_reports_panel_lists_programme_and_period(make_agency):
    """The four to-do panels share minyi.admin_panels.WaitingListPanel: rows, count, now."""
    from datetime import date
    from types import SimpleNamespace

    from performance.models import Program
    from performance.wagtail_hooks import OverdueReportsPanel

    program = Program(
        code="MOTC-2",
        name="智慧交通計畫",
        agency=make_agency("MOTC"),
        start_year=2024,
        end_year=2026,
    )
    period = SimpleNamespace(label="115年第3季", due_date=date(2026, 10, 31))
    html = OverdueReportsPanel([(program, period)] * 60).render_html({})
    assert "60 份進度報告逾期未填報" in html
    assert html.count("MOTC-2 智慧交通計畫 — 115年第3季") == 50  # the first fifty listed
