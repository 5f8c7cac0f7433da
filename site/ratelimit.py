"""Fixed-window rate limits on the shared cache (Redis in production).

A service that refuses a write because of a limit raises :class:`RateLimited`. It is
deliberately *not* a ``ValidationError``: a view's ``except ValidationError`` (a form
error, answered 400) never catches it, and it travels up to the one place that answers
it: ``RateLimitMiddleware`` in ``minyi.security`` (the 429 page, or JSON for fetch) and
the API's exception handler, both with a ``Retry-After`` header. The per-kind limits can
be changed in the ``MINYI_RATE_LIMITS`` setting.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache

MINUTE = 60
HOUR = 3600
DAY = 86400
_WINDOWS = {"per_minute": MINUTE, "per_hour": HOUR, "per_day": DAY}


class RateLimited(Exception):
    """A per-user (or per-address) limit was reached: answer 429, retry after ``retry_after`` s.

    ``message`` is the user-facing (translated) text; ``messages`` lists it, as a
    ``ValidationError``'s does, for code that joins messages.
    """

    code = "rate_limited"

    def __init__(self, message, *, retry_after: int = MINUTE):
        super().__init__(message)
        self.message = str(message)
        self.retry_after = max(1, int(retry_after))

    @property
    def messages(self) -> list[str]:
        return [self.message]


def _bucket(key: str, window_seconds: int, now: float) -> str:
    return f"minyi:rl:{key}:{int(now // window_seconds)}"


def seconds_left_in_window(window_seconds: int, now: float | None = None) -> int:
    """Seconds until the current fixed window ends (what ``Retry-After`` says)."""
    now = time.time() if now is None else now
    return max(1, math.ceil(window_seconds - (now % window_seconds)))


def rate_limit_exceeded(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one event for ``key``; True once more than ``limit`` fall in the current window."""
    bucket = _bucket(key, window_seconds, time.time())
    # add() is atomic: only the first caller in a window creates the counter.
    cache.add(bucket, 0, timeout=window_seconds + 5)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add() and incr()
        cache.set(bucket, 1, timeout=window_seconds + 5)
        count = 1
    return count > limit


def configured_limits(kind: str, **defaults: int) -> list[tuple[int, int]]:
    """``[(limit, window_seconds), ...]`` for ``kind``: ``MINYI_RATE_LIMITS[kind]`` over defaults.

    Defaults and settings use the keys ``per_minute``, ``per_hour`` and ``per_day``.
    """
    values = {**defaults, **getattr(settings, "MINYI_RATE_LIMITS", {}).get(kind, {})}
    return [
        (int(values[name]), window)
        for name, window in _WINDOWS.items()
        if values.get(name) is not None
    ]


def rate_limit_check(*, key: str, limits: list[tuple[int, int]], message) -> None:
    """Count one event for ``key`` in each window; raise :class:`RateLimited` once one is full.

    On Redis (minyi.faults.TolerantRedisCache) every window is counted in one round trip.
    """
    count_events = getattr(cache, "count_events", None)
    if count_events is None or not limits:
        for limit, window in limits:
            if rate_limit_exceeded(key=key, limit=limit, window_seconds=window):
                raise RateLimited(message, retry_after=seconds_left_in_window(window))
        return
    now = time.time()
    counts = count_events([(_bucket(key, window, now), window + 5) for _limit, window in limits])
    for (limit, window), count in zip(limits, counts, strict=True):
        if count > limit:
            raise RateLimited(message, retry_after=seconds_left_in_window(window, now))
