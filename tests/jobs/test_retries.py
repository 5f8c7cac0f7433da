"""Failed jobs are retried a bounded number of times; errors stay visible."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from minyi.jobs.tasks import job

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

calls: dict[str, int] = {}


@job(max_attempts=3, backoff_seconds=0)
def flaky(key: str, failures: int) -> str:
    calls[key] = calls.get(key, 0) + 1
    if calls[key] <= failures:
        raise RuntimeError(f"temporary failure {calls[key]}")
    return "done"


@task()
def fragile() -> None:
    raise ValueError("no retry policy")


@pytest.fixture(autouse=True)
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    calls.clear()


def drain_queue() -> None:
    call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_job_succeeds_after_retries():
    result = flaky.enqueue("a", failures=2)
    drain_queue()
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.return_value == "done"
    assert len(row.worker_ids) == 3
    assert calls["a"] == 3


def test_job_gives_up_after_max_attempts_with_error_visible():
    result = flaky.enqueue("b", failures=10)
    drain_queue()
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert calls["b"] == 3
    assert len(row.worker_ids) == 3
    assert row.exception_class_path == "builtins.RuntimeError"
    assert "temporary failure 3" in row.traceback


def test_task_without_policy_is_not_retried():
    result = fragile.enqueue()
    drain_queue()
    row = DBTaskResult.objects.get(id=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert len(row.worker_ids) == 1


def test_administrators_see_failed_jobs(client, make_user):
    from minyi.agencies.roles import Role
    from minyi.agencies.services import user_role_add

    fragile.enqueue()
    drain_queue()
    admin = make_user()
    user_role_add(user=admin, role=Role.ADMINISTRATOR)
    client.force_login(admin)
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist") + "?status__exact=FAILED"
    response = client.get(url)
    assert response.status_code == 200
    assert "fragile" in response.content.decode()
    # The queue reads in Chinese (django-tasks ships no zh_Hant: "Tasks Database Backend").
    html = response.content.decode()
    assert "背景工作佇列" in html and "背景工作紀錄" in html
    for english in ("Tasks Database Backend", "Task Result", ">Failed<", ">Ready<"):
        assert english not in html, english

    citizen = make_user()
    client.force_login(citizen)
    assert client.get(url).status_code == 302


def test_backoff_grows_exponentially():
    from minyi.jobs.tasks import RetryPolicy

    policy = RetryPolicy(max_attempts=4, backoff_seconds=10)
    assert [policy.delay_before(n).total_seconds() for n in (1, 2, 3)] == [10, 20, 40]


def test_worker_heartbeat_is_removed_on_exit():
    from minyi.jobs.models import WorkerHeartbeat

    drain_queue()
    assert not WorkerHeartbeat.objects.exists()
