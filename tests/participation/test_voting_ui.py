"""One-card voting, the statements page and the all-comments page's sort and permalinks."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from participation.models import Comment, Statement
from participation.services import statement_vote_cast

pytestmark = pytest.mark.django_db


def _statements(page, n: int) -> list[Statement]:
    now = timezone.now()
    return [
        Statement.objects.create(
            consultation=page, text=f"意見陳述{i:03d}", created_at=now - timedelta(minutes=n - i)
        )
        for i in range(n)
    ]


def _card(body: str) -> str:
    return body.split('id="vote"')[1].split("</div>")[0]


def test_the_card_says_how_many_are_left_and_json_votes_answer_with_the_next_card(
    client, make_consultation, make_user
):
    page = make_consultation()
    statements = _statements(page, 3)
    voter = make_user()
    client.force_login(voter)
    body = client.get(page.url).content.decode()
    assert "還有 3 則尚未表態（共 3 則）" in _card(body)
    first = int(body.split('id="vote" data-statement-id="')[1].split('"')[0])
    assert first == statements[0].pk  # fewest votes, then oldest
    answer = client.post(
        reverse("participation:vote_post", args=[first]),
        {"value": "1", "card": "1"},
        HTTP_ACCEPT="application/json",
    ).json()
    assert answer["ok"] and answer["tally"]["agree"] == 1
    assert "您的投票已記錄" in answer["card"] and "還有 2 則尚未表態" in answer["card"]
    assert f'data-statement-id="{first}"' not in answer["card"]
    for statement in statements[1:]:
        statement_vote_cast(statement=statement, user=voter, value=0)
    done = client.get(page.url).content.decode()
    assert "您已對所有意見陳述表態" in _card(done) and "vote-form" not in _card(done)


def test_a_plain_form_vote_lands_on_the_card_with_its_confirmation(
    client, make_consultation, make_user
):
    page = make_consultation()
    first, _second = _statements(page, 2)
    client.force_login(make_user())
    response = client.post(reverse("participation:vote_post", args=[first.pk]), {"value": "-1"})
    assert response.status_code == 302 and response["Location"].endswith("#vote")
    body = client.get(response["Location"]).content.decode()
    assert "您的投票已記錄" in _card(body)
    messages = body.split('class="messages"')[1].split("</div>")[0]
    assert "您的投票已記錄" not in messages  # not at the top, out of sight


def test_the_consultation_page_shows_a_few_statements_and_links_to_all(client, make_consultation):
    page = make_consultation()
    _statements(page, 12)
    body = client.get(page.url).content.decode()
    listed = body.split('class="statement-list"')[1].split("</ul>")[0]
    assert listed.count("<li") == 5
    assert reverse("participation:statements", args=[page.pk]) in body
    assert "全部 12 則意見陳述" in body


def test_statements_page_sorts_filters_and_changes_votes(client, make_consultation, make_user):
    page = make_consultation()
    statements = _statements(page, 25)
    url = reverse("participation:statements", args=[page.pk])
    voters = [make_user() for _ in range(4)]
    divisive, agreed = statements[3], statements[7]
    for n, voter in enumerate(voters):
        statement_vote_cast(statement=divisive, user=voter, value=1 if n % 2 else -1)
        statement_vote_cast(statement=agreed, user=voter, value=1)
    body = client.get(url).content.decode()
    assert "共 25 則" in body and "1 / 2" in body
    assert body.index("意見陳述024") < body.index("意見陳述023")  # newest first
    first = client.get(url, {"sort": "divisive"}).content.decode()
    assert first.index(divisive.text) < first.index(agreed.text)
    first = client.get(url, {"sort": "consensus"}).content.decode()
    assert first.index(agreed.text) < first.index(divisive.text)
    first = client.get(url, {"sort": "votes"}).content.decode()
    listed = first.split('class="statement-list"')[1]
    assert listed.index(agreed.text) < listed.index(divisive.text) < listed.index("意見陳述024")

    me = voters[0]
    client.force_login(me)
    mine = client.get(url, {"show": "mine"}).content.decode()
    assert "您的表態：不同意" in mine and "您的表態：同意" in mine and "共 2 則" in mine
    unvoted = client.get(url, {"show": "unvoted"}).content.decode()
    assert "共 23 則" in unvoted and divisive.text not in unvoted
    # Changing a vote from the list comes back to the statement on the same list.
    back = f"{url}?sort=newest&show=mine"
    response = client.post(
        reverse("participation:vote_post", args=[divisive.pk]), {"value": "1", "next": back}
    )
    assert response["Location"] == f"{back}#statement-{divisive.pk}"
    divisive.refresh_from_db()
    assert (divisive.agree_count, divisive.disagree_count) == (3, 1)
    # Another site is never a destination.
    response = client.post(
        reverse("participation:vote_post", args=[agreed.pk]),
        {"value": "0", "next": "https://evil.example/"},
    )
    assert response["Location"].endswith("#vote")


def test_anonymous_readers_get_every_statement_without_filters(client, make_consultation):
    page = make_consultation()
    _statements(page, 3)
    url = reverse("participation:statements", args=[page.pk])
    body = client.get(url, {"show": "mine", "sort": "nonsense"}).content.decode()
    assert "共 3 則" in body and "vote-form" not in body and "尚未表態" not in body
    assert "後留言與投票" in body  # invited to log in


def test_all_comments_sort_and_permalinks(client, make_consultation, make_user):
    page = make_consultation(sections=0)
    author = make_user()
    now = timezone.now()
    comments = [
        Comment.objects.create(
            consultation=page,
            author=author,
            body=f"留言{i:02d}",
            stance="support",
            created_at=now - timedelta(minutes=50 - i),
        )
        for i in range(45)
    ]
    url = reverse("participation:section_comments", args=[page.pk])
    oldest = client.get(url).content.decode()
    assert "留言00" in oldest and "留言44" not in oldest
    newest = client.get(url, {"sort": "newest"}).content.decode()
    assert newest.index("留言44") < newest.index("留言43") and "留言00" not in newest
    # A permalink opens the page that holds the comment.
    target = comments[30]
    linked = client.get(url, {"section": "general", "comment": target.pk}).content.decode()
    assert f'id="comment-{target.pk}"' in linked and "2 / 3" in linked
    assert f"comment={target.pk}#comment-{target.pk}" in linked
    # The consultation page links its comments there.
    body = client.get(page.url).content.decode()
    assert f"?section=general&amp;comment={comments[44].pk}#comment-{comments[44].pk}" in body


def test_proposing_a_statement_or_petition_with_a_phone_number_says_it_was_masked(
    client, make_consultation, make_user
):
    """Only comments had said so; statements and proposals were masked silently."""
    page = make_consultation()
    client.force_login(make_user())
    response = client.post(
        reverse("participation:statement_post", args=[page.pk]),
        {"text": "有問題請打 0912-345-678 給我，公車應該加開班次。"},
        follow=True,
    )
    assert "您的意見陳述已新增；部分個人資料已遮蔽" in response.content.decode()
    response = client.post(
        reverse("participation:petition_new"),
        {
            "title": "加開深夜公車",
            "body": "聯絡我 0912-345-678。請加開深夜公車。",
            "agency": "MOTC",
        },
        follow=True,
    )
    assert "您的提議中有部分個人資料已遮蔽" in response.content.decode()
