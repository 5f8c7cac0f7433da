"""Reads about the task queue and its workers."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat


def workers_alive() -> list[WorkerHeartbeat]:
    cutoff = timezone.now() - timedelta(seconds=settings.MINYI_WORKER_STALE_AFTER_SECONDS)
    return list(WorkerHeartbeat.objects.filter(last_seen_at__gte=cutoff).order_by("started_at"))


def task_backlog() -> dict[str, int | float | None]:
    """How many tasks wait to run now, and how long the oldest has waited (seconds)."""
    ready = DBTaskResult.objects.ready()
    oldest = ready.aggregate(oldest=Min("enqueued_at"))["oldest"]
    return {
        "ready": ready.count(),
        "oldest_ready_seconds": (
            round((timezone.now() - oldest).total_seconds(), 1) if oldest else None
        ),
        "failed_last_day": DBTaskResult.objects.filter(
            status=TaskResultStatus.FAILED, finished_at__gte=timezone.now() - timedelta(days=1)
        ).count(),
    }
