"""Analysts reach decision reports from the admin: 「決策報告」 in the menu leads to every
consultation with its newest report, and their admin home lists the recently closed ones.
Citizens and moderators get neither; agency staff see their own agency's consultations."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from minyi.agencies.roles import Role
from minyi.agencies.services import agency_staff_add, user_role_add
from reports.models import Report, ReportStatus

pytestmark = pytest.mark.django_db

LIST = "/admin/decision-reports/"
MENU_LINK = f'"url": "{LIST}"'  # the admin sidebar is JSON in the page
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-Hant"}


@pytest.fixture
def consultations(make_consultation, make_agency):
    closed = make_consultation(slug="closed", closes_in=timedelta(days=-2), opens_in=timedelta(-9))
    closed.title = "已截止的諮詢"
    closed.save()
    Report.objects.create(
        consultation=closed,
        version=1,
        status=ReportStatus.DONE,
        generated_at=timezone.now(),
        published=True,
        published_at=timezone.now(),
    )
    Report.objects.create(consultation=closed, version=2, status=ReportStatus.DONE)
    make_agency("MOF")
    other = make_consultation(slug="open", agency_code="MOF")
    other.title = "財政部開放中的諮詢"
    other.save()
    return closed, other


@pytest.fixture
def analyst(make_user):
    user = make_user(display_name="分析師")
    user_role_add(user=user, role=Role.ANALYST)
    return user


def test_analyst_has_the_menu_item_the_list_and_a_home_panel(client, analyst, consultations):
    closed, other = consultations
    client.force_login(analyst)
    home = client.get("/admin/", **ZH).content.decode()
    assert MENU_LINK in home and f'"label": {json.dumps("決策報告")}' in home
    assert "最近截止的諮詢與決策報告" in home
    panel = home.split("最近截止的諮詢與決策報告")[1].split("</section>")[0]
    assert closed.title in panel and other.title not in panel  # only closed ones
    assert f'href="/reports/consultations/{closed.pk}/"' in panel

    response = client.get(LIST, **ZH)
    assert response.status_code == 200
    html = response.content.decode()
    for consultation in (closed, other):
        assert f'href="/reports/consultations/{consultation.pk}/"' in html
    assert f'href="/reports/consultations/{closed.pk}/v2/"' in html
    assert "<h1" in html and "決策報告" in html.split("<h1")[1][:400]  # not 「首頁」
    assert "第 2 版" in html and "公開的是第 1 版" in html and "尚無報告。" in html


def test_agency_staff_see_their_agency_only(client, make_user, consultations):
    closed, other = consultations
    staff = make_user()
    agency_staff_add(agency=other.agency, user=staff)
    client.force_login(staff)
    assert MENU_LINK in client.get("/admin/").content.decode()
    html = client.get(LIST).content.decode()
    assert other.title in html and closed.title not in html


def test_citizens_and_moderators_have_neither(client, make_user, consultations):
    client.force_login(make_user())
    assert client.get(LIST).status_code in {302, 403}
    moderator = make_user()
    user_role_add(user=moderator, role=Role.MODERATOR)
    client.force_login(moderator)
    home = client.get("/admin/").content.decode()
    assert MENU_LINK not in home and "reports-recent-title" not in home
    assert client.get(LIST).status_code in {302, 403}
