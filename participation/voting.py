"""The fast vote path shared by the API and the vote WebSocket.

Votes are gathered for a few milliseconds and stored together in one transaction by
:func:`participation.services.votes_cast_batch`, where the vote rules are written, so the database
sees a few large writes instead of many small ones. The page's own vote form (no JavaScript)
stores its one vote through :func:`participation.services.statement_vote_cast`, same rules.

Whoever awaits :func:`vote_submit` gets their own vote's answer; a client that sends its next vote
only after the answer keeps "the last vote wins" per participant.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import override

from minyi.accounts.selectors import assurance_require
from minyi.threads import in_worker_thread

from .services import VoteRequest, participant_get_or_create, vote_rate_check, votes_cast_batch

logger = logging.getLogger(__name__)

# How long a batch gathers votes. Longer waits mean fewer, larger transactions: replaying the
# vTaiwan votes from 50 clients on 2 cores (tests/benchmarks/vote_replay.py) gave 816 votes/s
# at 5 ms, 990 at 10 ms, 1,101 at 20 ms and 1,040 at 30 ms, with the median answer *faster* at
# 20 ms (39 ms against 47 ms) because batches no longer queue behind each other.
BATCH_WAIT_SECONDS = 0.020
BATCH_MAX = 1000
FLUSHES_IN_FLIGHT = 2


@dataclass(frozen=True)
class VoteAnswer:
    error: str | None  # Traditional Chinese, when the vote was refused
    tally: dict[str, int] | None = None  # the statement's tally after the vote


class VoteBatcher:
    """Collects votes from every request and connection on this event loop; stores them in
    batches."""

    def __init__(self) -> None:
        self.pending: list[tuple[VoteRequest, asyncio.Future]] = []
        self.task: asyncio.Task | None = None
        # Two batches may be in the database at once: one is written while the next fills.
        self.slots = asyncio.Semaphore(FLUSHES_IN_FLIGHT)
        self.flushing: set[asyncio.Task] = set()

    async def submit(self, vote: VoteRequest) -> VoteAnswer:
        future = asyncio.get_running_loop().create_future()
        self.pending.append((vote, future))
        if self.task is None:
            self.task = asyncio.create_task(self._run())
        return await future

    async def _run(self) -> None:
        try:
            while self.pending:
                await asyncio.sleep(BATCH_WAIT_SECONDS)  # let more votes arrive
                await self.slots.acquire()
                batch, self.pending = self.pending[:BATCH_MAX], self.pending[BATCH_MAX:]
                flush = asyncio.create_task(self._flush(batch))
                self.flushing.add(flush)
                flush.add_done_callback(self.flushing.discard)
        finally:
            self.task = None

    async def _flush(self, batch: list[tuple[VoteRequest, asyncio.Future]]) -> None:
        try:
            # Off the shared sync thread: every request's own small database hops must not queue
            # behind a batch.
            answers = await in_worker_thread(_store)([v for v, _f in batch])
        except Exception:
            logger.exception("A batch of %d votes could not be stored", len(batch))
            with override("zh-hant"):
                failed = _("Your vote could not be saved; please try again.")
            answers = [VoteAnswer(error=failed)] * len(batch)
        finally:
            self.slots.release()
        for (_vote, future), answer in zip(batch, answers, strict=True):
            if not future.done():
                future.set_result(answer)


def _store(votes: list[VoteRequest]) -> list[VoteAnswer]:
    with override("zh-hant"):
        result = votes_cast_batch(votes=votes)
        return [
            VoteAnswer(str(error)) if error else VoteAnswer(None, result.tallies[v.statement_id])
            for v, error in zip(votes, result.errors, strict=True)
        ]


# One batcher per event loop (a uvicorn worker has one; each async_to_sync call its own).
_batchers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def vote_batcher() -> VoteBatcher:
    loop = asyncio.get_running_loop()
    if loop not in _batchers:
        _batchers[loop] = VoteBatcher()
    return _batchers[loop]


# A statement's consultation never changes, nor a person's participant record in it: each process
# looks them up once. (Whether the statement may still be voted on is checked with every batch.)
_statement_homes: dict[int, int] = {}
_participants: dict[tuple[int, int], int] = {}
_LOOKUPS_MAX = 100_000


def vote_lookups_forget() -> None:
    """Forget the remembered lookups and levels (tests: a rolled-back database reuses keys)."""
    _statement_homes.clear()
    _participants.clear()
    _level_reached_until.clear()


def statement_home(statement_id: int) -> int | None:
    """The consultation of a statement, or None when there is no such statement."""
    from .models import Statement

    if statement_id in _statement_homes:
        return _statement_homes[statement_id]
    if not 0 < statement_id < 2**63:  # a bigint key: anything else cannot exist
        return None
    home = (
        Statement.objects.filter(pk=statement_id).values_list("consultation_id", flat=True).first()
    )
    if home is not None:
        if len(_statement_homes) >= _LOOKUPS_MAX:
            _statement_homes.clear()
        _statement_homes[statement_id] = home
    return home


def participant_of(consultation_id: int, user) -> int:
    """The pk of the user's participant record in the consultation (made on their first vote)."""
    from .models import ConsultationPage

    key = (consultation_id, user.pk)
    if key not in _participants:
        consultation = ConsultationPage.objects.get(pk=consultation_id)
        if len(_participants) >= _LOOKUPS_MAX:
            _participants.clear()
        _participants[key] = participant_get_or_create(consultation=consultation, user=user).pk
    return _participants[key]


