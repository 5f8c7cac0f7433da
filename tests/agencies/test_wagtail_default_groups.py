"""Wagtail's default 「Moderators」 and 「Editors」 groups and its 「Moderators approval」 workflow
(its own first migrations) do not sit beside our roles in English (agencies/0007)."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from wagtail.models import Task, Workflow

pytestmark = pytest.mark.django_db

MIGRATION = "minyi.agencies.migrations.0007_wagtail_default_groups"


def test_only_our_roles_are_groups_and_the_root_workflow_is_chinese():
    names = set(Group.objects.values_list("name", flat=True))
    assert not names & {"Moderators", "Editors"}
    assert not Workflow.objects.filter(name="Moderators approval").exists()
    assert Workflow.objects.filter(name="網站頁面發布審核", workflow_pages__page__depth=1).exists()
    assert Task.objects.filter(name="網站管理員審核").exists()


def test_a_default_group_with_members_is_renamed_not_removed(make_user):
    member = make_user()
    Group.objects.create(name="Editors").user_set.add(member)
    Group.objects.create(name="Moderators")

    importlib.import_module(MIGRATION).forwards(apps, None)

    assert list(
        member.groups.filter(name__startswith="Wagtail").values_list("name", flat=True)
    ) == ["Wagtail 預設編輯群組"]
    assert not Group.objects.filter(name__in=["Moderators", "Editors"]).exists()
