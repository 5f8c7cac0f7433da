"""Periodic jobs are queued by the workers' heartbeat, once per due run."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django_tasks_db.models import DBTaskResult

from minyi.jobs.models import ScheduledRun
from minyi.jobs.schedule import Schedule, schedules
from minyi.jobs.services import scheduled_jobs_enqueue_due

TAIPEI = ZoneInfo("Asia/Taipei")


def at(hour: int, minute: int = 0, day: int = 23) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TAIPEI)


def test_every_interval():
    schedule = Schedule(name="x", task=None, every=timedelta(hours=1))
    assert schedule.is_due(last=None, now=at(9))
    assert not schedule.is_due(last=at(9), now=at(9, 59))
    assert schedule.is_due(last=at(9), now=at(10))


def test_daily_at_a_local_time():
    schedule = Schedule(name="x", task=None, daily_at=time(8, 0))
    assert not schedule.is_due(last=None, now=at(7, 59))
    assert schedule.is_due(last=None, now=at(8, 0))
    assert not schedule.is_due(last=at(8, 0), now=at(23, 0))
    assert schedule.is_due(last=at(8, 0), now=at(8, 0, day=24))
    assert schedule.is_due(last=at(7, 0), now=at(9, 0))  # missed yesterday's: run today


def test_platform_schedules_are_registered():
    names = {schedule.name for schedule in schedules()}
    assert "participation.tasks.closing_notices" in names
    assert "minyi.notifications.tasks.notification_digest" in names
    assert "performance.tasks.program_lights_refresh_job" in names
    assert "sentiment.listening.tasks.listening_tick" in names


@pytest.mark.django_db
def test_due_jobs_are_queued_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now = at(9)
    first = scheduled_jobs_enqueue_due(now=now)
    assert "participation.tasks.closing_notices" in first
    assert "minyi.notifications.tasks.notification_digest" in first
    soon = scheduled_jobs_enqueue_due(now=now + timedelta(seconds=30))
    assert soon == []
    queued = DBTaskResult.objects.filter(task_path="participation.tasks.closing_notices").count()
    assert queued == 1
    later = scheduled_jobs_enqueue_due(now=now + timedelta(hours=1))
    assert "participation.tasks.closing_notices" in later
    assert "minyi.notifications.tasks.notification_digest" not in later  # once a day
    assert ScheduledRun.objects.get(name="participation.tasks.closing_notices").last_enqueued_at
