"""Recompute every program's status light (run daily: reports become overdue with time)."""

from django.core.management.base import BaseCommand

from performance.services import program_lights_refresh
from performance.tasks import program_lights_refresh_job


class Command(BaseCommand):
    help = "Recompute every program's light; history is written only when a light changes."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="Run it in the task worker instead of here."
        )

    def handle(self, *args, enqueue: bool = False, **options) -> None:
        if enqueue:
            result = program_lights_refresh_job.enqueue()
            self.stdout.write(f"Enqueued {result.id}.")
            return
        changed = program_lights_refresh()
        self.stdout.write(f"{len(changed)} lights changed.")
