"""The parts of a consultation page that differ between signed-in citizens.

A citizen's consultation page is the same for every citizen except for a few small parts: the
follow button (following or not), the next statement to vote on, and the withdraw button on the
reader's own comments. The page cache (:mod:`minyi.page_cache`) keeps one copy for all
citizens with these parts left as holes, and fills them for each reader with one indexed query
(``reader_parts``) instead of rendering the whole page (about 100 ms with 1,000 comments).

Every render uses the same code: when the page is rendered in full (staff, or the cache turned
off) the ``{% page_hole %}`` tag renders its part in place with the functions below; when it is
rendered for the cache the tag leaves a placeholder, and :func:`page_holes_fill` renders the same
templates with the same functions for the reader who asked. The parts take few shapes (following
or not, the next statement, a comment's actions), so the fill renders each shape once per
process and language and leaves the reader's CSRF token to the page cache.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.translation import get_language

from minyi.page_cache import CSRF_PLACEHOLDER, Personalisation, csrf_token_once

from .standing import votes_to_join

# Set in the template context while a page is rendered for the shared citizens' copy.
DEFERRED = "page_holes_deferred"


@dataclass(frozen=True)
class PageRef:
    """What the holes need of a consultation page. The page cache's middleware has only this
    (kept with the cached copy); a full render builds it from the page (:func:`page_ref`)."""

    pk: int
    is_open: bool
    # Visible statements (id, text) in the order they are offered for voting.
    vote_order: tuple[tuple[int, str], ...]


def page_ref(page, *, for_voting: bool = True) -> PageRef:
    """``for_voting=False`` (an anonymous reader, who gets no vote card) skips the query."""
    from .selectors import statement_vote_order

    voting = for_voting and page.is_open
    return PageRef(
        pk=page.pk,
        is_open=page.is_open,
        vote_order=tuple(statement_vote_order(consultation=page)) if voting else (),
    )


@dataclass(frozen=True)
class NextStatement:
    pk: int
    text: str


def _follow_context(request: HttpRequest, page: PageRef, parts) -> dict:
    return {"kind": "consultation", "pk": page.pk, "following": parts.follows}


# The confirmation of a vote cast without JavaScript is shown on the card the reader lands on
# (the plain form redirects to ``#vote``), not at the top of the page, out of sight.
VOTE_MESSAGE_TAG = "vote-card"


def _vote_message(request: HttpRequest) -> str:
    from django.contrib.messages import get_messages

    if getattr(request, "_messages", None) is None:
        return ""
    return "".join(
        str(message) for message in get_messages(request) if VOTE_MESSAGE_TAG in message.tags
    )


def _vote_context(request: HttpRequest, page: PageRef, parts) -> dict:
    upcoming, remaining, voted = None, 0, 0
    signed_in = page.is_open and request.user.is_authenticated
    if signed_in:
        unvoted = [
            (pk, text) for pk, text in page.vote_order if pk not in parts.voted_statement_ids
        ]
        remaining = len(unvoted)
        voted = len(page.vote_order) - remaining
        if unvoted:
            upcoming = NextStatement(*unvoted[0])
    return {
        "next_statement": upcoming,
        # Every name is in every context: the shared copy renders each shape once.
        "vote_open": signed_in,
        "remaining": remaining,
        "statement_total": len(page.vote_order),
        "consultation_pk": page.pk,
        "vote_message": _vote_message(request) if signed_in else "",
        # Votes still needed before "Where I stand" shows the reader's place (Pol.is: 7).
        "standing_needed": max(0, votes_to_join(len(page.vote_order)) - voted) if signed_in else 0,
    }


@dataclass(frozen=True)
class Hole:
    template: str
    context: Callable[[HttpRequest, PageRef, object], dict]

    @property
    def placeholder(self) -> str:
        return f"MINYI-HOLE-{self.template.rsplit('/', 1)[-1].removesuffix('.html')}-7d3a"


HOLES: dict[str, Hole] = {
    "follow": Hole("participation/includes/follow_button.html", _follow_context),
    "vote": Hole("participation/includes/vote_card.html", _vote_context),
}

# Every top-level comment in the citizens' copy carries a report link; on the reader's own
# comments it becomes a withdraw button. Both are rendered for a stand-in comment id
# (``_render_shared``) and the reader's ids substituted for it: the id is the only thing that
# differs between comments (digits, unchanged by escaping and URL reversing), and a reader may
# have written dozens of comments.
COMMENT_ACTIONS_TEMPLATE = "participation/includes/comment_actions.html"
_STAND_IN_PK = 9_007_199_254_740_881  # beyond any id a comment will get


def _render(template: str, request: HttpRequest, context: dict) -> str:
    # Without ``request`` no context processor runs: a hole costs only its own work.
    return get_template(template).render(
        {
            "request": request,
            "user": request.user,
            "csrf_token": csrf_token_once(request),
            **context,
        }
    )


def _reader(request: HttpRequest, page: PageRef):
    """The reader's own parts of ``page``, read once per request."""
    from .selectors import reader_parts

    memo = request.__dict__.setdefault("_minyi_reader_parts", {})
    if page.pk not in memo:
        memo[page.pk] = reader_parts(consultation=page.pk, user=request.user)
    return memo[page.pk]


