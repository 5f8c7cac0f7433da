"""Publishing live events to the browsers watching a stream.

A stream is a public name such as ``consultation.42``; every write path that
changes what a stream shows calls :func:`live_event_send` after its transaction
commits, so a browser never sees a change that was rolled back.
"""

import asyncio
import hashlib
import logging
import re
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from redis.exceptions import RedisError

from .versions import stream_version_bump

logger = logging.getLogger(__name__)

MAX_SUBSCRIPTIONS = 20
# A hung channel layer (Redis stopped, not refused) must not hold a request for long.
LIVE_SEND_TIMEOUT_SECONDS = 2
_STREAM_PATTERN = re.compile(r"^[a-z][a-z_]{1,30}(\.[A-Za-z0-9_-]{1,40}){0,3}$")


def stream_is_valid(stream: object) -> bool:
    return isinstance(stream, str) and bool(_STREAM_PATTERN.match(stream))


def group_for_stream(stream: str) -> str:
    # Channel-layer group names allow only ASCII letters, digits, '-', '_' and '.'
    # and at most 100 characters; hashing keeps any valid stream name inside both.
    return "live." + hashlib.sha1(stream.encode(), usedforsecurity=False).hexdigest()


def live_event_send(stream: str, event: dict[str, Any]) -> None:
    """Send ``event`` to every browser subscribed to ``stream`` once the transaction commits."""
    if not stream_is_valid(stream):
        raise ValueError(f"Invalid live stream name: {stream!r}")

    # Pages cached for anonymous readers of this stream are stale: now, and again once the
    # write commits (a page rendered in between still showed the old state).
    stream_version_bump(stream)

    def send() -> None:
        stream_version_bump(stream)
        # Live updates are best effort: the write is already stored, and browsers that miss
        # the event catch up by polling. Redis down or hung must never fail the request.
        try:
            layer = get_channel_layer()
            if layer is None:
                return
            message = {"type": "live.event", "stream": stream, "event": event}
            async_to_sync(_group_send_bounded)(layer, group_for_stream(stream), message)
        except (OSError, TimeoutError, RedisError) as error:
            logger.warning(
                "Live event to %s not sent, the channel layer is unavailable: %s: %s",
                stream,
                type(error).__name__,
                error,
            )
        except Exception:
            logger.exception("Could not send live event to %s", stream)

    transaction.on_commit(send, robust=True)


async def _group_send_bounded(layer, group: str, message: dict) -> None:
    await asyncio.wait_for(layer.group_send(group, message), timeout=LIVE_SEND_TIMEOUT_SECONDS)
