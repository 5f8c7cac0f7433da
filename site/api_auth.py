"""Session sign-in for the API's async operations.

ninja's ``django_auth`` reads ``request.user`` synchronously; on an async operation ninja then runs
it on the one thread Django keeps for sync code, where every request of the process queues. This
one loads the session and the user on a worker thread (minyi.threads), with the same CSRF check.
"""

from __future__ import annotations

from django.conf import settings
from ninja.security import APIKeyCookie

from minyi.threads import in_worker_thread


def _active_user(request):
    user = request.user  # AuthenticationMiddleware's lazy user: the session is read here
    return user if user.is_authenticated and user.is_active else None


class AsyncSessionAuth(APIKeyCookie):
    """Django's session, for async operations; CSRF is checked as for ``django_auth``."""

    param_name = settings.SESSION_COOKIE_NAME
    is_async = True  # ninja awaits what __call__ returns

    async def authenticate(self, request, key):
        return await in_worker_thread(_active_user)(request)


async_session_auth = AsyncSessionAuth()
