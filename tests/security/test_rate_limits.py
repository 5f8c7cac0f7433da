"""Rate limits (issue 9, item 6): past a limit the answer is HTTP 429 with Retry-After and a
Traditional Chinese message (the page 429.html for browsers, {"detail": ...} for the API and
fetch requests), and nothing is stored. Real database and cache (the local-memory cache, cleared
before every test by tests/conftest.py).

The per-user limits use fixed windows on the cache: the clock of ``minyi.ratelimit`` is pinned
to the start of a day, so that no window ends in the middle of a test.
"""

import time
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

import minyi.ratelimit
from minyi.accounts.models import User
from minyi.ratelimit import RateLimited
from moderation.models import Report
from participation.models import (
    Comment,
    Petition,
    PetitionEndorsement,
    Statement,
    Vote,
)
from participation.services import (
    comment_create,
    petition_create,
    petition_moderation_approve,
    statement_create,
    statement_vote_cast,
)

pytestmark = pytest.mark.django_db

POSTING_TOO_QUICKLY = "您發文的速度太快了，請稍候再試。"
VOTING_TOO_QUICKLY = "您投票的速度太快了，請稍候再試。"
TOO_MANY_REPORTS = "您近期檢舉次數過多，請稍後再試。"
TOO_MANY_LOGIN_FAILURES = "登入嘗試失敗次數過多，請稍後再試。"
TOO_MANY_REQUESTS = "您在短時間內送出太多次請求，請稍候再試。"
PASSWORD = "correct-horse-battery-42"  # make_user's default


