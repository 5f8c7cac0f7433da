"""Where async code runs its database work.

Django runs sync code from async code on one shared thread per process unless told otherwise, so
every request of a process would queue there. The fast paths (votes over the API and the
WebSocket) run theirs on a pool of worker threads instead: ``MINYI_DATABASE_WORKER_THREADS`` per
process (each may hold a database connection; 16 by default). Their work is mostly waiting for
PostgreSQL and Redis, so more threads than cores pay. 0 uses the shared thread: tests do, as
their data lives in the open transaction of the test's own connection, which only that thread
sees.
"""

import functools
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

_pools: dict[int, ThreadPoolExecutor] = {}


def _pool(size: int) -> ThreadPoolExecutor:
    if size not in _pools:
        _pools[size] = ThreadPoolExecutor(max_workers=size, thread_name_prefix="minyi-db")
    return _pools[size]


def in_worker_thread(function):
    """``sync_to_async(function)`` on a worker thread (or the shared one, see above); as Channels'
    ``database_sync_to_async``, a broken or expired connection of that thread is dropped before
    and after, so a restarted database costs one failed call, not a stuck thread."""
    size = int(getattr(settings, "MINYI_DATABASE_WORKER_THREADS", 16))
    if size <= 0:
        return sync_to_async(function, thread_sensitive=True)

    @functools.wraps(function)
    def with_fresh_connection(*args, **kwargs):
        close_old_connections()
        try:
            return function(*args, **kwargs)
        finally:
            close_old_connections()

    return sync_to_async(with_fresh_connection, thread_sensitive=False, executor=_pool(size))
