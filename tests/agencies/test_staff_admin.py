"""Administrators put people on an agency's staff through the admin screen, and take them off."""

import pytest
from django.urls import reverse

from minyi.agencies.models import AgencyMembership
from minyi.agencies.roles import Role
from minyi.agencies.selectors import agencies_for_user, user_has_role
from minyi.agencies.services import agency_staff_add

pytestmark = pytest.mark.django_db
URL = "/admin/agency-staff/"


def test_the_screen_is_in_the_admin_menu(admin_client):
    assert reverse("agency_staff") == URL
    page = admin_client.get("/admin/").content.decode()
    assert URL in page


def test_administrator_adds_a_staff_member_by_email(admin_client, make_agency, make_user):
    motc = make_agency("MOTC", "交通部")
    person = make_user(email="new.staff@example.org", display_name="新承辦")

    response = admin_client.post(
        URL, {"agency": motc.pk, "email": "New.Staff@example.org", "title": "科員"}, follow=True
    )

    assert response.status_code == 200
    membership = AgencyMembership.objects.get(agency=motc, user=person)
    assert membership.title == "科員"
    assert user_has_role(person, Role.AGENCY_STAFF)
    assert list(agencies_for_user(person)) == [motc]
    assert "新承辦" in response.content.decode()


def test_unknown_email_is_a_clear_error_and_nothing_is_stored(admin_client, make_agency):
    motc = make_agency("MOTC", "交通部")

    response = admin_client.post(URL, {"agency": motc.pk, "email": "nobody@example.org"})

    assert response.status_code == 400
    assert "沒有使用此電子郵件地址的有效帳號" in response.content.decode()
    assert not AgencyMembership.objects.exists()


def test_administrator_removes_a_staff_member(admin_client, make_agency, make_user):
    motc = make_agency("MOTC", "交通部")
    person = make_user(display_name="要離職的承辦")
    membership = agency_staff_add(agency=motc, user=person)
    for bad in ("abc", membership.pk + 1000):
        assert admin_client.post(URL, {"remove": bad}).status_code == 404
    assert AgencyMembership.objects.count() == 1

    admin_client.post(URL, {"remove": membership.pk})

    assert not AgencyMembership.objects.exists()
    assert not user_has_role(person, Role.AGENCY_STAFF)
    assert not agencies_for_user(person).exists()


def test_agency_staff_cannot_manage_staff(client, make_agency, make_user):
    motc = make_agency("MOTC", "交通部")
    staff = make_user()
    agency_staff_add(agency=motc, user=staff)
    client.force_login(staff)

    assert client.get(URL).status_code in {302, 403}
    assert client.post(URL, {"agency": motc.pk, "email": staff.email}).status_code in {302, 403}
