"""Session sign-in for the API's async operations.

ninja's ``django_auth`` reads ``request.user`` synchronously; on an async operation ninja then runs
it on the one thread Django keeps for sync code, where every request of the process queues. This
one loads the session and the user on a worker thread (minyi.threads), with the same CSRF check.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from ninja.security import APIKeyCookie

from minyi.threads import in_worker_thread


def _active_user(request, admit: Callable | None):
    user = request.user  # AuthenticationMiddleware's lazy user: the session is read here
    if not (user.is_authenticated and user.is_active):
        return None
    if admit is not None:
        admit(user)
    return user


class AsyncSessionAuth(APIKeyCookie):
    """Django's session, for async operations; CSRF is checked as for ``django_auth``.

    ``admit(user)``, when given, runs on the same worker-thread trip once the person is known: an
    operation's own checks of the person (identity level, rate limit) cost no second trip. It
    raises to refuse; the API's exception handlers answer.
    """

    param_name = settings.SESSION_COOKIE_NAME
    is_async = True  # ninja awaits what __call__ returns

    def __init__(self, *, admit: Callable | None = None) -> None:
        super().__init__()
        self.admit = admit

    async def authenticate(self, request, key):
        return await in_worker_thread(_active_user)(request, self.admit)
