"""Voting over a WebSocket: the fast path for Pol.is-style voting, one vote after another.

``ws/participate/votes/`` — a signed-in citizen sends ``{"ref": 1, "statement": 42, "value": 1}``
and gets ``{"type": "vote", "ref": 1, "ok": true}`` or ``{"type": "vote", "ref": 1, "ok": false,
"error": "…"}`` (Traditional Chinese). Votes from every connection of a process are gathered for a
few milliseconds and stored in one transaction (participation.services.votes_cast_batch), so the
database sees a few large writes instead of many small ones; a connection's votes are answered in
the order sent, and the next one is read only after the previous one is stored, so "the last
vote wins" holds per participant.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _
from django.utils.translation import override

from minyi.ratelimit import configured_limits, rate_limit_exceeded

from .services import VoteRequest, votes_cast_batch

logger = logging.getLogger(__name__)

# How long a batch gathers votes. Longer waits mean fewer, larger transactions: replaying the
# vTaiwan votes from 50 clients on 2 cores (tests/benchmarks/vote_replay.py) gave 816 votes/s
# at 5 ms, 990 at 10 ms, 1,101 at 20 ms and 1,040 at 30 ms, with the median answer *faster* at
# 20 ms (39 ms against 47 ms) because batches no longer queue behind each other.
BATCH_WAIT_SECONDS = 0.020
BATCH_MAX = 1000
FLUSHES_IN_FLIGHT = 2
VOTE_DEFAULT_LIMITS = {"per_minute": 120, "per_hour": 2000}
VOTE_SOCKET_DEFAULT_LIMITS = {"per_minute": 10, "per_hour": 100}


class VoteBatcher:
    """Collects votes from every connection on this event loop and stores them in batches."""

    def __init__(self) -> None:
        self.pending: list[tuple[VoteRequest, asyncio.Future]] = []
        self.task: asyncio.Task | None = None
        # Two batches may be in the database at once: one is written while the next fills.
        self.slots = asyncio.Semaphore(FLUSHES_IN_FLIGHT)
        self.flushing: set[asyncio.Task] = set()

    async def submit(self, vote: VoteRequest) -> str | None:
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
            # Off the shared sync thread: every message's own small DB hops must not queue
            # behind a batch.
            errors = await database_sync_to_async(_store, thread_sensitive=False)(
                [v for v, _f in batch]
            )
        except Exception:
            logger.exception("A batch of %d votes could not be stored", len(batch))
            with override("zh-hant"):
                failed = _("Your vote could not be saved; please try again.")
            errors = [failed] * len(batch)
        finally:
            self.slots.release()
        for (_vote, future), error in zip(batch, errors, strict=True):
            if not future.done():
                future.set_result(error)


def _store(votes: list[VoteRequest]) -> list[str | None]:
    with override("zh-hant"):
        return [str(e) if e else None for e in votes_cast_batch(votes=votes)]


_batchers: dict[int, VoteBatcher] = {}


def vote_batcher() -> VoteBatcher:
    loop = asyncio.get_running_loop()
    return _batchers.setdefault(id(loop), VoteBatcher())


class VoteConsumer(AsyncJsonWebsocketConsumer):
    # Answers go back on this connection only: no channel-layer subscription per connection.
    channel_layer_alias = "no-channel-layer"

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        # Each connection keeps to the vote limits; opening connections is limited per user
        # across processes, so more sockets do not buy more votes per minute.
        if await database_sync_to_async(_socket_limit_reached)(user.pk):
            await self.close(code=4429)
            return
        # Voting needs the identity level of the policy (an e-mail address confirmed, by default).
        if not await database_sync_to_async(_may_vote)(user):
            await self.close(code=4403)
            return
        self.user = user
        self.participants: dict[int, int] = {}  # consultation pk → participant pk
        self.limits = configured_limits("vote", **VOTE_DEFAULT_LIMITS)
        self.recent: deque[float] = deque()
        await self.accept()

    async def dispatch(self, message) -> None:
        # Channels closes stale database connections before every message, a hop to the sync
        # thread per vote; this consumer touches the database only through
        # database_sync_to_async, which does that itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def receive_json(self, content, **kwargs) -> None:
        ref = content.get("ref") if isinstance(content, dict) else None
        try:
            statement_id = int(content["statement"])
            value = int(content["value"])
        except (TypeError, KeyError, ValueError):
            await self._answer(ref, _("A vote is agree, disagree or pass."))
            return
        if self._over_limit():
            await self._answer(
                ref, _("You are voting too quickly. Please wait a moment and try again.")
            )
            return
        in_range = 0 < statement_id < 2**63  # a bigint key: anything else cannot exist
        consultation_id = await self._consultation(statement_id) if in_range else None
        if consultation_id is None:
            await self._answer(ref, _("This statement does not exist."))
            return
        participant_id = await self._participant(consultation_id)
        error = await vote_batcher().submit(
            VoteRequest(
                statement_id=statement_id,
                participant_id=participant_id,
                consultation_id=consultation_id,
                value=value,
            )
        )
        await self._answer(ref, error)

    async def _answer(self, ref, error: str | None) -> None:
        if error is None:
            await self.send_json({"type": "vote", "ref": ref, "ok": True})
        else:
            await self.send_json({"type": "vote", "ref": ref, "ok": False, "error": error})

    def _over_limit(self) -> bool:
        """This connection's votes in the last minute and hour against the vote limits."""
        now = time.monotonic()
        longest = max((window for _limit, window in self.limits), default=0)
        while self.recent and now - self.recent[0] > longest:
            self.recent.popleft()
        for limit, window in self.limits:
            if sum(1 for t in self.recent if now - t <= window) >= limit:
                return True
        self.recent.append(now)
        return False

    async def _consultation(self, statement_id: int) -> int | None:
        if statement_id in _statement_homes:
            return _statement_homes[statement_id]
        return await database_sync_to_async(_statement_home)(statement_id)

    async def _participant(self, consultation_id: int) -> int:
        if consultation_id not in self.participants:
            self.participants[consultation_id] = await database_sync_to_async(_participant_of)(
                consultation_id, self.user
            )
        return self.participants[consultation_id]


# A statement's consultation never changes: each process looks it up once. (Whether the statement
# may still be voted on is checked with every batch.)
_statement_homes: dict[int, int] = {}
_STATEMENT_HOMES_MAX = 100_000


def _statement_home(statement_id: int) -> int | None:
    from .models import Statement

    home = (
        Statement.objects.filter(pk=statement_id).values_list("consultation_id", flat=True).first()
    )
    if home is not None:
        if len(_statement_homes) >= _STATEMENT_HOMES_MAX:
            _statement_homes.clear()
        _statement_homes[statement_id] = home
    return home


def _socket_limit_reached(user_id: int) -> bool:
    limits = configured_limits("vote_socket", **VOTE_SOCKET_DEFAULT_LIMITS)
    return any(
        rate_limit_exceeded(key=f"vote_socket:user:{user_id}", limit=limit, window_seconds=window)
        for limit, window in limits
    )


def _may_vote(user) -> bool:
    from minyi.accounts.selectors import assurance_prompt

    return assurance_prompt(user=user, action="vote") is None


def _participant_of(consultation_id: int, user) -> int:
    from .models import ConsultationPage
    from .services import participant_get_or_create

    consultation = ConsultationPage.objects.get(pk=consultation_id)
    return participant_get_or_create(consultation=consultation, user=user).pk
