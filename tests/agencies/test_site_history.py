"""Wagtail's 網站歷史 listed every agency's programme edits, and who made them, to the staff of
every other agency. The whole site's history is now the administrators'; staff keep each page's
own history."""

import pytest

from minyi.agencies.services import agency_staff_add

pytestmark = pytest.mark.django_db

REPORT = "/admin/reports/site-history/"


@pytest.fixture
def other_agency_staff(client, make_user, make_agency):
    make_agency("MOTC")
    staff = make_user(display_name="數位部承辦")
    agency_staff_add(agency=make_agency("MODA"), user=staff)
    client.force_login(staff)
    return client


def test_agency_staff_neither_see_nor_open_the_site_history(other_agency_staff):
    for path in (REPORT, REPORT + "results/"):
        response = other_agency_staff.get(path)
        # Wagtail's answer to a refused admin page: back to the admin home, with its message
        assert response.status_code == 302 and response["Location"] == "/admin/", path
    admin_home = other_agency_staff.get("/admin/").content.decode()
    assert REPORT not in admin_home  # not offered in the 報表 menu either


def test_administrators_read_it(admin_client):
    response = admin_client.get(REPORT)
    assert response.status_code == 200
    assert REPORT in admin_client.get("/admin/").content.decode()
    assert admin_client.get(REPORT + "results/").status_code == 200


def test_signed_out_readers_are_sent_to_sign_in(client):
    response = client.get(REPORT)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
