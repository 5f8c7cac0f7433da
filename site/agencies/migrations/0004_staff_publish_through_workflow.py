"""Agency staff no longer publish directly: a peer approves through the agency workflow.

Agency workflows themselves are created by agencies.services.agency_sync_access
(run by seed_demo, and when an agency is created or its staff change).
"""

from django.db import migrations


def revoke_direct_publishing(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupPagePermission.objects.filter(
        group__name__startswith="機關 ",
        group__name__endswith=" Agency staff",
        permission__codename="publish_page",
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("agencies", "0003_peerapprovaltask"), ("wagtailcore", "0098_apitoken")]

    operations = [migrations.RunPython(revoke_direct_publishing, migrations.RunPython.noop)]
