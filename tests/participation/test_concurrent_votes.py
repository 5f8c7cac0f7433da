"""Tallies stay exact when many threads vote at once (PostgreSQL only: SQLite
serialises writers, so it cannot show a race)."""

import random
import threading

import pytest
from django.db import connection, connections

from participation.models import Statement, Vote
from participation.services import statement_create, statement_vote_cast

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_concurrent_votes_keep_exact_tallies(make_consultation, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency test needs PostgreSQL (run by `./dev test` when it answers)")
    page = make_consultation()
    statements = [
        statement_create(consultation=page, user=make_user(), text=f"意見 {n}") for n in range(3)
    ]
    voters = [make_user() for _ in range(12)]
    rng = random.Random(2026)
    # Each voter votes several times on each statement, from several threads at once.
    plan = [
        (voter, statement, rng.choice([1, -1, 0]))
        for voter in voters
        for statement in statements
        for _ in range(3)
    ]
    rng.shuffle(plan)
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work(chunk):
        try:
            barrier.wait()
            for voter, statement, value in chunk:
                statement_vote_cast(statement=statement, user=voter, value=value)
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(plan[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors

    for statement in Statement.objects.filter(consultation=page):
        votes = list(Vote.objects.filter(statement=statement).values_list("value", flat=True))
        assert len(votes) == len(voters) + 1  # one vote per participant, and its author's
        assert statement.agree_count == votes.count(1)
        assert statement.disagree_count == votes.count(-1)
        assert statement.pass_count == votes.count(0)
