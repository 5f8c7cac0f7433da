"""Statements and votes: validation in Chinese, exact tallies, one vote per participant."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from participation.models import ConsultationStatus, Statement, Vote
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
    assert not Vote.objects.exists()


def test_invalid_vote_value(make_consultation, make_user):
    page = make_consultation()
    statement = statement_create(consultation=page, user=make_user(), text="支持")
    with pytest.raises(ValidationError) as error:
        statement_vote_cast(statement=statement, user=make_user(), value=7)
    assert error.value.messages == ["投票只能是同意、不同意或略過。"]
    assert not Vote.objects.exists()


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
        "agree": 1,
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
