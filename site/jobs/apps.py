from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class JobsConfig(AppConfig):
    name = "minyi.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the retry handler)


class TaskResultsConfig(TasksAppConfig):
    """django_tasks_db under a name administrators read in their language: its own is the
    untranslatable "Tasks Database Backend" (the task queue is opened from the Wagtail admin)."""

    verbose_name = _("Task queue")
