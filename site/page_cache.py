"""Whole-page cache of public pages (consultations, the performance dashboard) for readers who
are not staff.

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
vote on, withdraw buttons on their own comments — are holes filled for each reader by the
registered :class:`Personalisation` (participation's page holes). Staff always get the page
rendered in full. A page kind without holes (the dashboard) serves only the anonymous copy.
``MINYI_PAGE_CACHE = False`` turns the cache off (every page rendered in full).

A cached page offers ``pk`` and may offer ``is_open`` (part of the key) and ``opens_at`` /
``closes_at`` (no copy outlives them); its ``live_stream`` names the version that its writes bump.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from minyi.live.versions import stream_version_bump, stream_version_key

logger = logging.getLogger(__name__)

# Stands for the reader's CSRF token in a shared copy, replaced for each reader (plain ASCII,
# unchanged by escaping).
CSRF_PLACEHOLDER = "MINYI-CSRF-PLACEHOLDER-5b1f"


def csrf_token_once(request: HttpRequest) -> str:
    """The reader's masked CSRF token, made once per request: every form on the page accepts
    the same one, and masking a fresh one (``get_token``) draws 32 characters from the
    system's random source each time."""
    token = request.__dict__.get("_minyi_csrf_token")
    if token is None:
        token = request.__dict__["_minyi_csrf_token"] = get_token(request)
    return token


@dataclass(frozen=True)
class Personalisation:
    """How the citizens' shared copy gets each reader's own parts.

    ``deferred_flag`` is set in the template context while the shared copy renders (its parts
    become placeholders); ``prepare(page)`` is what the fill needs of the page, kept with the
    copy; ``fill(content, request, prepared)`` puts the reader's parts in."""

    deferred_flag: str
    prepare: Callable[[object], object]
    fill: Callable[[str, HttpRequest, object], str]


_personalisation: Personalisation | None = None


def page_cache_personalisation_register(personalisation: Personalisation) -> None:
    """Called once by the app whose pages have per-reader holes (participation)."""
    global _personalisation
    _personalisation = personalisation


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
ALL_VARIANTS = frozenset({ANONYMOUS, CITIZEN})


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


def _page_state(page, stream: str, variants: Collection[str]) -> dict:
    """What of the page itself goes into the key; kept with the path for the fast path."""
    return {
        "page": page.pk,
        "published": page.last_published_at.timestamp() if page.last_published_at else 0,
        "open": bool(getattr(page, "is_open", False)),
        "stream": stream,
        "variants": sorted(variants),
    }


def _key(request: HttpRequest, state: dict, variant: str = ANONYMOUS) -> str:
    """Where this reader's copy is kept. The stream's version is stored with the copy, not in
    the key, so that one read (``_lookup``) fetches both the copy and the current version."""
    from minyi.home.context_processors import display_preferences

    prefs = display_preferences(request)
    parts = [
        "4",  # the stored value's layout
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
    moments = (getattr(page, "opens_at", None), getattr(page, "closes_at", None))
    upcoming = [t for t in moments if t and t > now]
    if not upcoming:
        return TTL
    return max(1, min(TTL, int((min(upcoming) - now).total_seconds())))


def _cached_response(request: HttpRequest, stored, variant: str) -> HttpResponse:
    content_type, body, prepared = stored
    own_parts = prepared if variant == CITIZEN else None
    response = HttpResponse(_fill(body, request, own_parts), content_type=content_type)
    response[CACHE_HEADER] = "hit"
    return response


def _fill(content: str, request: HttpRequest, prepared: object = None) -> str:
    """The shared copy as this reader gets it: their own parts (citizens' copy, from what
    ``Personalisation.prepare`` kept), then their CSRF token and script nonce."""
    if prepared is not None and _personalisation is not None:
        content = _personalisation.fill(content, request, prepared)
    for placeholder, value in _PLACEHOLDERS.values():
        if placeholder in content:
            content = content.replace(placeholder, value(request))
    return content


def page_serve_cached(
    *,
    request: HttpRequest,
    page,
    stream: str,
    render: Callable[[], HttpResponse],
    variants: Collection[str] = ALL_VARIANTS,
) -> HttpResponse:
    """The reader's page from the shared copy of their variant, or ``render()`` (stored when it
    is a plain 200 page); staff, and readers of a variant not in ``variants``, always get
    ``render()``. The citizens' copy needs the registered :class:`Personalisation`."""
    variant = _variant(request)
    if variant == CITIZEN and _personalisation is None:
        variant = None
    if variant is None or variant not in variants:
        return render()
    state = _page_state(page, stream, variants)
    try:
        key, version, stored = _lookup(request, state, variant)
    except Exception:
        logger.exception("Page cache unavailable")
        return render()
    if stored is not None:
        return _cached_response(request, stored, variant)

    response = render()
    if getattr(response, "context_data", None) is None or not hasattr(response, "render"):
        return response
    for name, (placeholder, _value) in _PLACEHOLDERS.items():
        response.context_data[name] = placeholder
    own_parts = None
    if variant == CITIZEN:
        response.context_data[_personalisation.deferred_flag] = True
        own_parts = _personalisation.prepare(page)
    response.render()
    if response.status_code == 200 and not response.cookies:
        body = response.content.decode(response.charset)
        ttl = _seconds_until_status_changes(page)
        try:
            cache.set_many(
                {
                    key: (version, response["Content-Type"], body, own_parts),
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
        response = _cached_response(request, stored, variant)
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
        if variant is None or variant not in state.get("variants", ALL_VARIANTS):
            return None
        try:
            stored = _lookup(request, state, variant)[2]
        except Exception:
            logger.exception("Page cache unavailable")
            return None
        if stored is None:
            return None
        return _PageCacheMiddleware._served(request, stored, variant, state)


def page_published_changed(sender, instance, **kwargs) -> None:
    """A revision published or the page unpublished: its cached copies are stale."""
    stream = getattr(instance.specific_deferred, "live_stream", None)
    if stream:
        stream_version_bump(stream)
