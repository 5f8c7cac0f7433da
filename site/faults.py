"""Friendly answers when the database or the disk fails, instead of a bare 500.

``ServiceUnavailableMiddleware`` turns

- a database that cannot be reached (``OperationalError``, ``InterfaceError``: server
  down or restarting, connection dropped, pool exhausted, SQLite locked) into a 503
  page in the visitor's language with ``Retry-After``. Nothing is cached and nothing is
  kept between requests, so the site recovers by itself as soon as the database
  answers again: Django opens a fresh connection for the next request.
- a full disk (``OSError`` ENOSPC / EDQUOT) while a file is being stored into a 507
  page that says the file was not saved.

View exceptions reach it through ``process_exception``. An exception raised by another
middleware (a session saved while the database is down) has already become a 500 by
the time it gets here; ``got_request_exception`` marks the request so that
``process_response`` can still answer 503/507.

The pages (``503.html``, ``507.html``) extend ``error_base.html``, which reads nothing
from the database, and are rendered without context processors.

Two building blocks to name in the settings: ``SafeFileSystemStorage`` (a failed save leaves
no half-written file) and ``TolerantRedisCache`` (Redis down reads as an empty cache).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import sys
import threading
import time
from pathlib import Path

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.files.storage import FileSystemStorage
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext_lazy as _
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_MARK = "_minyi_fault"


def fault_kind(exc: BaseException | None) -> str | None:
    """``"database"``, ``"disk_full"`` or None for an exception this module answers."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OperationalError | InterfaceError):
            return "database"
        if isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS:
            return "disk_full"
        exc = exc.__cause__ or exc.__context__
    return None


DISK_FULL_MESSAGE = _(
    "The server has run out of storage space, so your file was not saved and nothing was "
    "stored. Please try again later."
)
UNAVAILABLE_MESSAGE = _("The service is temporarily unavailable. Please try again later.")


def _wants_json(request: HttpRequest | None) -> bool:
    if request is None:
        return False
    return (
        request.path_info.startswith("/api/")
        or "application/json" in request.headers.get("Accept", "")
        or request.content_type == "application/json"
    )


