"""Statements and votes: validation in Chinese, exact tallies, one vote per participant."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from participation.models import ConsultationStatus, Statement, Vote, VoteValue
from participation.services import statement_create, statement_vote_cast

pytestmark = pytest.mark.django_db


def test_status_follows_dates(make_consultation):
    page = make_consultation()
    assert page.status == ConsultationStatus.OPEN
    assert page.status_at(page.opens_at - timedelta(seconds=1)) == ConsultationStatus.DRAFT
    assert page.status_at(page.closes_at) == ConsultationStatus.CLOSED


def test_later_vote_replaces_earlier(make_consultation, make_user):
    page = make_consultation()
    author, voter = make_user(), make_user()
    statement = statement_create(consultation=page, user=author, text="應該納管自用車載客")

    statement_vote_cast(statement=statement, user=voter, value=1)
    statement_vote_cast(statement=statement, user=voter, value=1)
    statement_vote_cast(statement=statement, user=voter, value=-1)
    statement_vote_cast(statement=statement, user=author, value=0)
    statement.refresh_from_db()
    assert (statement.agree_count, statement.disagree_count, statement.pass_count) == (0, 1, 1)
    assert Vote.objects.filter(statement=statement).count() == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "意見陳述不可空白。"),
        ("   ", "意見陳述不可空白。"),
        ("長" * 141, "意見陳述最多 140 個字，這則有 141 個字。"),
    ],
)
def test_bad_statement_is_refused_in_chinese(make_consultation, make_user, text, message):
    page = make_consultation()
    with pytest.raises(ValidationError) as error:
        statement_create(consultation=page, user=make_user(), text=text)
    assert error.value.messages == [message]
    assert not Statement.objects.exists()


def test_no_voting_on_closed_consultation(make_consultation, make_user):
    page = make_consultation(closes_in=timedelta(days=2))
    statement = statement_create(consultation=page, user=make_user(), text="支持")
    page.closes_at = page.opens_at + timedelta(seconds=1)
    page.save()
    statement.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        statement_vote_cast(statement=statement, user=make_user(), value=1)
    assert error.value.messages == ["這項諮詢目前未開放，無法再參與。"]
    assert list(Vote.objects.values_list("participant__user", flat=True)) == [
        statement.author.user_id  # the author's own agreement only
    ]


def test_invalid_vote_value(make_consultation, make_user):
    page = make_consultation()
    statement = statement_create(consultation=page, user=make_user(), text="支持")
    with pytest.raises(ValidationError) as error:
        statement_vote_cast(statement=statement, user=make_user(), value=7)
    assert error.value.messages == ["投票只能是同意、不同意或略過。"]
    assert Vote.objects.count() == 1  # the author's own agreement only


def test_the_author_of_a_statement_agrees_with_it_as_in_polis(make_consultation, make_user):
    """Whoever proposed a statement was then asked to vote on it before seeing where they
    stand (「再表態 1 則」 after voting on every other one)."""
    page = make_consultation()
    author = make_user()
    statement = statement_create(consultation=page, user=author, text="計程車應該納管")
    vote = Vote.objects.get(statement=statement)
    assert (vote.participant.user, vote.value) == (author, VoteValue.AGREE)
    assert (statement.agree_count, statement.disagree_count, statement.pass_count) == (1, 0, 0)
    held = statement_create(consultation=page, user=author, text="你這個白痴官員，去死吧")
    assert held.moderation_state == "held" and not Vote.objects.filter(statement=held).exists()


def test_vote_sends_live_tally(make_consultation, make_user, django_capture_on_commit_callbacks):
    from unittest import mock

    page = make_consultation()
    statement = statement_create(consultation=page, user=make_user(), text="支持")
    with mock.patch("participation.services.live_event_send") as send:
        statement_vote_cast(statement=statement, user=make_user(), value=1)
    stream, event = send.call_args.args
    assert stream == f"consultation.{page.pk}"
    assert event == {
        "kind": "tally",
        "statement": statement.pk,
        "agree": 2,  # the author's and this one
        "disagree": 0,
        "pass": 0,
    }


def test_consultation_page_renders_sections_and_statements(client, make_consultation, make_user):
    page = make_consultation()
    statement_create(consultation=page, user=make_user(), text="計程車也應該能用 App 叫車")
    response = client.get(page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "第1條" in html and "第2條" in html
    assert "計程車也應該能用 App 叫車" in html
    assert "徵詢中" in html


def test_no_empty_vote_card_before_the_first_statement(client, make_consultation, make_user):
    """A signed-in reader of a consultation without statements saw an empty outlined box."""
    page = make_consultation()
    client.force_login(make_user())
    html = client.get(page.url).content.decode()
    assert 'id="vote"' not in html and "目前還沒有意見陳述" in html
    statement_create(consultation=page, user=make_user(), text="應該設置更多自行車道")
    assert 'id="vote"' in client.get(page.url).content.decode()
