"""Staff see the site named 「民意 Minyi」 in the admin, not its hostname."""

import importlib

import pytest
from django.apps import apps
from wagtail.models import Site

pytestmark = pytest.mark.django_db


def test_new_site_is_named_minyi():
    assert Site.objects.get(is_default_site=True).site_name == "民意 Minyi"


def test_migration_names_an_existing_unnamed_site_but_keeps_a_chosen_name():
    site = Site.objects.get(is_default_site=True)
    site.site_name = "localhost"
    site.save()
    other = Site.objects.create(hostname="other.example", port=80, root_page=site.root_page)
    Site.objects.filter(pk=other.pk).update(site_name="交通部參與平台")

    migration = importlib.import_module("minyi.home.migrations.0003_site_name")
    migration.name_sites(apps, None)

    assert Site.objects.get(pk=site.pk).site_name == "民意 Minyi"
    assert Site.objects.get(pk=other.pk).site_name == "交通部參與平台"


def test_admin_shows_the_site_name(admin_client):
    response = admin_client.get("/admin/")
    assert "民意 Minyi" in response.content.decode()