def fault_response(kind: str, request: HttpRequest | None = None) -> HttpResponse:
    status, template, message = {
        "database": (503, "503.html", UNAVAILABLE_MESSAGE),
        "disk_full": (507, "507.html", DISK_FULL_MESSAGE),
    }[kind]
    if _wants_json(request):
        response = JsonResponse(
            {"detail": str(message), "ok": False, "error": str(message)},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        # No request: no context processors, which may read the database.
        response = HttpResponse(render_to_string(template), status=status)
    if kind == "database":
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _log(kind: str, request: HttpRequest, exc: BaseException) -> None:
    what = "database unavailable" if kind == "database" else "disk full"
    logger.error("%s on %s %s: %s: %s", what, request.method, request.path, type(exc).__name__, exc)


@receiver(got_request_exception, dispatch_uid="minyi.faults.mark_request")
def _mark_request(sender, request=None, **kwargs) -> None:
    exc = sys.exc_info()[1]
    kind = fault_kind(exc)
    if request is not None and kind is not None:
        setattr(request, _MARK, kind)
        _log(kind, request, exc)


class ServiceUnavailableMiddleware(MiddlewareMixin):
    """503 (database down) and 507 (disk full) pages instead of a 500."""

    def process_exception(self, request: HttpRequest, exception: Exception):
        kind = fault_kind(exception)
        if kind is None:
            return None
        _log(kind, request, exception)
        return fault_response(kind, request)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        kind = getattr(request, _MARK, None)
        if kind is not None and response.status_code == 500:
            return fault_response(kind, request)
        return response


class SafeFileSystemStorage(FileSystemStorage):
    """Django's file storage, except that a failed save (disk full) leaves no partial file.

    Django's ``FileSystemStorage`` creates the file and then writes it chunk by chunk; when
    the disk fills up half way it raises and keeps the half-written file. This one removes
    what it created before passing the error on (which the middleware answers with 507).
    Use it as ``STORAGES["default"]["BACKEND"] = "minyi.faults.SafeFileSystemStorage"``.
    """

    def _save(self, name, content):
        full_path = Path(self.path(name))
        existed = full_path.exists()
        try:
            return super()._save(name, content)
        except OSError:
            if not existed:
                with contextlib.suppress(OSError):
                    full_path.unlink(missing_ok=True)
            raise


class _SharedClientRedisCacheClient(RedisCacheClient):
    """One connection pool and one ``redis.Redis`` client per server, for the whole process.

    Django keeps a cache object per request context under ASGI (``caches`` is an asgiref
    ``Local``), and each object builds its own connection pool: every request then opened new
    TCP connections to Redis (connect, health check, and redis-py reading its own version from
    the package metadata), about a quarter of a cached page's time. Django also built a new
    ``redis.Redis`` (with its table of ~170 response callbacks) for every cache call. Pools and
    clients are thread-safe, and a pool reopens its sockets in a forked child (it checks the pid).
    """

    _shared_clients: dict[tuple, object] = {}
    _shared_lock = threading.Lock()

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        # Options are the cache's OPTIONS (plain values) and the parser class.
        identity = (
            self._servers[index],
            self._pool_class,
            repr(sorted(self._pool_options.items())),
        )
        client = self._shared_clients.get(identity)
        if client is None:
            with self._shared_lock:
                client = self._shared_clients.get(identity)
                if client is None:
                    pool = self._pool_class.from_url(self._servers[index], **self._pool_options)
                    client = self._client(connection_pool=pool)
                    self._shared_clients[identity] = client
        return client

    def _get_connection_pool(self, write):
        return self.get_client(write=write).connection_pool


class TolerantRedisCache(RedisCache):
    """Django's Redis cache, except that Redis being down reads as an empty cache.

    Nothing in Minyi keeps data only in the cache, so with Redis unreachable a read is a miss,
    a write is dropped and rate limits let requests through (fail open) instead of every page
    answering 500. Each failure is logged (at most once every 30 seconds). Use it as
    ``CACHES["default"]["BACKEND"] = "minyi.faults.TolerantRedisCache"``, with
    ``"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}`` so that a hung Redis
    does not hold requests either.
    """

    _last_warning = 0.0

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _SharedClientRedisCacheClient

    def _tolerate(self, operation: str, fallback, call):
        try:
            return call()
        except (RedisConnectionError, RedisTimeoutError) as error:
            now = time.monotonic()
            if now - TolerantRedisCache._last_warning > 30:
                TolerantRedisCache._last_warning = now
                logger.warning(
                    "Cache unavailable (%s): %s; carrying on without it", operation, error
                )
            if isinstance(fallback, type) and issubclass(fallback, Exception):
                raise fallback(f"cache unavailable: {error}") from error
            return fallback() if callable(fallback) else fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerate(
            "add", False, lambda: super(TolerantRedisCache, self).add(key, value, timeout, version)
        )

    def get(self, key, default=None, version=None):
        return self._tolerate(
            "get",
            lambda: default,
            lambda: super(TolerantRedisCache, self).get(key, default, version),
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerate(
            "set", None, lambda: super(TolerantRedisCache, self).set(key, value, timeout, version)
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerate(
            "touch", False, lambda: super(TolerantRedisCache, self).touch(key, timeout, version)
        )

    def delete(self, key, version=None):
        return self._tolerate(
            "delete", False, lambda: super(TolerantRedisCache, self).delete(key, version)
        )

    def get_many(self, keys, version=None):
        return self._tolerate(
            "get_many", dict, lambda: super(TolerantRedisCache, self).get_many(keys, version)
        )

    def count_events(self, buckets: list[tuple[str, int]], version=None) -> list[int]:
        """Count one event in each ``(key, timeout)`` bucket, in one round trip to Redis: the
        counts after. A bucket is made at 0 with its timeout the first time (as ``add``)."""

        def count():
            keys = [(self.make_and_validate_key(key, version), timeout) for key, timeout in buckets]
            pipeline = self._cache.get_client(keys[0][0], write=True).pipeline(transaction=False)
            for key, timeout in keys:
                pipeline.set(key, 0, ex=timeout, nx=True)
                pipeline.incr(key)
            return [int(n) for n in pipeline.execute()[1::2]]

        return self._tolerate("count_events", lambda: [0] * len(buckets), count)

    def has_key(self, key, version=None):
        return self._tolerate(
            "has_key", False, lambda: super(TolerantRedisCache, self).has_key(key, version)
        )

    def incr(self, key, delta=1, version=None):
        # A missing key raises ValueError: callers already handle that (see minyi.ratelimit).
        return self._tolerate(
            "incr", ValueError, lambda: super(TolerantRedisCache, self).incr(key, delta, version)
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerate(
            "set_many",
            lambda: list(data),
            lambda: super(TolerantRedisCache, self).set_many(data, timeout, version),
        )

    def delete_many(self, keys, version=None):
        return self._tolerate(
            "delete_many", None, lambda: super(TolerantRedisCache, self).delete_many(keys, version)
        )

    def clear(self):
        return self._tolerate("clear", False, lambda: super(TolerantRedisCache, self).clear())
