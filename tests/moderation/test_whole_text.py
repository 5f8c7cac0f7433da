"""A moderator reads the whole of a long item: what is past the queue's cut is decided on too."""

import pytest
from django.urls import reverse

from minyi.agencies.roles import Role
from minyi.agencies.services import user_role_add
from moderation.services import report_create
from participation.services import comment_create

pytestmark = pytest.mark.django_db


def test_a_long_reported_comment_is_whole_in_the_queue_and_the_items_page(
    client, make_consultation, make_user
):
    page = make_consultation()
    tail = "最後這一句在四百字之後才出現。"
    body = "我支持這項草案的方向，但執行細節需要再討論。" * 30 + tail
    assert len(body) > 600
    comment = comment_create(consultation=page, user=make_user(), body=body, stance="support")
    report_create(reporter=make_user(), instance=comment, rule="abuse", note="")
    moderator = make_user()
    user_role_add(user=moderator, role=Role.MODERATOR)
    client.force_login(moderator)

    for url in (
        reverse("moderation_admin:queue"),
        reverse("moderation_admin:items") + f"?kind=participation.comment&id={comment.pk}",
    ):
        html = client.get(url).content.decode()
        assert f"顯示全文（共 {len(body)} 字）" in html, url
        assert tail in html, url


def test_a_short_comment_has_no_whole_text_control(client, make_consultation, make_user):
    comment = comment_create(
        consultation=make_consultation(), user=make_user(), body="短短的意見。", stance="oppose"
    )
    report_create(reporter=make_user(), instance=comment, rule="abuse", note="")
    moderator = make_user()
    user_role_add(user=moderator, role=Role.MODERATOR)
    client.force_login(moderator)
    html = client.get(reverse("moderation_admin:queue")).content.decode()
    assert "短短的意見。" in html
    assert "顯示全文" not in html
