"""Topics, attachments, the tallies download and petitions in the API."""

import csv
import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model

from participation.models import ConsultationAttachment, ConsultationIndexPage
from participation.services import (
    petition_create,
    petition_moderation_approve,
    statement_create,
    statement_vote_cast,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def index_page(home_page):
    index = ConsultationIndexPage(title="公共政策諮詢", slug="consultations")
    home_page.add_child(instance=index)
    return index


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_topics_filter_the_index_page_and_the_api(client, index_page, make_consultation):
    taxi = make_consultation(slug="taxi")
    taxi.topics.add("交通", "數位")
    publish(taxi)
    care = make_consultation(slug="care", agency_code="MOHW")
    care.topics.add("長照")
    publish(care)

    html = client.get(index_page.url + "?topic=交通").content.decode()
    assert taxi.title in html and "#交通 (1)" in html
    assert (
        client.get(index_page.url + "?topic=長照").content.decode().count('class="card-title"') == 1
    )

    page_html = client.get(taxi.url).content.decode()
    assert f'href="{index_page.url}?topic=%E4%BA%A4%E9%80%9A"' in page_html

    listed = client.get("/api/v1/consultations", {"topic": "交通"}).json()
    assert [item["slug"] for item in listed["items"]] == ["taxi"]
    assert listed["items"][0]["topics"] == ["交通", "數位"]
    assert client.get("/api/v1/consultations", {"topic": "不存在"}).json()["count"] == 0


def test_attachments_are_listed_with_type_and_size(client, make_consultation):
    page = make_consultation()
    document = get_document_model()(title="草案全文")
    document.file.save("draft.pdf", ContentFile(b"%PDF-1.4 draft"), save=True)
    page.attachments.add(ConsultationAttachment(document=document))
    publish(page)
    html = client.get(page.url).content.decode()
    assert "草案全文" in html
    assert "(PDF" in html  # the size too, once Wagtail's upload form has measured it


def test_tallies_download_matches_the_command(client, make_consultation, make_user):
    page = make_consultation()
    statement = statement_create(consultation=page, user=make_user(), text="應該開放多元計程車")
    for value in (1, 1, -1, 0):
        statement_vote_cast(statement=statement, user=make_user(), value=value)
    response = client.get(reverse("participation:tallies_csv", args=[page.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows == [
        ["statement_id", "external_id", "agrees", "disagrees", "passes"],
        [str(statement.pk), "", "3", "1", "1"],  # its author agrees too
    ]
    assert (
        reverse("participation:tallies_csv", args=[page.pk])
        in client.get(page.url).content.decode()
    )


def test_petitions_in_the_api(client, make_agency, make_user):
    from minyi.agencies.roles import Role
    from minyi.agencies.services import user_role_add

    agency = make_agency("MOHW", "衛生福利部")
    moderator = make_user()
    user_role_add(user=moderator, role=Role.MODERATOR)
    shown = petition_create(
        user=make_user(), title="增設公共托育", body="每區都要有。", agency=agency
    )
    petition_moderation_approve(petition=shown, moderator=moderator)
    petition_create(user=make_user(), title="尚未審核", body="內容", agency=agency)

    listed = client.get("/api/v1/petitions").json()
    assert [item["title"] for item in listed["items"]] == ["增設公共托育"]
    item = listed["items"][0]
    assert item["state"] == "open" and item["agency"]["code"] == "MOHW"
    assert client.get("/api/v1/petitions", {"state": "responded"}).json()["count"] == 0
    assert client.get("/api/v1/petitions", {"state": "nonsense"}).json()["count"] == 0
    assert client.get(f"/api/v1/petitions/{shown.pk}").json()["endorsements"] == 0
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/petitions" in schema["paths"]
