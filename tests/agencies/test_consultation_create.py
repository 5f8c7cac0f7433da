"""Staff create a consultation in their agency's section; the agency comes from the section."""

import pytest
from django.urls import reverse

from minyi.agencies.services import agency_staff_add
from participation.models import ConsultationPage

pytestmark = pytest.mark.django_db


def _form(agency_id=""):
    data = {
        "title": "公路法修正草案",
        "slug": "highway-act",
        "agency": agency_id,
        "summary": "修正公路法第一條。",
        "background": '{"blocks": [], "entityMap": {}}',
        "opens_at": "2026-01-01 09:00",
        "closes_at": "2026-02-01 09:00",
        "topics": "",
        "action-submit": "1",
    }
    for prefix in ("sections", "attachments", "comments"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


@pytest.mark.parametrize("posted", ["", "other"])
def test_staff_create_consultation_in_their_section(client, make_agency, make_user, posted):
    motc, moda = make_agency("MOTC", "交通部"), make_agency("MODA", "數位發展部")
    staff = make_user()
    agency_staff_add(agency=motc, user=staff)
    client.force_login(staff)
    url = reverse(
        "wagtailadmin_pages:add",
        args=["participation", "consultationpage", motc.root_page.pk],
    )
    # A disabled field ignores what is posted: choosing another agency changes nothing.
    response = client.post(url, _form(moda.pk if posted else ""))

    assert response.status_code == 302, response.context["form"].errors
    page = ConsultationPage.objects.get(slug="highway-act")
    assert page.agency == motc
    assert not page.live
    assert page.current_workflow_state is not None


def test_administrator_create_consultation(client, make_agency, make_user):
    motc = make_agency("MOTC", "交通部")
    admin = make_user()
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client.force_login(admin)
    url = reverse(
        "wagtailadmin_pages:add",
        args=["participation", "consultationpage", motc.root_page.pk],
    )
    data = _form() | {"action-publish": "1"}
    del data["action-submit"]
    response = client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors
    assert ConsultationPage.objects.get(slug="highway-act").agency == motc
