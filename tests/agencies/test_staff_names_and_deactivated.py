"""The agency-staff screen said nothing of a deactivated account (still 「交通部新進人員（科員）」);
the group list named agencies by code (「機關 MOTC 人員」) where the user form said
「交通部 人員」; the user form had two items both called 「管理員」."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from minyi.agencies.roles import Role
from minyi.agencies.services import agency_staff_add, agency_staff_notify, role_group
from minyi.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def deactivated_staff(make_agency, make_user):
    motc = make_agency("MOTC", "交通部")
    active = make_user(display_name="交通部在職人員")
    agency_staff_add(agency=motc, user=active, title="科長")
    gone = make_user(display_name="交通部新進人員")
    agency_staff_add(agency=motc, user=gone, title="科員")
    gone.is_active = False
    gone.save()
    return motc, active, gone


def test_a_deactivated_member_is_marked_and_listed_last(admin_client, deactivated_staff):
    html = admin_client.get("/admin/agency-staff/").content.decode()
    assert "已停用" in html
    assert html.index("交通部在職人員") < html.index("交通部新進人員")
    row = html[html.index("交通部新進人員") :]
    row = row[: row.index("</tr>")]
    assert "已停用" in row and "不會收到該機關的工作與通知" in row
    active_row = html[html.index("交通部在職人員") :]
    assert "已停用" not in active_row[: active_row.index("</tr>")]


def test_a_deactivated_member_gets_no_agency_notice(deactivated_staff):
    motc, active, gone = deactivated_staff
    sent = agency_staff_notify(agency=motc, title="有一件提議待回應", url="/")
    assert sent == 1
    assert Notification.objects.filter(user=active).count() == 1
    assert not Notification.objects.filter(user=gone).exists()


def test_the_group_list_names_the_agency_as_the_user_form_does(
    admin_client, make_agency, make_user
):
    make_agency("MOTC", "交通部")
    groups = admin_client.get(reverse("wagtailusers_groups:index")).content.decode()
    form = admin_client.get(f"/admin/users/edit/{make_user().pk}/").content.decode()
    for html in (groups, form):
        assert "交通部 人員" in html and "MOTC" not in html


def test_a_renamed_agency_renames_its_group(admin_client, make_agency):
    motc = make_agency("MOTC", "交通部")
    admin_client.post(
        reverse("wagtailsnippets_agencies_agency:edit", args=[motc.pk]),
        {
            "code": "MOTC",
            "name_zh": "交通及建設部",
            "name_en": "",
            "parent": "",
            "website": "",
            "contact_email": "",
            "contact_phone": "",
        },
    )
    motc.refresh_from_db()
    assert motc.name_zh == "交通及建設部"
    assert Group.objects.get(pk=motc.staff_group_id).name == "交通及建設部 人員"


def test_superuser_and_the_administrator_role_are_told_apart(admin_client, make_user):
    role_group(Role.ADMINISTRATOR)
    html = admin_client.get(f"/admin/users/edit/{make_user().pk}/").content.decode()
    assert "最高管理權限（superuser）" in html
    assert "不受角色限制" in html  # its help text says what it is, against the role
    superuser = html[html.index('for="id_is_superuser"') :]
    assert (
        superuser[: superuser.index("</label>")].split(">")[1].strip()
        == "最高管理權限（superuser）"
    )
    assert " 管理員</label>" in html  # the role keeps its name
