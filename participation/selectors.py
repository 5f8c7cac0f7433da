"""Reads for consultations and their statements."""

from django.db.models import QuerySet

from .models import ConsultationPage, ModerationState, Statement


def consultation_list() -> QuerySet[ConsultationPage]:
    return ConsultationPage.objects.live().public().select_related("agency").order_by("-opens_at")


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
