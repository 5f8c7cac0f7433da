"""A lean way through Django for the few hot JSON endpoints that are async all the way down.

In Django's async mode each of its own middleware (sessions, CSRF, locale, security, …) runs its
steps on the one thread Django keeps for sync code, twice per request, so an async view still
queues behind every other request of the process: the API's vote managed about 140 votes/s on
two workers. The fast paths (``FAST_PATHS``) go through :class:`FastPathHandler` instead: the same
URLs, views, CSRF check and exception handlers, with the middleware steps they need done in place
(:class:`FastPathMiddleware`). Everything else goes through the whole stack.
"""

from __future__ import annotations

import re

from asgiref.sync import markcoroutinefunction
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.exception import convert_exception_to_response
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import set_script_prefix

from minyi.threads import in_worker_thread

# (method, path) of the endpoints that take the fast path; their views must be async.
FAST_PATHS = [("POST", re.compile(r"/api/v1/statements/\d+/vote"))]
# Every fast path is under it (a test checks), so other requests are told apart at once.
_FAST_PREFIX = "/api/"


def is_fast_path(scope: dict) -> bool:
    path = scope["path"]
    return (
        path.startswith(_FAST_PREFIX)
        and scope["type"] == "http"
        and any(
            scope["method"] == method and pattern.fullmatch(path) for method, pattern in FAST_PATHS
        )
    )


class FastPathMiddleware:
    """Session, user and response headers without trips to the sync thread: Django's own
    middleware, whose steps here are pure (the session and the user load lazily, on the worker
    thread that first reads them); a changed session is saved on a worker thread."""

    sync_capable = False
    async_capable = True

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.session = SessionMiddleware(get_response)
        self.authentication = AuthenticationMiddleware(get_response)
        self.security = SecurityMiddleware(get_response)
        self.frames = XFrameOptionsMiddleware(get_response)
        markcoroutinefunction(self)

    async def __call__(self, request):
        redirect = self.security.process_request(request)  # SECURE_SSL_REDIRECT
        if redirect is not None:
            return redirect
        self.session.process_request(request)
        self.authentication.process_request(request)
        response = await self.get_response(request)
        if request.session.modified or settings.SESSION_SAVE_EVERY_REQUEST:
            response = await in_worker_thread(self.session.process_response)(request, response)
        else:
            response = self.session.process_response(request, response)  # headers only
        response = self.security.process_response(request, response)
        return self.frames.process_response(request, response)


class FastPathHandler(ASGIHandler):
    """Django's ASGI handler without its per-request thread: Django runs each request in a
    ``ThreadSensitiveContext`` and sends ``request_started``/``request_finished`` through
    ``sync_to_async``, which starts (and stops) a thread for every request. Their receivers reset
    the serving thread's database connections, query log, caches and urlconf; a fast path uses
    none of these on the event loop (its database and cache work runs on worker threads, which
    close their own connections: minyi.threads; the urlconf is context-local), so they are not
    sent."""

    async def __call__(self, scope, receive, send) -> None:
        await self.handle(scope, receive, send)

    async def handle(self, scope, receive, send) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        request, error_response = self.create_request(scope, body_file)
        if request is None:
            response = error_response
        else:
            # No watch for an early disconnect: a fast path answers in milliseconds, and a vote
            # whose answer is lost is stored all the same (the client's next vote wins).
            response = await self.run_get_response(request)
        try:
            await self.send_response(response, send)
        finally:
            for closer in response._resource_closers:  # HttpResponse.close() without the signal
                closer()
            body_file.close()

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response_async)
        self._middleware_chain = convert_exception_to_response(FastPathMiddleware(handler))


def with_fast_paths(django_app):
    """The site's HTTP application: fast paths to :class:`FastPathHandler`, the rest to Django."""
    fast_app = FastPathHandler()

    async def http(scope, receive, send):
        app = fast_app if is_fast_path(scope) else django_app
        await app(scope, receive, send)

    return http
