"""A base for the site's own middleware, so that each runs in Django's async mode as well.

One middleware that only runs synchronously puts every request of an ASGI process through the
one thread Django keeps for sync code, async views included (the API's vote among them).
"""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction


class SyncAndAsyncMiddleware:
    """Subclasses write ``handle(request)`` (sync mode) and ``ahandle(request)`` (async mode)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self.ahandle(request)
        return self.handle(request)

    def handle(self, request):
        raise NotImplementedError

    async def ahandle(self, request):
        raise NotImplementedError
