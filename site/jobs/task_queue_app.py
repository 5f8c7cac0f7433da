"""django_tasks_db under a name administrators read in their language: its own is the
untranslatable "Tasks Database Backend" (the task queue is opened from the Wagtail admin).

A module of its own: a second AppConfig in ``minyi.jobs.apps`` would leave Django unable to
choose that app's config, and ``JobsConfig.ready`` (the retry handler) would never run."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TaskResultsConfig(TasksAppConfig):
    verbose_name = _("Task queue")
