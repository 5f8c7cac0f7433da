"""Run a task worker that reports a heartbeat for /healthz and queues periodic jobs.

A thin layer over django-tasks-db's ``db_worker``: all its options apply. Run
several of these (one per core is a good start) against PostgreSQL in production.
"""

import logging
import os
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from minyi.jobs.services import (
    orphaned_jobs_requeue,
    scheduled_jobs_enqueue_due,
    worker_heartbeat_beat,
    worker_heartbeat_stop,
)

logger = logging.getLogger(__name__)


class Command(DbWorkerCommand):
    help = "Run a background task worker (database backend) with a heartbeat."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*", reload=False)

    def handle(self, *args, **options) -> None:
        worker_id = options["worker_id"]
        in_reloader_parent = (
            options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        )
        stop = threading.Event()
        beat = None
        if not in_reloader_parent:
            beat = threading.Thread(
                target=self._beat,
                kwargs={"worker_id": worker_id, "queues": options["queue_name"], "stop": stop},
                name="minyi-worker-heartbeat",
                daemon=True,
            )
            beat.start()
        if not in_reloader_parent:
            orphaned_jobs_requeue()  # before taking jobs: a dead worker's job is first in line
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            if beat is not None:
                beat.join(timeout=5)  # let it close its database connection
                worker_heartbeat_stop(worker_id=worker_id)

    def configure_logging(self, verbosity: int) -> None:
        # db_worker turns a line per task on at the default verbosity; let settings.LOGGING
        # (TASK_LOG_LEVEL) decide there, and keep -v 0 (silent) and -v 2 (debug) as they were.
        if verbosity != 1:
            super().configure_logging(verbosity)

    @staticmethod
    def _beat(*, worker_id: str, queues: str, stop: threading.Event) -> None:
        started_at = timezone.now()
        while not stop.is_set():
            try:
                close_old_connections()
                worker_heartbeat_beat(worker_id=worker_id, queues=queues, started_at=started_at)
                orphaned_jobs_requeue()
                scheduled_jobs_enqueue_due()  # periodic jobs ride on the heartbeat
            except Exception:  # a missed beat must never stop the worker
                logger.exception("Worker heartbeat or schedule check failed")
            stop.wait(settings.MINYI_WORKER_HEARTBEAT_SECONDS)
        connection.close()
