"""Agency staff create a consultation in the page editor. The date picker keeps whatever year is
typed, and 「115/12/10 09:00」 (a 民國 year, as civil servants write dates) was refused only as
「輸入有效的日期/時間」, with nothing saying which calendar the fields take. They say so now,
before and after a refusal."""

import pytest
from django.urls import reverse

from minyi.agencies.services import agency_staff_add
from participation.models import ConsultationPage

pytestmark = pytest.mark.django_db


def _post(client, parent, opens_at, closes_at):
    url = reverse("wagtailadmin_pages:add", args=["participation", "consultationpage", parent.pk])
    data = {
        "title": "票價調整草案",
        "slug": "fares",
        "summary": "摘要",
        "background": "null",
        "opens_at": opens_at,
        "closes_at": closes_at,
        "topics": "",
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
        "seo_title": "",
        "search_description": "",
    }
    return client.get(url), client.post(url, data)


def test_the_dates_say_they_take_the_western_year_and_a_minguo_year_is_explained(
    client, make_user, make_agency
):
    from minyi.agencies.models import AgencyPage

    agency = make_agency("MOTC", "交通部")
    parent = AgencyPage.objects.get(agency=agency)
    staff = make_user()
    agency_staff_add(user=staff, agency=agency)
    client.force_login(staff)
    form_page, response = _post(client, parent, "115-12-10 09:00", "116-01-10 17:00")
    assert "請以西元年填寫日期與時間，例如 2026-12-10 09:00。" in form_page.content.decode()
    assert response.status_code == 200  # the form again, nothing saved
    html = response.content.decode()
    refused = "請以西元年填寫日期與時間，例如 2026-12-10 09:00（民國 115 年即 2026 年）。"
    assert html.count(refused) == 2
    assert not ConsultationPage.objects.exists()

    _form, response = _post(client, parent, "2026-12-10 09:00", "2027-01-10 17:00")
    assert response.status_code == 302, response.content.decode()[:3000]
    page = ConsultationPage.objects.get()
    assert (page.opens_at.year, page.closes_at.year, page.agency) == (2026, 2027, agency)
