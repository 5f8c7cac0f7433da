"""The worker's console says what went wrong, not a line for every task that ran."""

import logging

import pytest
from django.conf import settings

from minyi.jobs.management.commands.run_worker import Command

TASKS_LOGGER = "django_tasks"


@pytest.fixture
def tasks_logger():
    logger = logging.getLogger(TASKS_LOGGER)
    level = logger.level
    yield logger
    logger.setLevel(level)


def test_default_verbosity_keeps_the_level_settings_give(tasks_logger):
    configured = settings.LOGGING["loggers"][TASKS_LOGGER]["level"]
    tasks_logger.setLevel(configured)
    Command().configure_logging(1)
    assert tasks_logger.level == logging.getLevelName(configured)
    assert not tasks_logger.isEnabledFor(logging.INFO)  # TASK_LOG_LEVEL defaults to WARNING
    assert tasks_logger.isEnabledFor(logging.ERROR)  # a failed task is still logged


def test_explicit_verbosity_still_applies(tasks_logger):
    Command().configure_logging(2)
    assert tasks_logger.level == logging.DEBUG
    Command().configure_logging(0)
    assert tasks_logger.level == logging.CRITICAL
