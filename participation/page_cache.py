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

Three layers serve the copies: :class:`AnonymousPageCacheMiddleware`, before authentication and
Wagtail's routing, for readers without a session cookie (most of them);
:class:`SignedInPageCacheMiddleware`, after authentication but before Wagtail's routing, for
signed-in citizens and other readers with a session; and :func:`page_serve_cached`, in the
page's ``serve``, which renders and stores a copy when none is there.
Per-request values — the CSRF token and the Content-Security-Policy nonce — are rendered as
placeholders and filled in for each reader, so no reader ever gets another's token.

Signed-in citizens (no staff role, agency or permission: ``user_is_citizen_only``) share a
second copy in which the few parts that differ between them — follow button, next statement to
vote on, withdraw buttons on their own comments — are holes filled for each reader
(:mod:`participation.page_holes`). Staff always get the page rendered in full.
``MINYI_PAGE_CACHE = False`` turns the cache off (every page rendered in full).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from minyi.live.versions import stream_version_bump, stream_version_key

from .page_holes import (
    CSRF_PLACEHOLDER,
    DEFERRED,
    PageRef,
    csrf_token_once,
    page_holes_fill,
    page_ref,
)

logger = logging.getLogger(__name__)

TTL = 60
# Placeholders are plain ASCII so that escaping leaves them unchanged.
_PLACEHOLDERS: dict[str, tuple[str, Callable[[HttpRequest], str]]] = {
    "csrf_token": (CSRF_PLACEHOLDER, csrf_token_once),
    "csp_nonce": (
        "MINYI-NONCE-PLACEHOLDER-9c2e",
        lambda request: getattr(request, "csp_nonce", ""),
    ),
}
CACHE_HEADER = "X-Minyi-Page-Cache"


ANONYMOUS, CITIZEN = "anonymous", "citizen"


def _variant(request: HttpRequest, *, citizen_known: bool | None = None) -> str | None:
    """Which shared copy this reader gets, or None for a page rendered just for them.
    ``citizen_known``: the remembered ``_citizen_only`` answer, when the caller has read it."""
    if not getattr(settings, "MINYI_PAGE_CACHE", True):
        return None
    if request.method not in {"GET", "HEAD"} or request.GET:
        return None
    messages = getattr(request, "_messages", None)
    if messages is not None and len(messages):
        return None
    user = getattr(request, "user", None)
    if user is None:
        return None
    if not user.is_authenticated:
        return ANONYMOUS
    return CITIZEN if _citizen_only(user, known=citizen_known) else None


def _citizen_key(user) -> str:
    return f"minyi:citizen-only:{user.pk}"


def _citizen_only(user, *, known: bool | None = None) -> bool:
    """``user_is_citizen_only``, remembered for ``TTL`` seconds: a change of role shows within a
    minute, and the citizens' copy holds nothing a signed-in citizen may not see."""
    from minyi.agencies.selectors import user_is_citizen_only

    if known is None:
        try:
            known = cache.get(_citizen_key(user))
        except Exception:
            known = None
    if known is None:
        known = user_is_citizen_only(user)
        try:
            cache.set(_citizen_key(user), known, timeout=TTL)
        except Exception:
            logger.exception("Page cache unavailable")
    return known


def _page_state(page, stream: str) -> dict:
    """What of the page itself goes into the key; kept with the path for the fast path."""
    return {
        "page": page.pk,
        "published": page.last_published_at.timestamp() if page.last_published_at else 0,
        "open": page.is_open,
        "stream": stream,
    }


