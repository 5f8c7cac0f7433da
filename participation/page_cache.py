"""Whole-page cache of consultation pages for anonymous readers.

Most readers of a consultation are not signed in, and a popular draft is read far more often than
it is commented on. Their page is the same for everyone, so it is rendered once and kept in the
shared cache (Redis in production) under a key that changes whenever what it shows changes:

* every write that changes a consultation page sends a live event on its stream
  (``minyi.live.events.live_event_send``), which also bumps the stream's version
  (``minyi.live.versions``);
* publishing or unpublishing the page bumps the same version (:func:`consultation_page_changed`);
* the page opening or closing changes ``is_open``;
* display preferences (text size, contrast) and the language are part of the key.

Anything else (a tone badge added by the worker, a relative date) is at most ``TTL`` seconds old,
and no copy outlives the moment the consultation opens or closes.

Two layers serve the copy: :class:`AnonymousPageCacheMiddleware`, before authentication and
Wagtail's routing, for readers without a session cookie (most of them); and
:func:`page_serve_cached`, in the page's ``serve``, for every other anonymous reader.
Per-request values — the CSRF token and the Content-Security-Policy nonce — are rendered as
placeholders and filled in for each reader, so no reader ever gets another's token.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from minyi.live.versions import stream_version, stream_version_bump

logger = logging.getLogger(__name__)

TTL = 60
# Placeholders are plain ASCII so that escaping leaves them unchanged.
_PLACEHOLDERS: dict[str, tuple[str, Callable[[HttpRequest], str]]] = {
    "csrf_token": ("MINYI-CSRF-PLACEHOLDER-5b1f", lambda request: get_token(request)),
    "csp_nonce": (
        "MINYI-NONCE-PLACEHOLDER-9c2e",
        lambda request: getattr(request, "csp_nonce", ""),
    ),
}
CACHE_HEADER = "X-Minyi-Page-Cache"


def _cacheable(request: HttpRequest) -> bool:
    if request.method not in {"GET", "HEAD"} or request.GET:
        return False
    user = getattr(request, "user", None)
    if user is None or user.is_authenticated:
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and len(messages))


def _page_state(page, stream: str) -> dict:
    """What of the page itself goes into the key; kept with the path for the fast path."""
    return {
        "page": page.pk,
        "published": page.last_published_at.timestamp() if page.last_published_at else 0,
        "open": page.is_open,
        "stream": stream,
    }


def _key(request: HttpRequest, state: dict) -> str:
    from minyi.home.context_processors import display_preferences

    prefs = display_preferences(request)
    parts = [
        str(state["page"]),
        str(state["published"]),
        str(state["open"]),
        get_language() or settings.LANGUAGE_CODE,
        prefs["text_size"],
        prefs["contrast"],
        request.get_host(),
        request.path,
        str(stream_version(state["stream"])),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"minyi:page:{digest}"


def _path_key(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{request.get_host()}\x1f{request.path}".encode()).hexdigest()
    return f"minyi:page-path:{digest}"


def _seconds_until_status_changes(page) -> int:
    """The page opens or closes at a set time: a cached copy must not outlive that."""
    from django.utils import timezone

    now = timezone.now()
    upcoming = [t for t in (page.opens_at, page.closes_at) if t and t > now]
    if not upcoming:
        return TTL
    return max(1, min(TTL, int((min(upcoming) - now).total_seconds())))


def _cached_response(request: HttpRequest, stored) -> HttpResponse:
    content_type, body = stored
    response = HttpResponse(_fill(body, request), content_type=content_type)
    response[CACHE_HEADER] = "hit"
    return response


def _fill(content: str, request: HttpRequest) -> str:
    for placeholder, value in _PLACEHOLDERS.values():
        if placeholder in content:
            content = content.replace(placeholder, value(request))
    return content


def page_serve_cached(
    *, request: HttpRequest, page, stream: str, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The anonymous reader's page from the cache, or ``render()`` (stored when it is a plain
    200 page); signed-in readers always get ``render()``."""
    if not _cacheable(request):
        return render()
    state = _page_state(page, stream)
    key = _key(request, state)
    try:
        stored = cache.get(key)
    except Exception:
        logger.exception("Page cache unavailable")
        return render()
    if stored is not None:
        return _cached_response(request, stored)

    response = render()
    if getattr(response, "context_data", None) is None or not hasattr(response, "render"):
        return response
    for name, (placeholder, _value) in _PLACEHOLDERS.items():
        response.context_data[name] = placeholder
    response.render()
    if response.status_code == 200 and not response.cookies:
        body = response.content.decode(response.charset)
        ttl = _seconds_until_status_changes(page)
        try:
            cache.set_many(
                {key: (response["Content-Type"], body), _path_key(request): state}, timeout=ttl
            )
        except Exception:
            logger.exception("Page cache unavailable")
        response.content = _fill(body, request).encode(response.charset)
    else:
        response.content = _fill(response.content.decode(response.charset), request).encode(
            response.charset
        )
    response[CACHE_HEADER] = "miss"
    return response


class AnonymousPageCacheMiddleware:
    """Serves a cached page before authentication, Wagtail's routing and the view run.

    Only for requests that cannot be signed in (no session cookie) and carry no flash messages;
    everything else goes down the stack, where :func:`page_serve_cached` still serves anonymous
    readers who have a session. Placed after CsrfViewMiddleware (so the reader's CSRF cookie is
    set on the way out) and LocaleMiddleware (the language is part of the key).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._hit(request)
        return response if response is not None else self.get_response(request)

    @staticmethod
    def _hit(request: HttpRequest) -> HttpResponse | None:
        if request.method not in {"GET", "HEAD"} or request.GET:
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
            return None
        try:
            state = cache.get(_path_key(request))
            stored = cache.get(_key(request, state)) if state is not None else None
        except Exception:
            logger.exception("Page cache unavailable")
            return None
        if stored is None:
            return None
        response = _cached_response(request, stored)
        # XFrameOptionsMiddleware sits below this one.
        response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
        return response


def consultation_page_changed(sender, instance, **kwargs) -> None:
    """A revision published or the page unpublished: its cached copies are stale."""
    stream = getattr(instance.specific_deferred, "live_stream", None)
    if stream:
        stream_version_bump(stream)


def view_restriction_changed(sender, instance, **kwargs) -> None:
    """A page (or a section above it) became private or public again: the cached copies of
    every consultation below it are stale at once, not after ``TTL``."""
    from .models import ConsultationPage

    for pk in (
        ConsultationPage.objects.descendant_of(instance.page, inclusive=True)
        .values_list("pk", flat=True)
        .iterator()
    ):
        stream_version_bump(ConsultationPage.stream_of(pk))
