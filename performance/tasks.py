"""Background jobs of the dashboard (run by the task worker, not the request)."""

from minyi.jobs.tasks import job


@job(max_attempts=3, backoff_seconds=60)
def program_lights_refresh_job() -> int:
    """Recompute every program's light (reports turn overdue with time); returns how many changed.

    Safe to run again. Enqueue it daily, e.g. from cron:
    ``python manage.py refresh_program_lights --enqueue``.
    """
    from .services import program_lights_refresh

    return len(program_lights_refresh())
