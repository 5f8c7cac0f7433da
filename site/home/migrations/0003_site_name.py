"""Name the site 「民意 Minyi」: the admin showed staff its hostname, localhost."""

from django.db import migrations
from django.db.models import Q

SITE_NAME = "民意 Minyi"


def name_sites(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    # Only unnamed sites (or ones named after their host): a name an administrator chose stays.
    unnamed = Q(site_name="") | Q(site_name__isnull=True) | Q(site_name="localhost")
    Site.objects.filter(unnamed).update(site_name=SITE_NAME)


class Migration(migrations.Migration):
    dependencies = [("home", "0002_create_homepage")]

    operations = [migrations.RunPython(name_sites, migrations.RunPython.noop)]
