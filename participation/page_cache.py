"""Whole-page cache of consultation pages for anonymous readers.

Most readers of a consultation are not signed in, and a popular draft is read far more often than
it is commented on. Their page is the same for everyone, so it is rendered once and kept in the
shared cache (Redis in production) under a key that changes whenever what it shows changes:

* every write that changes a consultation page sends a live event on its stream
  (``minyi.live.events.live_event_send``), which also bumps the stream's version
  (``minyi.live.versions``);
* publishing a new revision changes ``last_published_at``;
* the page opening or closing changes ``is_open``;
* display preferences (text size, contrast) and the language are part of the key.

Anything else (a tone badge added by the worker, a relative date) is at most ``TTL`` seconds old.
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

from minyi.live.versions import stream_version

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


def _key(request: HttpRequest, page, stream: str) -> str:
    from minyi.home.context_processors import display_preferences

    prefs = display_preferences(request)
    parts = [
        str(page.pk),
        str(page.last_published_at.timestamp() if page.last_published_at else 0),
        str(page.is_open),
        get_language() or settings.LANGUAGE_CODE,
        prefs["text_size"],
        prefs["contrast"],
        request.get_host(),
        request.path,
        str(stream_version(stream)),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"minyi:page:{digest}"


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
    key = _key(request, page, stream)
    try:
        stored = cache.get(key)
    except Exception:
        logger.exception("Page cache unavailable")
        return render()
    if stored is not None:
        content_type, body = stored
        response = HttpResponse(_fill(body, request), content_type=content_type)
        response[CACHE_HEADER] = "hit"
        return response

    response = render()
    if getattr(response, "context_data", None) is None or not hasattr(response, "render"):
        return response
    for name, (placeholder, _value) in _PLACEHOLDERS.items():
        response.context_data[name] = placeholder
    response.render()
    if response.status_code == 200 and not response.cookies:
        body = response.content.decode(response.charset)
        try:
            cache.set(key, (response["Content-Type"], body), timeout=TTL)
        except Exception:
            logger.exception("Page cache unavailable")
        response.content = _fill(body, request).encode(response.charset)
    else:
        response.content = _fill(response.content.decode(response.charset), request).encode(
            response.charset
        )
    response[CACHE_HEADER] = "miss"
    return response
