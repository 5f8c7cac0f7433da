"""「我的追蹤」: what a person follows across the apps, each app saying what is its own.

An app registers a provider in ``AppConfig.ready()``; the provider returns the user's follows
as :class:`FollowedItem`, each with the form target that unfollows it (a POST with
``unfollow_fields`` plus ``next``, so the person stays on the list).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.functional import Promise


@dataclass(frozen=True)
class FollowedItem:
    title: str
    url: str
    kind_label: str | Promise  # what it is: a consultation, a petition, a program
    since: datetime
    unfollow_url: str
    unfollow_fields: dict[str, str] = field(default_factory=dict)


FollowProvider = Callable[[object], list[FollowedItem]]
_PROVIDERS: dict[str, FollowProvider] = {}


def follow_provider_register(key: str, provider: FollowProvider) -> None:
    if key in _PROVIDERS and _PROVIDERS[key] is not provider:
        raise ValueError(f"follow provider {key!r} is already registered")
    _PROVIDERS[key] = provider


def follow_providers() -> dict[str, FollowProvider]:
    return dict(_PROVIDERS)