def page_hole_render(
    *, name: str, request: HttpRequest, page: PageRef, extra: dict | None = None
) -> str:
    hole = HOLES[name]
    context = hole.context(request, page, _reader(request, page))
    return _render(hole.template, request, {**context, **(extra or {})})


def vote_card_render(*, request: HttpRequest, consultation, message: str = "") -> str:
    """The reader's next vote card, freshly read (the answer to a vote sent with JavaScript)."""
    return page_hole_render(
        name="vote", request=request, page=page_ref(consultation), extra={"vote_message": message}
    )


class _SignedIn:
    """All that the parts' templates read of the reader in a citizens' copy."""

    is_authenticated = True


def _render_shared(template: str, context: dict) -> str:
    """A part as every citizen with this ``context`` gets it, the CSRF token left as its
    placeholder. The parts take few shapes (following or not, the next statement), so each is
    rendered once per process and language, not once per request."""
    if settings.DEBUG:  # templates change under the development server
        return _rendered.__wrapped__(template, get_language(), tuple(sorted(context.items())))
    return _rendered(template, get_language(), tuple(sorted(context.items())))


@functools.lru_cache(maxsize=4096)
def _rendered(template: str, language: str, context: tuple) -> str:
    return get_template(template).render(
        {"user": _SignedIn(), "csrf_token": CSRF_PLACEHOLDER, **dict(context)}
    )


def page_hole_output(*, name: str, context) -> str:
    """What ``{% page_hole name %}`` writes: the part itself (a rendered template, already safe)
    or its placeholder (plain ASCII, unchanged by escaping)."""
    if context.get(DEFERRED):
        return HOLES[name].placeholder
    request, page = context["request"], context["page"]
    memo = request.__dict__.setdefault("_minyi_page_refs", {})
    if page.pk not in memo:
        memo[page.pk] = page_ref(page, for_voting=request.user.is_authenticated)
    return page_hole_render(name=name, request=request, page=memo[page.pk])


def page_holes_fill(content: str, *, request: HttpRequest, page: PageRef) -> str:
    """The citizens' copy of ``page`` as ``request.user`` sees it (their CSRF token still the
    placeholder: the page cache fills it in with the rest of the page)."""
    for hole in HOLES.values():
        if hole.placeholder in content:
            context = hole.context(request, page, _reader(request, page))
            content = content.replace(hole.placeholder, _render_shared(hole.template, context))
    parts = _reader(request, page)
    if BELL_PLACEHOLDER in content:
        from minyi.notifications.bell import BELL_TEMPLATE

        bell = _render_shared(BELL_TEMPLATE, {"unread": parts.unread_notifications})
        content = content.replace(BELL_PLACEHOLDER, bell)
    if not parts.comment_ids:
        return content
    stand_in = str(_STAND_IN_PK)
    report_shape = _comment_actions(own=False)
    for pk in parts.comment_ids:
        report = report_shape.replace(stand_in, str(pk))
        if report in content:
            editable = page.is_open and pk in parts.editable_comment_ids
            own_shape = _comment_actions(own=True, editable=editable)
            content = content.replace(report, own_shape.replace(stand_in, str(pk)), 1)
    return content


def _comment_actions(*, own: bool, editable: bool = False) -> str:
    return _render_shared(
        COMMENT_ACTIONS_TEMPLATE,
        {"comment": _stand_in_comment(), "own": own, "editable": editable},
    )


# The header's notification bell (minyi.notifications.bell): its unread count is the reader's own.
# Any page rendered for a shared copy leaves it as this placeholder, filled by page_holes_fill.
BELL_PLACEHOLDER = "MINYI-HOLE-bell-7d3a"


def bell_deferred(context) -> str | None:
    """Registered with minyi.notifications.bell in ``apps.py``."""
    return BELL_PLACEHOLDER if context.get(DEFERRED) else None


@functools.cache
def _stand_in_comment():
    from .models import Comment

    return Comment(pk=_STAND_IN_PK)


# What the page cache (minyi.page_cache) calls for the citizens' shared copy of a page.
PERSONALISATION = Personalisation(
    deferred_flag=DEFERRED,
    prepare=page_ref,
    fill=lambda content, request, page: page_holes_fill(content, request=request, page=page),
)
