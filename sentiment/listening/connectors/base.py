"""What every connector shares: the normalised post, errors, and a polite HTTP client.

A connector is a small class built from a Source; ``fetch(cursor)`` returns the new items since
that cursor and the cursor to store. It either returns everything it could read or raises
ConnectorError with a message for the source's status page; the ingestion service writes the
posts of one run in one transaction, so a failed run leaves nothing half-written behind.
Problems with single items (one broken article) are collected in ``warnings`` instead.
"""

import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

USER_AGENT = "MinyiListening/1.0 (+https://github.com/minyi; government social listening)"
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=10.0)
MAX_TEXT_LENGTH = 50_000


class ConnectorError(Exception):
    """The run failed; ``str(error)`` is shown on the source's status page."""


@dataclass
class NormalisedPost:
    external_id: str
    text: str
    published_at: datetime
    url: str = ""
    author: str = ""  # raw handle: hashed before it is stored, never kept
    title: str = ""
    likes: int = 0
    shares: int = 0
    pushes: int = 0
    boos: int = 0
    parent_external_id: str = ""
    raw: dict | None = None
    extra: dict = field(default_factory=dict)


class RateLimiter:
    """At most one request every ``interval`` seconds per key (per source), across threads."""

    _lock = threading.Lock()
    _last: dict[str, float] = {}

    def __init__(self, key: str, interval: float, sleep=time.sleep, clock=time.monotonic) -> None:
        self.key, self.interval, self.sleep, self.clock = key, interval, sleep, clock

    def wait(self) -> None:
        if self.interval <= 0:
            return
        with self._lock:
            last = self._last.get(self.key)
            now = self.clock()
            delay = 0.0 if last is None else max(0.0, last + self.interval - now)
            self._last[self.key] = now + delay
        if delay:
            self.sleep(delay)


class HttpClient:
    """httpx with timeouts, a descriptive User-Agent, a rate limit and retries with backoff."""

    RETRY_STATUSES = {429, 500, 502, 503, 504}

    def __init__(
        self,
        *,
        rate_key: str,
        min_interval: float = 1.0,
        max_attempts: int = 3,
        backoff: float = 1.0,
        transport: httpx.BaseTransport | None = None,
        cookies: dict | None = None,
        headers: dict | None = None,
        sleep=time.sleep,
    ) -> None:
        self.client = httpx.Client(
            timeout=DEFAULT_TIMEOUT,
            headers={"User-Agent": getattr(settings, "LISTENING_USER_AGENT", USER_AGENT)}
            | (headers or {}),
            cookies=cookies,
            transport=transport,
            follow_redirects=True,
        )
        self.limiter = RateLimiter(rate_key, min_interval, sleep=sleep)
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.sleep = sleep

    def get(self, url: str, **kwargs) -> httpx.Response:
        last_error: Exception | None = None
        for attempt in range(1, self.max_attempts + 1):
            self.limiter.wait()
            try:
                response = self.client.get(url, **kwargs)
            except httpx.HTTPError as error:
                last_error = error
            else:
                if response.status_code not in self.RETRY_STATUSES:
                    if response.status_code >= 400:
                        raise ConnectorError(
                            _("The server answered %(status)d for %(url)s.")
                            % {"status": response.status_code, "url": url}
                        )
                    return response
                last_error = httpx.HTTPStatusError(
                    str(response.status_code), request=response.request, response=response
                )
            if attempt < self.max_attempts:
                jitter = 1 + random.random() / 4  # noqa: S311 - spreading retries, not crypto
                self.sleep(self.backoff * 2 ** (attempt - 1) * jitter)
        if isinstance(last_error, httpx.HTTPStatusError):
            raise ConnectorError(
                _("The server kept answering %(status)d for %(url)s.")
                % {"status": last_error.response.status_code, "url": url}
            )
        raise ConnectorError(
            _("Could not reach %(url)s: %(error)s")
            % {"url": url, "error": connection_error_words(last_error)}
        )

    def json(self, url: str, **kwargs):
        response = self.get(url, **kwargs)
        try:
            return response.json()
        except ValueError as error:
            raise ConnectorError(
                _("The answer from %(url)s is not valid JSON (it may be truncated).") % {"url": url}
            ) from error

    def close(self) -> None:
        self.client.close()


