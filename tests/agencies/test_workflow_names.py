"""The admin shows an agency's workflow and task names in one language."""

import importlib

import pytest
from django.apps import apps
from wagtail.models import Task, Workflow

pytestmark = pytest.mark.django_db


def test_agency_workflow_is_named_in_chinese(make_agency):
    make_agency("MOTC", "交通部")
    section = Workflow.objects.get(workflow_pages__page__title="交通部")
    assert section.name == "交通部發布審核"
    assert [task.name for task in section.tasks] == ["交通部同機關覆核"]


def test_migration_renames_two_language_names(make_agency):
    make_agency("MOTC", "交通部")
    workflow = Workflow.objects.get(workflow_pages__page__title="交通部")
    task = workflow.tasks.get()
    Workflow.objects.filter(pk=workflow.pk).update(name="MOTC 發布審核 Publication approval")
    Task.objects.filter(pk=task.pk).update(name="MOTC 同機關覆核 Peer approval")

    importlib.import_module("minyi.agencies.migrations.0005_workflow_names_one_language").rename(
        apps, None
    )

    assert Workflow.objects.get(pk=workflow.pk).name == "交通部發布審核"
    assert Task.objects.get(pk=task.pk).name == "交通部同機關覆核"
