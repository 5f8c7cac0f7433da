"""The header's bell: a link to the notifications with the reader's unread count.

A page cached for many readers cannot hold one reader's count. An app that caches pages
registers a deferral: while it renders a shared copy, the bell becomes its placeholder, which
the app fills for each reader (participation's page holes do, with one query per page).
"""

from collections.abc import Callable

from django.template.loader import render_to_string

from .selectors import unread_count

BELL_TEMPLATE = "notifications/includes/notification_bell.html"

# Given the template context: a placeholder to leave instead of the bell, or None.
BellDeferral = Callable[[object], str | None]
_DEFERRALS: list[BellDeferral] = []


def bell_deferral_register(deferral: BellDeferral) -> None:
    if deferral not in _DEFERRALS:
        _DEFERRALS.append(deferral)


def bell_output(context) -> str:
    for deferral in _DEFERRALS:
        placeholder = deferral(context)
        if placeholder is not None:
            return placeholder
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    # No request in the template context: no context processor runs for the bell.
    return render_to_string(BELL_TEMPLATE, {"unread": unread_count(request.user)})