def parse_datetime_loose(value) -> datetime | None:
    """ISO 8601, common Taiwanese formats or a Unix time → aware datetime; None when unreadable
    or implausible (before 1990 or more than a day in the future)."""
    if value is None or value == "":
        return None
    result = None
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        try:
            number = float(value)
            if number > 1e11:  # milliseconds
                number /= 1000
            result = datetime.fromtimestamp(number, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    elif isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            result = datetime.fromisoformat(text)
        except ValueError:
            for fmt in (
                "%Y/%m/%d %H:%M:%S",
                "%Y/%m/%d %H:%M",
                "%Y/%m/%d",
                "%Y-%m-%d %H:%M",
                "%a %b %d %H:%M:%S %Y",
                "%Y-%m-%dT%H:%M:%S%z",
            ):
                try:
                    result = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
    elif isinstance(value, datetime):
        result = value
    if result is None:
        return None
    if timezone.is_naive(result):
        result = timezone.make_aware(result, timezone.get_default_timezone())
    if result.year < 1990 or result > timezone.now() + timedelta(days=1):
        return None
    return result


def clip(text: str, limit: int = MAX_TEXT_LENGTH) -> str:
    return (text or "")[:limit]


class Connector:
    """Base class: subclasses set ``kind`` and implement ``fetch``."""

    kind = ""
    min_interval = 1.0
    # Stored items younger than this many days are fetched again for late replies (0: never),
    # at most ``revisit_limit`` per run; config keys ``revisit_days`` / ``revisit_limit``.
    revisit_days = 0.0
    revisit_limit = 0

    def __init__(self, source, *, transport: httpx.BaseTransport | None = None, sleep=time.sleep):
        self.source = source
        self.config = source.config or {}
        self.transport = transport
        self.sleep = sleep
        self.warnings: list[str] = []
        self.revisit: list[str] = []  # external ids to fetch again, set by the service
        self.revisited: list[str] = []  # those actually fetched again (or found gone)

    def revisit_window(self) -> tuple[float, int]:
        """(days, most items per run) of re-visits; (0, 0) when this connector makes none."""
        try:
            days = float(self.config.get("revisit_days", self.revisit_days))
            limit = int(self.config.get("revisit_limit", self.revisit_limit))
        except (TypeError, ValueError):
            days, limit = self.revisit_days, self.revisit_limit
        return (days, limit) if days > 0 and limit > 0 else (0.0, 0)

    def http(self, **kwargs) -> HttpClient:
        return HttpClient(
            rate_key=f"source-{self.source.pk}",
            min_interval=float(self.config.get("min_interval_seconds", self.min_interval)),
            transport=self.transport,
            sleep=self.sleep,
            **kwargs,
        )

    def setting(self, key: str) -> str:
        value = self.config.get(key)
        if value in (None, ""):
            raise ConnectorError(_("The source's configuration lacks “%(key)s”.") % {"key": key})
        return value

    def fetch(self, cursor: dict) -> tuple[list[NormalisedPost], dict]:
        raise NotImplementedError


def connection_error_words(error: Exception | None) -> str:
    """Why a connection failed, in words an analyst can act on (the source list showed
    「[Errno -2] Name or service not known」)."""
    if isinstance(error, httpx.TimeoutException):
        return _("the server did not answer in time")
    if isinstance(error, httpx.ConnectError):
        text = str(error).lower()
        if "name or service" in text or "nodename" in text or "name resolution" in text:
            return _("no server has that name (check the address, or this network's DNS)")
        if "refused" in text:
            return _("the server refused the connection")
        return _("no connection could be made (check the address and this network)")
    return _("the connection failed (%(kind)s)") % {"kind": type(error).__name__}
