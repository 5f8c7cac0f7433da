"""A worker process stopped in the middle of a job (issue 9, item 2).

test_retries.py covers jobs that raise; these start a real ``manage.py run_worker``
process on the test database, stop it while the job runs, and check that the job is run
again by another worker and that its result is stored exactly once.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from minyi.jobs.tasks import job

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]


@job(max_attempts=3, backoff_seconds=0)
def slow_then_record(folder: str) -> str:
    """The first attempt hangs (and is stopped); a later one records its result once."""
    folder = Path(folder)
    attempt = len(list(folder.glob("attempt-*"))) + 1
    (folder / f"attempt-{attempt}").write_text(str(os.getpid()))
    if attempt == 1:
        time.sleep(120)
    with (folder / "results").open("a") as results:
        results.write(f"stored by attempt {attempt}\n")
    return f"attempt {attempt}"


@pytest.fixture(autouse=True)
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def database_url() -> str:
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    credentials = quote(config["USER"] or "", safe="")
    if config.get("PASSWORD"):
        credentials += ":" + quote(config["PASSWORD"], safe="")
    return (
        f"postgres://{credentials}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}"
        f"/{config['NAME']}"
    )


def start_worker(tmp_path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DATABASE_URL=database_url(),
        TASK_BACKEND="database",
        MINYI_IGNORE_DOTENV="1",
        DB_POOL="false",
        LOG_LEVEL="WARNING",
    )
    log = (tmp_path / "worker.log").open("wb")
    return subprocess.Popen(
        [
            *(sys.executable, "manage.py", "run_worker", "--no-reload", "--no-startup-delay"),
            *("--interval", "0.1", "--worker-id", "doomed-worker"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def run_first_attempt_then(tmp_path, stop) -> DBTaskResult:
    folder = tmp_path / "job"
    folder.mkdir()
    result = slow_then_record.enqueue(str(folder))
    worker = start_worker(tmp_path)
    try:
        deadline = time.monotonic() + 90
        while not (folder / "attempt-1").exists():
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            assert time.monotonic() < deadline, "the worker never started the job"
            time.sleep(0.1)
        stop(worker)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    return DBTaskResult.objects.get(id=result.id)


def drain_queue() -> None:
    call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def assert_ran_again_and_stored_once(row: DBTaskResult, tmp_path) -> None:
    drain_queue()
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == "attempt 2"
    assert len(row.worker_ids) == 2
    assert (tmp_path / "job" / "results").read_text() == "stored by attempt 2\n"


def test_worker_stopped_twice_mid_job_is_retried_and_stored_once(tmp_path):
    """systemd/Ctrl+C: the first SIGTERM waits for the job, the second stops it."""

    def stop(worker):
        worker.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        worker.send_signal(signal.SIGTERM)

    row = run_first_attempt_then(tmp_path, stop)
    assert row.status == TaskResultStatus.READY  # failed attempt recorded, queued again
    assert row.exception_class_path == "builtins.SystemExit"
    assert_ran_again_and_stored_once(row, tmp_path)


def test_worker_killed_mid_job_is_retried_and_stored_once(tmp_path):
    """SIGKILL (out of memory, systemd's stop timeout): the next worker finds the job RUNNING
    on a worker whose process is gone and queues it again."""
    row = run_first_attempt_then(tmp_path, lambda worker: worker.send_signal(signal.SIGKILL))
    assert row.status == TaskResultStatus.RUNNING
    assert_ran_again_and_stored_once(row, tmp_path)
