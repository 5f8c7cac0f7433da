"""Publishing live events to the browsers watching a stream.

A stream is a public name such as ``consultation.42``; every write path that
changes what a stream shows calls :func:`live_event_send` after its transaction
commits, so a browser never sees a change that was rolled back.
"""

import hashlib
import logging
import re
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

MAX_SUBSCRIPTIONS = 20
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

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(
                group_for_stream(stream), {"type": "live.event", "stream": stream, "event": event}
            )
        except Exception:  # live updates are best effort; the write already succeeded
            logger.exception("Could not send live event to %s", stream)

    transaction.on_commit(send)
