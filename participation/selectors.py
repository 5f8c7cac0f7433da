"""Reads for consultations and their statements."""

from django.db.models import QuerySet
from django.utils import timezone

from .models import ConsultationPage, ModerationState, Statement


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
    """Statements shown to the public: everything except those moderators rejected."""
    return (
        Statement.objects.filter(consultation=consultation)
        .exclude(moderation_state=ModerationState.REJECTED)
        .order_by("created_at", "pk")
    )


def statement_tallies(*, consultation: ConsultationPage) -> QuerySet[Statement]:
    return Statement.objects.filter(consultation=consultation).order_by("pk")
