"""A fixed-window rate limit on the shared cache (Redis in production)."""

import time

from django.core.cache import cache


def rate_limit_exceeded(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one event for ``key``; True once more than ``limit`` fall in the current window."""
    bucket = f"minyi:rl:{key}:{int(time.time() // window_seconds)}"
    # add() is atomic: only the first caller in a window creates the counter.
    cache.add(bucket, 0, timeout=window_seconds + 5)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add() and incr()
        cache.set(bucket, 1, timeout=window_seconds + 5)
        count = 1
    return count > limit