# People found at the identity level voting asks, until when (monotonic seconds). Levels rise in
# use (an e-mail confirmed, a mobile verified) and the check is then asked again at once; one
# lowered by staff is seen within this time. The account itself (is_active) is read every vote.
_level_reached_until: dict[int, float] = {}
LEVEL_REMEMBERED_SECONDS = 60.0


def voter_admit(user) -> None:
    """The person may vote now: their identity level (AssuranceRequired) and their vote limit
    (RateLimited). The API runs it in its sign-in step (``AsyncSessionAuth(admit=...)``)."""
    now = time.monotonic()
    if _level_reached_until.get(user.pk, 0.0) < now:
        assurance_require(user=user, action="vote")
        if len(_level_reached_until) >= _LOOKUPS_MAX:
            _level_reached_until.clear()
        _level_reached_until[user.pk] = now + LEVEL_REMEMBERED_SECONDS
    vote_rate_check(user_id=user.pk)


def _vote_admit(user, statement_id: int, value: int, *, admitted: bool) -> VoteRequest | None:
    """Everything a vote needs before its batch, in one trip to a worker thread: the person's
    identity level and limit (unless ``admitted``), the statement's consultation (None: no such
    statement), the participant."""
    if not admitted:
        voter_admit(user)
    consultation_id = statement_home(statement_id)
    if consultation_id is None:
        return None
    return VoteRequest(
        statement_id=statement_id,
        participant_id=participant_of(consultation_id, user),
        consultation_id=consultation_id,
        value=value,
    )


async def vote_submit(
    *, user, statement_id: int, value: int, admitted: bool = False
) -> VoteAnswer | None:
    """Cast a signed-in person's vote through the batch; None when the statement does not exist.

    Raises :class:`minyi.accounts.selectors.AssuranceRequired` below the identity level the
    policy asks for voting and :class:`minyi.ratelimit.RateLimited` past the person's vote limit,
    unless the caller has ``admitted`` the person already: the API in its sign-in step
    (:func:`voter_admit`); a WebSocket checks the level when it connects and counts the limit per
    connection in memory (participation.consumers). An admitted vote on a statement this process
    has seen needs no trip to a thread before its batch.
    """
    home = _statement_homes.get(statement_id)
    known = _participants.get((home, user.pk)) if home is not None else None
    if known is not None and admitted:
        request = VoteRequest(statement_id, known, home, value)
    else:
        request = await in_worker_thread(_vote_admit)(user, statement_id, value, admitted=admitted)
    if request is None:
        return None
    return await vote_batcher().submit(request)
