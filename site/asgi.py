"""ASGI entry point: HTTP through Django (a few hot endpoints by a lean way: minyi.fast_paths),
WebSockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minyi.settings")
# Django must be set up before anything imports models (the WebSocket routes do).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from minyi.fast_paths import with_fast_paths  # noqa: E402
from minyi.live.routing import websocket_urlpatterns as live_patterns  # noqa: E402
from participation.routing import websocket_urlpatterns as participation_patterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": with_fast_paths(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(live_patterns + participation_patterns))
        ),
    }
)