@pytest.fixture(autouse=True)
def _pinned_clock(monkeypatch):
    start_of_day = (int(time.time()) // 86400) * 86400 + 1
    monkeypatch.setattr(minyi.ratelimit, "time", SimpleNamespace(time=lambda: start_of_day))


def _assert_429_page(response, text: str) -> str:
    assert response.status_code == 429, response.status_code
    assert response["Content-Type"].startswith("text/html")
    assert 0 < int(response["Retry-After"]) <= 86400
    html = response.content.decode()
    assert text in html
    assert "<h1>" in html and 'lang="zh-Hant-TW"' in html  # the site's layout, in Chinese
    return html


def _assert_429_json(response, text: str) -> None:
    assert response.status_code == 429, response.status_code
    assert 0 < int(response["Retry-After"]) <= 86400
    assert response.json()["detail"] == text


def test_rate_limited_is_not_a_validation_error():
    """A view's ``except ValidationError`` (a 400 form error) never swallows it: it reaches
    RateLimitMiddleware or the API's handler, which answer 429."""
    error = RateLimited("太快了", retry_after=42)
    assert not isinstance(error, ValidationError)
    assert error.messages == ["太快了"] and error.retry_after == 42


# --- Accounts (allauth) -----------------------------------------------------------------------


def test_signup_is_limited_per_address(client, settings):
    url = reverse("account_signup")
    limit = int(settings.ACCOUNT_RATE_LIMITS["signup"].split("/")[0])
    for _ in range(limit):
        assert client.post(url, {"email": "not-an-address"}).status_code == 200
    response = client.post(
        url,
        {
            "email": "late@example.org",
            "display_name": "遲來的人",
            "password1": "a-Long-enough-passw0rd",
            "password2": "a-Long-enough-passw0rd",
        },
    )
    _assert_429_page(response, TOO_MANY_REQUESTS)
    assert not User.objects.exists()
    assert not mail.outbox


def test_failed_logins_lock_the_account_even_for_the_right_password(client, make_user):
    user = make_user(email="target@example.org")
    url = reverse("account_login")
    for _ in range(5):  # ACCOUNT_RATE_LIMITS["login_failed"]: 5 per 300 s per account
        response = client.post(url, {"login": "target@example.org", "password": "wrong-password"})
        assert response.status_code == 200
    response = client.post(url, {"login": "target@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert response["Retry-After"] == "300"
    assert TOO_MANY_LOGIN_FAILURES in response.content.decode()
    assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert user.last_login is None
    # Another account from the same address is not locked by it.
    make_user(email="other@example.org")
    response = client.post(url, {"login": "other@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


# --- Participation ----------------------------------------------------------------------------


def test_comments_past_the_limit_get_429(client, make_consultation, make_user):
    page = make_consultation()
    client.force_login(make_user())
    url = reverse("participation:comment_post", args=[page.pk])
    for n in range(5):
        response = client.post(url, {"body": f"第 {n} 則意見", "stance": "support"})
        assert response.status_code == 302
    _assert_429_page(client.post(url, {"body": "太快了", "stance": "support"}), POSTING_TOO_QUICKLY)
    assert int(client.post(url, {"body": "又一則", "stance": "oppose"})["Retry-After"]) <= 60
    # fetch() asking for JSON, and the API, get {"detail": ...}
    response = client.post(
        url, {"body": "再一則", "stance": "oppose"}, HTTP_ACCEPT="application/json"
    )
    _assert_429_json(response, POSTING_TOO_QUICKLY)
    response = client.post(
        f"/api/v1/consultations/{page.pk}/comments",
        {"body": "經由 API", "stance": "support"},
        content_type="application/json",
    )
    _assert_429_json(response, POSTING_TOO_QUICKLY)
    assert Comment.objects.count() == 5


def test_other_refusals_are_still_ordinary_form_errors(client, make_consultation, make_user):
    page = make_consultation()
    client.force_login(make_user())
    url = reverse("participation:comment_post", args=[page.pk])
    response = client.post(url, {"body": ""}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert not response.has_header("Retry-After")


def test_statements_past_the_limit_get_429(client, make_consultation, make_user):
    page = make_consultation()
    client.force_login(make_user())
    url = reverse("participation:statement_post", args=[page.pk])
    for n in range(3):
        assert client.post(url, {"text": f"公車應該增班 {n}"}).status_code == 302
    _assert_429_page(client.post(url, {"text": "再加一則"}), POSTING_TOO_QUICKLY)
    assert Statement.objects.count() == 3


def test_petitions_past_the_limit_get_429(client, make_agency, make_user):
    agency = make_agency("MOTC")
    client.force_login(make_user())
    url = reverse("participation:petition_new")
    for n in range(2):
        response = client.post(url, {"title": f"點子 {n}", "body": "內容", "agency": agency.code})
        assert response.status_code == 302
    response = client.post(url, {"title": "第三個點子", "body": "內容", "agency": agency.code})
    _assert_429_page(response, POSTING_TOO_QUICKLY)
    assert Petition.objects.count() == 2


def test_endorsements_past_the_limit_get_429(client, make_agency, make_user, settings):
    from minyi.agencies.roles import Role
    from minyi.agencies.services import user_role_add

    agency = make_agency("MOTC")
    moderator = make_user()
    user_role_add(user=moderator, role=Role.MODERATOR)
    petitions = []
    for n in range(11):
        petition = petition_create(user=make_user(), title=f"點子 {n}", body="內容", agency=agency)
        petitions.append(petition_moderation_approve(petition=petition, moderator=moderator))
    citizen = make_user()
    client.force_login(citizen)
    for petition in petitions[:10]:
        response = client.post(reverse("participation:petition_endorse", args=[petition.pk]))
        assert response.status_code == 302
    url = reverse("participation:petition_endorse", args=[petitions[10].pk])
    _assert_429_page(client.post(url), POSTING_TOO_QUICKLY)
    _assert_429_json(client.post(url, HTTP_ACCEPT="application/json"), POSTING_TOO_QUICKLY)
    assert PetitionEndorsement.objects.filter(user=citizen).count() == 10
    petitions[10].refresh_from_db()
    assert petitions[10].endorsement_count == 0


def test_votes_have_a_generous_configurable_limit(settings):
    assert settings.MINYI_RATE_LIMITS["vote"] == {"per_minute": 120, "per_hour": 2000}


def test_votes_past_the_limit_get_429(client, make_consultation, make_user, settings):
    settings.MINYI_RATE_LIMITS = {
        **settings.MINYI_RATE_LIMITS,
        "vote": {"per_minute": 3, "per_hour": 100},
    }
    page = make_consultation()
    author = make_user()
    statements = [
        statement_create(consultation=page, user=author, text=f"意見 {n}") for n in range(2)
    ]
    voter = make_user()
    client.force_login(voter)
    url = reverse("participation:vote_post", args=[statements[0].pk])
    for value in (1, -1, 0):  # changing one's vote counts too
        assert client.post(url, {"value": value}).status_code == 302
    other = reverse("participation:vote_post", args=[statements[1].pk])
    _assert_429_page(client.post(other, {"value": 1}), VOTING_TOO_QUICKLY)
    response = client.post(
        f"/api/v1/statements/{statements[1].pk}/vote", {"value": 1}, content_type="application/json"
    )
    _assert_429_json(response, VOTING_TOO_QUICKLY)
    with pytest.raises(RateLimited):
        statement_vote_cast(statement=statements[1], user=voter, value=1)
    assert list(
        Vote.objects.filter(participant__user=voter).values_list("statement_id", "value")
    ) == [(statements[0].pk, 0)]
    statements[1].refresh_from_db()  # its author's agreement only
    assert (statements[1].agree_count, statements[1].disagree_count) == (1, 0)
    # Someone else still votes.
    statement_vote_cast(statement=statements[1], user=make_user(), value=1)


# --- Moderation -------------------------------------------------------------------------------


def test_reports_past_the_limit_get_429(client, make_consultation, make_user):
    from django.contrib.contenttypes.models import ContentType

    page = make_consultation()
    comments = [
        comment_create(consultation=page, user=make_user(), body=f"意見 {n}", stance="support")
        for n in range(6)
    ]
    content_type = ContentType.objects.get_for_model(Comment)
    client.force_login(make_user())
    for comment in comments[:5]:
        url = reverse("moderation:report", args=[content_type.pk, comment.pk])
        assert client.post(url, {"rule": "abuse"}).status_code == 302
    url = reverse("moderation:report", args=[content_type.pk, comments[5].pk])
    _assert_429_page(client.post(url, {"rule": "abuse"}), TOO_MANY_REPORTS)
    assert Report.objects.count() == 5
