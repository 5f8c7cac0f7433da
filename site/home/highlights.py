"""What other apps show on the home page, registered by them (no import of theirs here).

An app registers a provider in its ``AppConfig.ready``: a function returning a dict that goes
into the home page's template context. The home page stays whole when an app is not installed
or its provider fails for a moment: it is logged, and its section shows its empty state.
"""

import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

_PROVIDERS: dict[str, Callable[[], dict[str, Any]]] = {}


def home_highlights_register(name: str, provider: Callable[[], dict[str, Any]]) -> None:
    _PROVIDERS[name] = provider


def home_highlights_collect() -> dict[str, Any]:
    context: dict[str, Any] = {}
    for name, provider in _PROVIDERS.items():
        try:
            context.update(provider())
        except Exception:
            logger.exception("Home page highlights of %s failed", name)
    return context
