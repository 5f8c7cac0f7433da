"""我的參與: a citizen finds what they wrote and supported, in every state, and only theirs."""

import pytest
from django.urls import reverse

from minyi.agencies.roles import Role
from minyi.agencies.services import user_role_add
from participation.services import (
    comment_create,
    petition_create,
    petition_endorse,
    petition_moderation_approve,
    statement_create,
)

pytestmark = pytest.mark.django_db


def test_my_participation_lists_my_comments_statements_petitions_and_endorsements(
    client, make_consultation, make_user
):
    page = make_consultation()
    me, other = make_user(display_name="我自己"), make_user(display_name="別人")
    comment_create(consultation=page, user=me, body="候車亭請加裝遮雨棚。", stance="suggest")
    comment_create(consultation=page, user=other, body="別人的留言不該出現。", stance="support")
    statement_create(consultation=page, user=me, text="偏鄉應優先改善候車亭。")
    moderator = make_user(display_name="審查的人")
    user_role_add(user=moderator, role=Role.MODERATOR)
    proposed = petition_create(user=me, title="我提出的點子標題", body="內容。", agency=page.agency)
    endorsed = petition_create(
        user=other, title="我附議的點子標題", body="內容。", agency=page.agency
    )
    petition_moderation_approve(petition=endorsed, moderator=moderator)
    petition_endorse(petition=endorsed, user=me)

    url = reverse("participation:my_contributions")
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(me)
    html = client.get(url).content.decode()
    assert "候車亭請加裝遮雨棚。" in html and "別人的留言不該出現。" not in html
    assert "偏鄉應優先改善候車亭。" in html
    assert proposed.title in html and "待審核" in html  # a pending proposal, its state said
    assert endorsed.title in html
    assert reverse("participation:comment_link", args=[page.comments.get(author=me).pk]) in html
    # The account page leads there.
    assert url in client.get(reverse("accounts:profile")).content.decode()
