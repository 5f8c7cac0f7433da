"""A version number per live stream, bumped by every live event.

Anything derived from what a stream shows (e.g. a page cached for anonymous readers) keys itself
on the stream's version and so is never served after the next change.
"""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

_VERSION_TTL = 7 * 24 * 3600


def stream_version_key(stream: str) -> str:
    """The cache key of the stream's version (0 when absent), for readers that fetch it together
    with other keys."""
    return f"minyi:stream-version:{stream}"


def stream_version_bump(stream: str) -> None:
    key = stream_version_key(stream)
    try:
        try:
            cache.incr(key)  # one round trip in the usual case
        except ValueError:  # no version yet (or it expired)
            if not cache.add(key, 1, timeout=_VERSION_TTL):
                cache.incr(key)
    except Exception:  # the cache is down: nothing is served from it either
        logger.exception("Could not bump the version of stream %s", stream)
