"""Background jobs of the participation app (run by the task worker, not the request)."""

from minyi.jobs.tasks import job

# Moved to minyi.notifications; still importable here for jobs queued before the move (a queued
# job names its function by module path).
from minyi.notifications.tasks import emails_send, notification_digest  # noqa: F401


@job(max_attempts=2, backoff_seconds=300)
def closing_notices() -> int:
    """Hourly: followers of consultations closing within three days (each once)."""
    from .follows import consultations_closing_notify

    return consultations_closing_notify()


@job(max_attempts=1)
def opinion_map_refresh(consultation_id: int) -> int:
    """Recompute the opinion groups participants see (queued by participation.standing)."""
    from .standing import opinion_map_compute

    return opinion_map_compute(consultation_id=consultation_id).data["k"]
