"""Writes for background jobs: retries and worker heartbeats."""

import logging
import os
import socket
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat
from .tasks import retry_policy_for

logger = logging.getLogger(__name__)


@transaction.atomic
def task_result_retry_if_allowed(*, task_result_id: str, task_path: str) -> datetime | None:
    """Queue a failed task result again while its retry policy allows.

    Returns when the next attempt may run, or None when the failure is final.
    """
    policy = retry_policy_for(task_path)
    result = DBTaskResult.objects.select_for_update().filter(id=task_result_id).first()
    if policy is None or result is None or result.status != TaskResultStatus.FAILED:
        return None
    attempts = len(result.worker_ids)
    if attempts >= policy.max_attempts:
        logger.error(
            "Task %s (%s) failed for good after %d attempts: %s",
            result.id,
            task_path,
            attempts,
            result.exception_class_path,
        )
        return None
    run_after = timezone.now() + policy.delay_before(attempts)
    # The last error stays on the row until an attempt succeeds.
    DBTaskResult.objects.filter(id=result.id).update(
        status=TaskResultStatus.READY, run_after=run_after
    )
    logger.warning(
        "Task %s (%s) failed on attempt %d of %d (%s); retrying after %s",
        result.id,
        task_path,
        attempts,
        policy.max_attempts,
        result.exception_class_path,
        run_after.isoformat(),
    )
    return run_after


def worker_heartbeat_beat(*, worker_id: str, queues: str, started_at: datetime) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "queues": queues[:255],
            "started_at": started_at,
            "last_seen_at": now,
        },
    )


def worker_heartbeat_stop(*, worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def scheduled_jobs_enqueue_due(*, now: datetime | None = None) -> list[str]:
    """Queue every periodic job that is due; safe to call from many workers at once."""
    from .models import ScheduledRun
    from .schedule import schedules

    now = now or timezone.now()
    queued = []
    for schedule in schedules():
        ScheduledRun.objects.get_or_create(name=schedule.name)
        with transaction.atomic():
            run = (
                ScheduledRun.objects.select_for_update(skip_locked=True)
                .filter(name=schedule.name)
                .first()
            )
            if run is None:  # another worker holds it right now
                continue
            if not schedule.is_due(last=run.last_enqueued_at, now=now):
                continue
            schedule.task.enqueue()
            run.last_enqueued_at = now
            run.save(update_fields=["last_enqueued_at"])
            queued.append(schedule.name)
    return queued
