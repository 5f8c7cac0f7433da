"""Connects the task worker's signals to the retry service."""

from django.dispatch import receiver
from django_tasks import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.backend import DatabaseBackend

from .services import task_result_retry_if_allowed


@receiver(task_finished, sender=DatabaseBackend)
def retry_failed_task(sender, task_result, **kwargs) -> None:
    if task_result.status == TaskResultStatus.FAILED:
        task_result_retry_if_allowed(
            task_result_id=task_result.id, task_path=task_result.task.module_path
        )
