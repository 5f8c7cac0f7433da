"""/api/v1/: public reads without personal data, signed-in writes, OpenAPI schema."""

import pytest
from django.test import Client

from participation.services import comment_create, statement_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation_with_content(make_consultation, make_user):
    page = make_consultation()
    author = make_user(display_name="公開名稱", email="secret-person@example.org")
    author.first_name, author.last_name = "真名", "王"
    author.save()
    comment_create(
        consultation=page,
        user=author,
        body="支持第一條",
        stance="support",
        section=page.sections.first(),
    )
    statement = statement_create(consultation=page, user=author, text="應開放網路叫車")
    return page, statement


def test_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Minyi 民意 API"
    for path in (
        "/api/v1/consultations",
        "/api/v1/consultations/{pk}/comments",
        "/api/v1/statements/{pk}/vote",
    ):
        assert path in schema["paths"]


def test_reads_expose_no_personal_data(client, consultation_with_content):
    page, statement = consultation_with_content
    listing = client.get("/api/v1/consultations").json()
    assert listing["count"] == 1
    assert listing["items"][0]["agency"]["code"] == "MOTC"
    assert listing["items"][0]["status"] == "open"

    detail = client.get(f"/api/v1/consultations/{page.pk}").json()
    assert [s["number"] for s in detail["sections"]] == ["第1條", "第2條"]

    response = client.get(f"/api/v1/consultations/{page.pk}/comments")
    body = response.content.decode()
    assert response.json()["items"][0]["author"] == "公開名稱"
    for private in ("secret-person", "真名", "example.org"):
        assert private not in body

    statements = client.get(f"/api/v1/consultations/{page.pk}/statements").json()
    assert statements["items"] == [
        {
            "id": statement.pk,
            "external_id": "",
            "text": "應開放網路叫車",
            "agrees": 1,  # its author's
            "disagrees": 0,
            "passes": 0,
        }
    ]


def test_filters_and_pagination(client, make_consultation):
    for n in range(3):
        make_consultation(slug=f"c{n}", agency_code="MODA" if n else "MOTC")
    assert client.get("/api/v1/consultations?agency=moda").json()["count"] == 2
    assert client.get("/api/v1/consultations?status=closed").json()["count"] == 0
    page = client.get("/api/v1/consultations?page_size=2&page=2").json()
    assert page["count"] == 3 and len(page["items"]) == 1


def test_writes_need_sign_in_and_csrf(consultation_with_content, make_user):
    page, statement = consultation_with_content
    anonymous = Client(enforce_csrf_checks=True)
    url = f"/api/v1/statements/{statement.pk}/vote"
    assert anonymous.post(url, {"value": 1}, content_type="application/json").status_code in {
        401,
        403,
    }

    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(make_user())
    assert signed_in.post(url, {"value": 1}, content_type="application/json").status_code in {
        401,
        403,
    }
    signed_in.get(page.url)  # sets the CSRF cookie
    token = signed_in.cookies["csrftoken"].value
    response = signed_in.post(
        url, {"value": 1}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200
    assert response.json() == {"statement": statement.pk, "agrees": 2, "disagrees": 0, "passes": 0}


def test_comment_endpoint_masks_and_explains(client, consultation_with_content, make_user):
    page, _ = consultation_with_content
    client.force_login(make_user())
    url = f"/api/v1/consultations/{page.pk}/comments"
    response = client.post(
        url, {"body": "我的電話 0912-345-678", "stance": "suggest"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert "0912-345-678" not in response.json()["body"]
    assert response.json()["reasons"]

    response = client.post(url, {"body": " ", "stance": "suggest"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "留言不可空白。"}