def _key(request: HttpRequest, state: dict, variant: str = ANONYMOUS) -> str:
    """Where this reader's copy is kept. The stream's version is stored with the copy, not in
    the key, so that one read (``_lookup``) fetches both the copy and the current version."""
    from minyi.home.context_processors import display_preferences

    prefs = display_preferences(request)
    parts = [
        "3",  # the stored value's layout
        variant,
        str(state["page"]),
        str(state["published"]),
        str(state["open"]),
        get_language() or settings.LANGUAGE_CODE,
        prefs["text_size"],
        prefs["contrast"],
        request.get_host(),
        request.path,
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"minyi:page:{digest}"


def _lookup(request: HttpRequest, state: dict, variant: str) -> tuple[str, int, tuple | None]:
    """The copy's key, the stream's current version, and the copy if it is of that version."""
    key, version_key = _key(request, state, variant), stream_version_key(state["stream"])
    found = cache.get_many([key, version_key])
    version, stored = found.get(version_key, 0), found.get(key)
    if stored is None or stored[0] != version:
        return key, version, None
    return key, version, stored[1:]


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


def _cached_response(
    request: HttpRequest, stored, variant: str, page_pk: int, is_open: bool
) -> HttpResponse:
    content_type, body, vote_order = stored
    own_parts = PageRef(page_pk, is_open, vote_order) if variant == CITIZEN else None
    response = HttpResponse(_fill(body, request, own_parts), content_type=content_type)
    response[CACHE_HEADER] = "hit"
    return response


def _fill(content: str, request: HttpRequest, page: PageRef | None = None) -> str:
    """The shared copy as this reader gets it: their own parts (citizens' copy of ``page``),
    then their CSRF token and script nonce."""
    if page is not None:
        content = page_holes_fill(content, request=request, page=page)
    for placeholder, value in _PLACEHOLDERS.values():
        if placeholder in content:
            content = content.replace(placeholder, value(request))
    return content


def page_serve_cached(
    *, request: HttpRequest, page, stream: str, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The reader's page from the shared copy of their variant, or ``render()`` (stored when it
    is a plain 200 page); staff always get ``render()``."""
    variant = _variant(request)
    if variant is None:
        return render()
    state = _page_state(page, stream)
    try:
        key, version, stored = _lookup(request, state, variant)
    except Exception:
        logger.exception("Page cache unavailable")
        return render()
    if stored is not None:
        return _cached_response(request, stored, variant, page.pk, page.is_open)

    response = render()
    if getattr(response, "context_data", None) is None or not hasattr(response, "render"):
        return response
    for name, (placeholder, _value) in _PLACEHOLDERS.items():
        response.context_data[name] = placeholder
    own_parts = None
    if variant == CITIZEN:
        response.context_data[DEFERRED] = True
        own_parts = page_ref(page)
    response.render()
    if response.status_code == 200 and not response.cookies:
        body = response.content.decode(response.charset)
        ttl = _seconds_until_status_changes(page)
        try:
            vote_order = own_parts.vote_order if own_parts else ()
            cache.set_many(
                {
                    key: (version, response["Content-Type"], body, vote_order),
                    _path_key(request): state,
                },
                timeout=ttl,
            )
        except Exception:
            logger.exception("Page cache unavailable")
    else:
        body = response.content.decode(response.charset)
    response.content = _fill(body, request, own_parts).encode(response.charset)
    response[CACHE_HEADER] = "miss"
    return response


class _PageCacheMiddleware:
    """Answers from a cached copy (``_hit``) or passes the request down the stack."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._hit(request)
        return response if response is not None else self.get_response(request)

    @staticmethod
    def _hit(request: HttpRequest) -> HttpResponse | None:
        raise NotImplementedError

    @staticmethod
    def _served(request: HttpRequest, stored, variant: str, state: dict) -> HttpResponse:
        response = _cached_response(request, stored, variant, state["page"], state["open"])
        # XFrameOptionsMiddleware sits below both middlewares.
        response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
        return response


class AnonymousPageCacheMiddleware(_PageCacheMiddleware):
    """Serves a cached page before authentication, Wagtail's routing and the view run.

    Only for requests that cannot be signed in (no session cookie) and carry no flash messages;
    everything else goes down the stack, to :class:`SignedInPageCacheMiddleware` and
    :func:`page_serve_cached`. Placed after CsrfViewMiddleware (so the reader's CSRF cookie is
    set on the way out) and LocaleMiddleware (the language is part of the key).
    """

    @staticmethod
    def _hit(request: HttpRequest) -> HttpResponse | None:
        if request.method not in {"GET", "HEAD"} or request.GET:
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
            return None
        try:
            state = cache.get(_path_key(request))
            stored = _lookup(request, state, ANONYMOUS)[2] if state is not None else None
        except Exception:
            logger.exception("Page cache unavailable")
            return None
        if stored is None:
            return None
        return _PageCacheMiddleware._served(request, stored, ANONYMOUS, state)


class SignedInPageCacheMiddleware(_PageCacheMiddleware):
    """Serves a cached page to readers with a session, before Wagtail's routing and the view.

    Placed after AuthenticationMiddleware and MessageMiddleware: who the reader is and whether a
    flash message waits decide which copy, if any, they get. Only paths whose copy is known
    (``_path_key``) cost more than one cache read.
    """

    @staticmethod
    def _hit(request: HttpRequest) -> HttpResponse | None:
        if request.method not in {"GET", "HEAD"} or request.GET:
            return None
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None  # AnonymousPageCacheMiddleware's
        # The path's state and whether the reader is a plain citizen come in one cache read.
        user = getattr(request, "user", None)
        keys = {"state": _path_key(request)}
        if user is not None and user.is_authenticated:
            keys["citizen"] = _citizen_key(user)
        try:
            found = cache.get_many(list(keys.values()))
        except Exception:
            logger.exception("Page cache unavailable")
            return None
        state = found.get(keys["state"])
        if state is None:
            return None
        variant = _variant(request, citizen_known=found.get(keys.get("citizen")))
        if variant is None:
            return None
        try:
            stored = _lookup(request, state, variant)[2]
        except Exception:
            logger.exception("Page cache unavailable")
            return None
        if stored is None:
            return None
        return _PageCacheMiddleware._served(request, stored, variant, state)


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
