"""Analysts manage social listening in the admin: topics, sources and the user dictionary.

Analysts define what is tracked (a topic's keywords, which boards, forums, pages and feeds
are read) and the segmenter's words. They may not delete a source: that also deletes every
post read from it, so it stays with administrators (superusers).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ANALYST_GROUP_NAMES = ("分析師", "分析師 Analyst")  # agencies/0006 renamed the bilingual one
ANALYST_CODENAMES = [
    *(f"{action}_topic" for action in ("add", "change", "delete", "view")),
    *(f"{action}_source" for action in ("add", "change", "view")),
    *(f"{action}_userdictionaryentry" for action in ("add", "change", "delete", "view")),
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("sentiment")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name__in=ANALYST_GROUP_NAMES).first()
    if group is None:
        group = Group.objects.create(name=ANALYST_GROUP_NAMES[0])
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="sentiment", codename__in=ANALYST_CODENAMES
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="sentiment", codename__in=ANALYST_CODENAMES
    )
    for group in Group.objects.filter(name__in=ANALYST_GROUP_NAMES):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("sentiment", "0003_listening_incremental_aggregates"),
        ("agencies", "0006_role_names_one_language"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
