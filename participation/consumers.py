"""Voting over a WebSocket: the fast path for Pol.is-style voting, one vote after another.

``ws/participate/votes/`` — a signed-in citizen sends ``{"ref": 1, "statement": 42, "value": 1}``
and gets ``{"type": "vote", "ref": 1, "ok": true}`` or ``{"type": "vote", "ref": 1, "ok": false,
"error": "…"}`` (Traditional Chinese). Votes from every connection of a process are gathered for a
few milliseconds and stored in one transaction (participation.voting, shared with the API), so
the database sees a few large writes instead of many small ones; a connection's votes are answered
in the order sent, and the next one is read only after the previous one is stored, so "the last
vote wins" holds per participant.
"""

from __future__ import annotations

import time
from collections import deque

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from minyi.ratelimit import configured_limits, rate_limit_exceeded

from .voting import vote_submit


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
        self.limits = configured_limits("vote")
        self.recent: deque[float] = deque()
        await self.accept()

    async def dispatch(self, message) -> None:
        # Channels closes stale database connections before every message, a hop to the sync
        # thread per vote; this consumer touches the database only through
        # database_sync_to_async and minyi.threads, which do that themselves.
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
        answer = await vote_submit(
            user=self.user, statement_id=statement_id, value=value, admitted=True
        )
        error = _("This statement does not exist.") if answer is None else answer.error
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


def _socket_limit_reached(user_id: int) -> bool:
    limits = configured_limits("vote_socket")
    return any(
        rate_limit_exceeded(key=f"vote_socket:user:{user_id}", limit=limit, window_seconds=window)
        for limit, window in limits
    )


def _may_vote(user) -> bool:
    from minyi.accounts.selectors import assurance_prompt

    return assurance_prompt(user=user, action="vote") is None
