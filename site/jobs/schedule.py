"""Periodic jobs, run by the ordinary task workers: no cron, no extra process.

    @job(max_attempts=2)
    def closing_notices() -> int: ...

    periodic(closing_notices, every=timedelta(hours=1))
    periodic(digest, daily_at=time(8, 0))        # local time (Asia/Taipei)

Every worker checks the schedule on its heartbeat; a row lock per schedule (``ScheduledRun``)
makes sure that, with several workers, each due run is enqueued exactly once.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone


@dataclass(frozen=True)
class Schedule:
    name: str
    task: object
    every: timedelta | None = None
    daily_at: time | None = None

    def is_due(self, *, last: datetime | None, now: datetime) -> bool:
        if self.every is not None:
            return last is None or now - last >= self.every
        local_now = timezone.localtime(now)
        today_at = local_now.replace(
            hour=self.daily_at.hour, minute=self.daily_at.minute, second=0, microsecond=0
        )
        if local_now < today_at:
            return False
        return last is None or timezone.localtime(last) < today_at


_SCHEDULES: dict[str, Schedule] = {}


def periodic(task, *, every: timedelta | None = None, daily_at: time | None = None) -> None:
    if (every is None) == (daily_at is None):
        raise ValueError("give exactly one of every= or daily_at=")
    name = task.module_path
    _SCHEDULES[name] = Schedule(name=name, task=task, every=every, daily_at=daily_at)


def schedules() -> list[Schedule]:
    return list(_SCHEDULES.values())
