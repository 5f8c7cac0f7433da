"""Wagtail's own admin lists read in Chinese: the site list's columns, workflow page counts."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_site_list_and_workflow_list_have_no_english_leftovers(client, django_user_model):
    admin = django_user_model.objects.create_superuser(email="root@example.org", password="x")
    client.force_login(admin)
    sites = client.get(reverse("wagtailsites:index")).content.decode()
    for english in (">Port<", ">Site name<", ">Root page<"):
        assert english not in sites.replace("\n", "").replace(" ", "")
    assert "埠號" in sites and "站點名稱" in sites and "根頁面" in sites
    workflows = client.get(reverse("wagtailadmin_workflows:index")).content.decode()
    assert " pages" not in workflows and " page<" not in workflows
    assert "個頁面" in workflows
