"""A long comment is folded on the public pages (one click opens it); the one a permalink
opens is whole, and a junk ?comment= is ignored, not an error."""

import pytest
from django.urls import reverse

from participation.services import comment_create

pytestmark = pytest.mark.django_db

TAIL = "最後這一句在兩百四十字之後才出現。"
LONG = "我支持這項草案的方向，但執行細節需要再討論。" * 12 + TAIL


def _comment(page, user, body, section=None):
    return comment_create(
        consultation=page, user=user, body=body, stance="support", section=section
    )


def test_a_long_comment_is_folded_and_a_short_one_is_not(client, make_consultation, make_user):
    page = make_consultation()
    _comment(page, make_user(), LONG)
    _comment(page, make_user(), "短短的意見。")
    html = client.get(page.url).content.decode()
    assert f"顯示全文（共 {len(LONG)} 字）" in html
    assert html.count("顯示全文") == 1  # the short one has no control
    assert TAIL in html  # inside the fold: still on the page, found by find-in-page
    assert "短短的意見。" in html


def test_the_permalinked_comment_is_whole_and_the_others_folded(
    client, make_consultation, make_user
):
    page = make_consultation()
    linked = _comment(page, make_user(), LONG)
    other = _comment(page, make_user(), LONG.replace(TAIL, "另一則長意見的結尾。"))
    url = reverse("participation:section_comments", args=[page.pk])
    html = client.get(url, {"section": "general", "comment": linked.pk}).content.decode()
    start = html.index(f'id="comment-{linked.pk}"')
    linked_html = html[start : html.index(f'id="comment-{other.pk}"')]
    assert TAIL in linked_html and "顯示全文" not in linked_html
    assert html.count("顯示全文") == 1  # the other one only


@pytest.mark.parametrize("junk", ["²", "9" * 5000, "abc", "-1"])
def test_a_junk_comment_parameter_is_ignored(client, make_consultation, make_user, junk):
    page = make_consultation()
    _comment(page, make_user(), LONG)
    url = reverse("participation:section_comments", args=[page.pk])
    response = client.get(url, {"section": "general", "comment": junk})
    assert response.status_code == 200
    assert "顯示全文" in response.content.decode()
