"""A display name cannot pass for an agency or for the government: staff.moda set 「交通部」 on
/me/ and it was accepted, and its comments then read like the ministry's."""

import pytest
from django.urls import reverse

from minyi.accounts.models import User
from minyi.agencies.services import agency_staff_add

pytestmark = pytest.mark.django_db
PASSWORD = "a-Long-enough-passw0rd"
AGENCY_ERROR = "顯示名稱不可使用或包含政府機關的名稱（交通部）"
OFFICIAL_ERROR = "這個名稱容易被誤認為政府機關或平台人員，請改用個人的名稱。"


@pytest.fixture
def agencies(make_agency):
    motc = make_agency("MOTC", "交通部", name_en="Ministry of Transportation and Communications")
    moda = make_agency("MODA", "數位發展部", name_en="Ministry of Digital Affairs")
    return motc, moda


def _rename(client, user, display_name):
    client.force_login(user)
    return client.post(
        reverse("accounts:profile"),
        {"display_name": display_name, "last_name": "", "first_name": ""},
    )


@pytest.mark.parametrize(
    "name",
    [
        "交通部",
        "交 通 部！",
        "MOTC",
        "motc",
        "交通部客服",
        "交通部官方",
    ],
)
def test_another_agencys_staff_cannot_take_the_agencys_name(client, agencies, make_user, name):
    motc, moda = agencies
    moda_staff = make_user(display_name="數位部承辦人")
    agency_staff_add(agency=moda, user=moda_staff)

    response = _rename(client, moda_staff, name)

    assert response.status_code == 200
    assert AGENCY_ERROR in response.content.decode()
    assert User.objects.get(pk=moda_staff.pk).display_name == "數位部承辦人"


@pytest.mark.parametrize(
    "name", ["政府", "官方", "行政院", "客服", "客服中心", "發言人", "Government", "官 方"]
)
def test_generic_official_names_are_refused(client, agencies, make_user, name):
    citizen = make_user(display_name="熱心市民")
    response = _rename(client, citizen, name)
    assert response.status_code == 200
    assert OFFICIAL_ERROR in response.content.decode()


@pytest.mark.parametrize("name", ["管理員", "審核員"])
def test_platform_roles_as_a_name_stay_reserved(client, agencies, make_user, name):
    response = _rename(client, make_user(), name)
    assert "這個顯示名稱為系統保留，無法使用。" in response.content.decode()


def test_an_agencys_own_staff_may_say_where_they_work_but_not_be_the_agency(
    client, agencies, make_user
):
    motc, _moda = agencies
    staff = make_user(display_name="某承辦")
    agency_staff_add(agency=motc, user=staff)
    assert _rename(client, staff, "交通部承辦人").status_code == 302
    assert User.objects.get(pk=staff.pk).display_name == "交通部承辦人"
    assert AGENCY_ERROR in _rename(client, staff, "交通部").content.decode()


def test_an_agencys_english_name_is_refused_too(client, agencies, make_user):
    response = _rename(client, make_user(), "ministry of digital affairs")
    assert "顯示名稱不可使用或包含政府機關的名稱（數位發展部）" in response.content.decode()


def test_ordinary_names_still_pass(client, agencies, make_user):
    citizen = make_user(display_name="熱心市民")
    assert _rename(client, citizen, "通勤族阿政").status_code == 302


def test_signup_refuses_an_agencys_name(client, agencies):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "fake@example.org",
            "display_name": "數位發展部",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "顯示名稱不可使用或包含政府機關的名稱（數位發展部）" in response.content.decode()
    assert not User.objects.filter(email="fake@example.org").exists()
