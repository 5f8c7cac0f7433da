"""Writes for background jobs: retries and worker heartbeats."""

import logging
import os
import socket
from datetime import datetime, timedelta

from django.conf import settings
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


def _process_gone(heartbeat: WorkerHeartbeat) -> bool:
    """The worker ran on this host and its process no longer exists (POSIX only: elsewhere the
    heartbeat's age alone decides)."""
    if os.name != "posix" or heartbeat.hostname != socket.gethostname()[:255]:
        return False
    try:
        os.kill(heartbeat.pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # it exists (owned by another user)
        return False
    return False


def orphaned_jobs_requeue(*, now: datetime | None = None) -> list[str]:
    """Put back in the queue the jobs of workers that died mid-job (SIGKILL, out of memory, a
    crashed host): RUNNING on a worker whose heartbeat is stale or whose process is gone. Each
    counts as a failed attempt, so the job's retry policy still bounds how often it runs."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.MINYI_WORKER_STALE_AFTER_SECONDS)
    alive = {
        beat.worker_id: beat.last_seen_at >= cutoff and not _process_gone(beat)
        for beat in WorkerHeartbeat.objects.all()
    }
    requeued = []
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only(
        "id", "worker_ids", "started_at"
    )
    for result in running:
        worker = result.worker_ids[-1] if result.worker_ids else None
        if alive.get(worker):
            continue
        if worker not in alive and result.started_at and result.started_at > cutoff:
            continue  # claimed a moment ago by a worker whose first beat is yet to come
        with transaction.atomic():
            row = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(id=result.id, status=TaskResultStatus.RUNNING)
                .first()
            )
            if row is None:
                continue
            row.status = TaskResultStatus.FAILED
            row.finished_at = now
            row.exception_class_path = "minyi.jobs.WorkerLost"
            row.traceback = f"Worker {worker} stopped without finishing this job."
            row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
        logger.warning("Job %s (%s) lost its worker %s", row.id, row.task_path, worker)
        task_result_retry_if_allowed(task_result_id=row.id, task_path=row.task_path)
        requeued.append(str(row.id))
    WorkerHeartbeat.objects.filter(
        worker_id__in=[worker for worker, up in alive.items() if not up]
    ).delete()
    return requeued


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
