"""Jobs of dead workers go back in the queue; jobs of live workers are left alone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from minyi.jobs.models import WorkerHeartbeat
from minyi.jobs.services import orphaned_jobs_requeue
from minyi.jobs.tasks import job

pytestmark = pytest.mark.django_db


@job(max_attempts=2, backoff_seconds=0)
def long_job(n: int) -> int:
    return n


@pytest.fixture(autouse=True)
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MINYI_WORKER_STALE_AFTER_SECONDS = 60


def running(n: int, worker: str, *, attempts: int = 1) -> DBTaskResult:
    row = DBTaskResult.objects.get(id=long_job.enqueue(n).id)
    row.status = TaskResultStatus.RUNNING
    row.worker_ids = [f"earlier-{i}" for i in range(attempts - 1)] + [worker]
    row.started_at = timezone.now() - timedelta(minutes=10)
    row.save()
    return row


def beat(worker: str, *, seconds_ago: int, host: str = "another-host") -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id=worker,
        hostname=host,
        pid=1,
        queues="*",
        started_at=now - timedelta(hours=1),
        last_seen_at=now - timedelta(seconds=seconds_ago),
    )


def test_stale_workers_jobs_are_queued_again_and_live_ones_are_not():
    beat("alive", seconds_ago=5)
    beat("silent", seconds_ago=600)
    kept = running(1, "alive")
    lost = running(2, "silent")
    last_chance = running(3, "silent", attempts=2)

    requeued = orphaned_jobs_requeue()

    assert sorted(requeued) == sorted([str(lost.id), str(last_chance.id)])
    for row in (kept, lost, last_chance):
        row.refresh_from_db()
    assert kept.status == TaskResultStatus.RUNNING
    assert lost.status == TaskResultStatus.READY  # attempt 1 of 2 lost: runs again
    assert lost.exception_class_path == "minyi.jobs.WorkerLost"
    assert last_chance.status == TaskResultStatus.FAILED  # out of attempts: failed for good
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["alive"]
    assert orphaned_jobs_requeue() == []


def test_a_job_claimed_a_moment_ago_by_a_worker_not_yet_beating_is_left_alone():
    row = running(1, "brand-new-worker")
    row.started_at = timezone.now()
    row.save()
    assert orphaned_jobs_requeue() == []
