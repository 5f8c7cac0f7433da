"""A valid national ID number written by a citizen never appears anywhere the public can see.

Walks every page, feed, export and API response that shows citizen text, plus the author's own
data export and the moderator's desk, after posting a comment, a reply, a statement and a
petition that each contain the same (valid) ID number.
"""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from minyi.agencies.roles import Role
from minyi.agencies.services import user_role_add
from moderation.templatetags.moderation_tags import report_url
from participation.models import Comment, Petition, Statement
from participation.services import (
    comment_create,
    petition_create,
    petition_moderation_approve,
    statement_create,
)

pytestmark = pytest.mark.django_db

NATIONAL_ID = "A123456789"  # passes the check digit
MASKED = "A12****789"


@pytest.fixture
def posted(make_consultation, make_user):
    page = make_consultation()
    author = make_user(display_name="提供身分證的人")
    comment = comment_create(
        consultation=page,
        user=author,
        body=f"我的身分證字號是 {NATIONAL_ID}，請幫我查詢補助。",
        stance="suggest",
        section=page.sections.first(),
    )
    reply = comment_create(
        consultation=page, user=author, body=f"補充：{NATIONAL_ID}", parent=comment
    )
    statement = statement_create(
        consultation=page, user=author, text=f"請用 {NATIONAL_ID} 幫我登記"
    )
    moderator = make_user()
    user_role_add(user=moderator, role=Role.MODERATOR)
    petition = petition_create(
        user=author,
        title="增設公共托育中心",
        body=f"聯絡我：{NATIONAL_ID}。希望每區都有公共托育。",
        agency=page.agency,
    )
    petition_moderation_approve(petition=petition, moderator=moderator)
    return {
        "page": page,
        "author": author,
        "moderator": moderator,
        "comment": comment,
        "reply": reply,
        "statement": statement,
        "petition": petition,
    }


def test_stored_texts_are_masked(posted):
    for model in (Comment, Statement):
        for text in model.objects.values_list("body" if model is Comment else "text", flat=True):
            assert NATIONAL_ID not in text
            assert MASKED in text
    assert NATIONAL_ID not in Petition.objects.get().body


def test_every_public_view_feed_and_api_response(client, posted):
    page, petition = posted["page"], posted["petition"]
    urls = [
        "/",
        page.url,
        page.get_parent().url,
        f"/api/v1/consultations/{page.pk}",
        f"/api/v1/consultations/{page.pk}/comments",
        f"/api/v1/consultations/{page.pk}/statements",
        reverse("participation:state", args=[page.pk]),
        reverse("participation:petition_detail", args=[petition.pk]),
        reverse("consultation_feed_rss"),
        reverse("consultation_feed_atom"),
        reverse("consultation_ical", args=[page.pk]),
    ]
    for viewer in (None, posted["author"], posted["moderator"]):
        if viewer is None:
            client.logout()
        else:
            client.force_login(viewer)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert NATIONAL_ID not in body, url
        assert MASKED in client.get(page.url).content.decode()


def test_exports_and_the_moderators_desk(client, posted):
    page = posted["page"]
    client.force_login(posted["author"])
    export = client.get(reverse("accounts:data_export"))
    content = (b"".join(export.streaming_content) if export.streaming else export.content).decode()
    assert MASKED in content
    assert NATIONAL_ID not in content

    out = io.StringIO()
    call_command("export_tallies", page.slug, stdout=out)
    assert NATIONAL_ID not in out.getvalue()

    client.force_login(posted["moderator"])
    for name in ("queue", "audit_log", "metrics"):
        response = client.get(reverse(f"moderation_admin:{name}"))
        assert response.status_code == 200
        assert NATIONAL_ID not in response.content.decode()
    report_form = client.get(report_url(posted["comment"]))
    assert NATIONAL_ID not in report_form.content.decode()
