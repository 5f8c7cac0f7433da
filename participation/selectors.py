"""Reads for consultations and their statements."""

from django.db import models
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from .models import (
    Comment,
    CommentState,
    ConsultationPage,
    ModerationState,
    Stance,
    Statement,
    Vote,
)


def consultation_list() -> QuerySet[ConsultationPage]:
    return ConsultationPage.objects.live().public().select_related("agency").order_by("-opens_at")


def consultation_open_list() -> QuerySet[ConsultationPage]:
    """Consultations taking comments now, closing soonest first."""
    now = timezone.now()
    return (
        consultation_list()
        .filter(opens_at__lte=now, closes_at__gt=now, responded_at__isnull=True)
        .order_by("closes_at")
    )


def consultation_by_slug(slug: str) -> ConsultationPage:
    return ConsultationPage.objects.select_related("agency").get(slug=slug)


def consultation_statements(*, consultation: ConsultationPage) -> QuerySet[Statement]:
    """Statements shown to the public: neither rejected nor awaiting review."""
    return (
        Statement.objects.filter(consultation=consultation)
        .exclude(moderation_state__in=[ModerationState.REJECTED, ModerationState.HELD])
        .order_by("created_at", "pk")
    )


def statement_tallies(*, consultation: ConsultationPage) -> QuerySet[Statement]:
    return Statement.objects.filter(consultation=consultation).order_by("pk")


def consultation_comments(*, consultation: ConsultationPage) -> list[Comment]:
    """Published top-level comments with their published replies, oldest first (3 queries)."""
    replies = Prefetch(
        "replies",
        queryset=Comment.objects.filter(state=CommentState.PUBLISHED).select_related("author"),
        to_attr="visible_replies",
    )
    return list(
        Comment.objects.filter(
            consultation=consultation, parent__isnull=True, state=CommentState.PUBLISHED
        )
        .select_related("author", "section")
        .prefetch_related(replies)
    )


def section_stance_counts(*, consultation: ConsultationPage) -> dict[int | None, dict[str, int]]:
    """Published top-level comments per section and stance; None is the whole consultation."""
    counts: dict[int | None, dict[str, int]] = {}
    rows = (
        Comment.objects.filter(
            consultation=consultation, parent__isnull=True, state=CommentState.PUBLISHED
        )
        .values("section_id", "stance")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        bucket = counts.setdefault(row["section_id"], dict.fromkeys(Stance.values, 0))
        bucket[row["stance"]] = row["n"]
    return counts


def statement_next_for_user(*, consultation: ConsultationPage, user) -> Statement | None:
    """The visible statement this user has not voted on with the fewest votes so far,
    so that new statements surface (Pol.is shows under-voted statements first)."""
    statements = consultation_statements(consultation=consultation)
    if user.is_authenticated:
        statements = statements.exclude(votes__participant__user=user)
    return (
        statements.annotate(
            total=models.F("agree_count") + models.F("disagree_count") + models.F("pass_count")
        )
        .order_by("total", "created_at", "pk")
        .first()
    )


def user_votes(*, consultation: ConsultationPage, user) -> dict[int, int]:
    if not user.is_authenticated:
        return {}
    return dict(
        Vote.objects.filter(
            statement__consultation=consultation, participant__user=user
        ).values_list("statement_id", "value")
    )
