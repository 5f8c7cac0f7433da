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


def test_a_comment_screening_did_not_publish_says_which_rule_and_its_stance(
    client, make_consultation, make_user, home_page
):
    """It had shown only 「已拒絕」: nothing said why, nor where the rule is written."""
    from moderation.rules import RULES
    from moderation.selectors import house_rules_url
    from moderation.services import house_rules_page_ensure
    from participation.models import Comment, CommentState

    house_rules_page_ensure(parent=home_page)
    assert house_rules_url()
    page = make_consultation()
    me = make_user()
    comment_create(
        consultation=page,
        user=me,
        body="賺錢 https://www.lucky-slots.example/join 快來",
        stance="support",
    )
    comment_create(consultation=page, user=me, body="候車亭請加裝遮雨棚。", stance="suggest")
    assert Comment.objects.filter(author=me, state=CommentState.REJECTED).count() == 1
    client.force_login(me)
    html = client.get(reverse("participation:my_contributions")).content.decode()
    assert "依留言規範未公開，涉及：" in html
    assert f'<a href="{house_rules_url()}">{RULES["spam-domain"].title_zh}</a>' in html
    assert "其他建議" in html and "支持" in html  # each comment's stance
    assert html.count("依留言規範未公開") == 1  # the published one says nothing of the kind
