"""Votes in batches (participation.services.votes_cast_batch) and over the vote WebSocket."""

from collections import Counter
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from minyi.asgi import application
from participation.models import ModerationState, Participant, Statement, Vote
from participation.services import VoteRequest, votes_cast_batch

ORIGIN = (b"origin", b"http://127.0.0.1")


def recount(statement: Statement) -> dict[str, int]:
    values = Counter(Vote.objects.filter(statement=statement).values_list("value", flat=True))
    return {"agree": values[1], "disagree": values[-1], "pass": values[0]}


def tallies(statement: Statement) -> dict[str, int]:
    statement.refresh_from_db()
    return {
        "agree": statement.agree_count,
        "disagree": statement.disagree_count,
        "pass": statement.pass_count,
    }


@pytest.mark.django_db
def test_batch_applies_the_last_vote_and_refuses_what_the_rules_refuse(
    make_consultation, make_user, django_capture_on_commit_callbacks
):
    page = make_consultation()
    other = make_consultation(
        slug="closed", opens_in=-timedelta(days=10), closes_in=-timedelta(days=1)
    )
    first, second = (Statement.objects.create(consultation=page, text=f"陳述{n}") for n in (1, 2))
    removed = Statement.objects.create(
        consultation=page, text="移除的陳述", moderation_state=ModerationState.REJECTED
    )
    closed = Statement.objects.create(consultation=other, text="已結束")
    people = [Participant.objects.create(consultation=page, user=make_user()) for _ in range(3)]
    latecomer = Participant.objects.create(consultation=other, user=make_user())

    def vote(statement, participant, value):
        return VoteRequest(
            statement_id=statement.pk,
            participant_id=participant.pk,
            consultation_id=statement.consultation_id,
            value=value,
        )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        errors = votes_cast_batch(
            votes=[
                vote(first, people[0], 1),
                vote(first, people[1], -1),
                vote(first, people[0], -1),  # changes their mind in the same batch: this wins
                vote(second, people[2], 0),
                vote(removed, people[0], 1),
                vote(closed, latecomer, 1),
                vote(second, people[1], 7),
            ]
        ).errors
    assert errors[:4] == [None] * 4
    assert all(errors[4:]) and len(set(errors[4:])) == 3
    assert tallies(first) == recount(first) == {"agree": 0, "disagree": 2, "pass": 0}
    assert tallies(second) == recount(second) == {"agree": 0, "disagree": 0, "pass": 1}
    assert tallies(removed) == {"agree": 0, "disagree": 0, "pass": 0}
    assert not Vote.objects.filter(statement__in=[removed, closed]).exists()
    assert len(callbacks) == 1  # one live event with the tallies of both statements

    # A later batch changes existing votes: tallies move by the difference.
    votes_cast_batch(votes=[vote(first, people[1], 1), vote(second, people[2], 0)])
    assert tallies(first) == recount(first) == {"agree": 1, "disagree": 1, "pass": 0}
    assert tallies(second) == recount(second) == {"agree": 0, "disagree": 0, "pass": 1}
    assert Vote.objects.count() == 3


@pytest.fixture
def voter(make_consultation, make_user):
    page = make_consultation()
    statements = [Statement.objects.create(consultation=page, text=f"陳述{n}") for n in range(3)]
    user = make_user()
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    return {"page": page, "statements": statements, "user": user, "cookie": cookie}


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_votes_over_the_socket_are_stored_in_order_and_answered(voter):
    statements = voter["statements"]
    communicator = WebsocketCommunicator(
        application, "/ws/participate/votes/", headers=[ORIGIN, (b"cookie", voter["cookie"])]
    )
    connected, _ = await communicator.connect()
    assert connected
    sequence = [(0, 1), (1, -1), (0, 0), (2, 1), (0, -1)]
    for ref, (index, value) in enumerate(sequence):
        await communicator.send_json_to(
            {"ref": ref, "statement": statements[index].pk, "value": value}
        )
    answers = [await communicator.receive_json_from(timeout=5) for _ in sequence]
    assert answers == [{"type": "vote", "ref": n, "ok": True} for n in range(len(sequence))]

    await communicator.send_json_to({"ref": "x", "statement": statements[0].pk, "value": "很多"})
    refused = await communicator.receive_json_from(timeout=5)
    assert refused["ok"] is False and refused["ref"] == "x" and "同意" in refused["error"]
    for ref, statement in (("y", 999999), ("z", 10**30), ("w", -1)):
        await communicator.send_json_to({"ref": ref, "statement": statement, "value": 1})
        missing = await communicator.receive_json_from(timeout=5)
        assert missing["ref"] == ref and missing["ok"] is False and missing["error"]
    await communicator.disconnect()

    def stored():
        return {
            s.pk: (tallies(s), recount(s))
            for s in Statement.objects.filter(pk__in=[s.pk for s in statements])
        }

    result = await sync_to_async(stored)()
    assert result[statements[0].pk][0] == result[statements[0].pk][1]
    assert result[statements[0].pk][0] == {"agree": 0, "disagree": 1, "pass": 0}
    assert result[statements[1].pk][0] == {"agree": 0, "disagree": 1, "pass": 0}
    assert result[statements[2].pk][0] == {"agree": 1, "disagree": 0, "pass": 0}


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_anonymous_sockets_are_refused(voter):
    communicator = WebsocketCommunicator(application, "/ws/participate/votes/", headers=[ORIGIN])
    connected, code = await communicator.connect()
    assert not connected and code == 4401


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_opening_sockets_is_limited_per_user(voter, settings):
    settings.MINYI_RATE_LIMITS = {"vote_socket": {"per_minute": 1}}
    headers = [ORIGIN, (b"cookie", voter["cookie"])]
    first = WebsocketCommunicator(application, "/ws/participate/votes/", headers=headers)
    assert (await first.connect())[0]
    second = WebsocketCommunicator(application, "/ws/participate/votes/", headers=headers)
    connected, code = await second.connect()
    assert not connected and code == 4429
    await first.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_sockets_of_accounts_below_the_voting_level_are_refused(voter):
    from allauth.account.models import EmailAddress
    from channels.db import database_sync_to_async

    # Voting needs a confirmed e-mail address (L1) by default; this account has none left.
    await database_sync_to_async(
        lambda: (
            EmailAddress.objects.filter(user=voter["user"]).update(verified=False),
            voter["user"].mobile_number.delete(),
        )
    )()
    communicator = WebsocketCommunicator(
        application, "/ws/participate/votes/", headers=[ORIGIN, (b"cookie", voter["cookie"])]
    )
    connected, code = await communicator.connect()
    assert not connected and code == 4403
