"""The API's vote through the ASGI application as production serves it: the lean way of
minyi.fast_paths (no page middleware) into the batched vote path (participation.voting)."""

import json

import pytest
from allauth.account.models import EmailAddress
from asgiref.sync import sync_to_async
from channels.testing import HttpCommunicator
from django.test import Client

from minyi.asgi import application
from minyi.fast_paths import _FAST_PREFIX, FAST_PATHS, FastPathMiddleware, is_fast_path
from minyi.ratelimit import RateLimited
from participation.models import Statement, Vote
from participation.voting import voter_admit

HOST = (b"host", b"127.0.0.1")


def _signed_in(user, page) -> tuple[bytes, bytes]:
    client = Client()
    client.force_login(user)
    client.get(page.url)  # the CSRF cookie
    session, token = client.cookies["sessionid"].value, client.cookies["csrftoken"].value
    return f"sessionid={session}; csrftoken={token}".encode(), token.encode()


@pytest.fixture
def voter(make_consultation, make_user):
    page = make_consultation()
    statements = [Statement.objects.create(consultation=page, text=f"陳述{n}") for n in range(2)]
    cookie, token = _signed_in(make_user(), page)
    unconfirmed_user = make_user(verified=False)
    unconfirmed = _signed_in(unconfirmed_user, page)
    return {
        "unconfirmed_user": unconfirmed_user,
        "page": page,
        "statements": statements,
        "cookie": cookie,
        "token": token,
        "unconfirmed": unconfirmed,
    }


async def post_vote(statement_id, body, *, cookie=b"", token=b""):
    headers = [HOST, (b"content-type", b"application/json"), (b"cookie", cookie)]
    if token:
        headers.append((b"x-csrftoken", token))
    communicator = HttpCommunicator(
        application,
        "POST",
        f"/api/v1/statements/{statement_id}/vote",
        body=json.dumps(body).encode(),
        headers=headers,
    )
    response = await communicator.get_response(timeout=10)
    response["headers"] = {k.decode().lower(): v.decode() for k, v in response["headers"]}
    return response


def test_only_the_vote_endpoint_takes_the_fast_path():
    def scope(method, path):
        return {"type": "http", "method": method, "path": path}

    assert all(pattern.pattern.startswith(_FAST_PREFIX) for _method, pattern in FAST_PATHS)
    assert is_fast_path(scope("POST", "/api/v1/statements/12/vote"))
    assert not is_fast_path(scope("GET", "/api/v1/statements/12/vote"))
    assert not is_fast_path(scope("POST", "/api/v1/statements/12/vote/extra"))
    assert not is_fast_path(scope("POST", "/api/v1/consultations/3/comments"))
    assert not is_fast_path({"type": "websocket", "path": "/api/v1/statements/1/vote"})
    assert FastPathMiddleware.async_capable and not FastPathMiddleware.sync_capable


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_votes_are_stored_with_sign_in_csrf_and_headers_checked(voter, settings):
    first, second = (s.pk for s in voter["statements"])
    cookie, token = voter["cookie"], voter["token"]

    anonymous = await post_vote(first, {"value": 1})
    assert anonymous["status"] in {401, 403}
    no_csrf = await post_vote(first, {"value": 1}, cookie=cookie)
    assert no_csrf["status"] == 403

    answers = [
        await post_vote(first, {"value": value}, cookie=cookie, token=token) for value in (1, -1)
    ]
    assert [a["status"] for a in answers] == [200, 200]
    assert json.loads(answers[-1]["body"]) == {
        "statement": first,
        "agrees": 0,
        "disagrees": 1,
        "passes": 0,
    }
    headers = answers[-1]["headers"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == settings.X_FRAME_OPTIONS
    assert "cookie" in headers.get("vary", "").lower()

    refused = await post_vote(second, {"value": 7}, cookie=cookie, token=token)
    assert refused["status"] == 400 and "同意" in json.loads(refused["body"])["detail"]
    missing = await post_vote(10**12, {"value": 1}, cookie=cookie, token=token)
    assert missing["status"] == 404

    # Voting needs a confirmed e-mail address (the identity policy's default for votes).
    unconfirmed_cookie, unconfirmed_token = voter["unconfirmed"]
    below = await post_vote(
        second, {"value": 1}, cookie=unconfirmed_cookie, token=unconfirmed_token
    )
    assert below["status"] == 400 and "電子郵件" in json.loads(below["body"])["detail"]
    # A refusal is not remembered: once the address is confirmed the next vote counts.
    await sync_to_async(EmailAddress.objects.filter(user=voter["unconfirmed_user"]).update)(
        verified=True
    )
    confirmed = await post_vote(
        second, {"value": 1}, cookie=unconfirmed_cookie, token=unconfirmed_token
    )
    assert confirmed["status"] == 200

    settings.MINYI_RATE_LIMITS = {"vote": {"per_minute": 3}}
    limited = await post_vote(second, {"value": 1}, cookie=cookie, token=token)
    assert limited["status"] == 429 and int(limited["headers"]["retry-after"]) > 0

    def stored():
        return list(Vote.objects.order_by("statement_id").values_list("statement_id", "value"))

    assert await sync_to_async(stored)() == [(first, -1), (second, 1)]


@pytest.mark.django_db
def test_the_voting_level_is_remembered_a_while_and_the_limit_counted_every_time(
    make_user, django_assert_num_queries, settings
):
    user = make_user()
    with django_assert_num_queries(1):  # the confirmed e-mail address
        voter_admit(user)
    with django_assert_num_queries(0):
        voter_admit(user)
    settings.MINYI_RATE_LIMITS = {"vote": {"per_minute": 2}}
    with pytest.raises(RateLimited):
        voter_admit(user)
