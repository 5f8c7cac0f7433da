"""Create the platform's roles (groups) and their site-wide permissions.

The list is frozen here on purpose: later migrations grant what later apps add.
Group names must match minyi.agencies.roles.Role.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "公民 Citizen": [],
    "機關人員 Agency staff": ["wagtailadmin.access_admin"],
    "審核員 Moderator": ["wagtailadmin.access_admin"],
    "分析師 Analyst": ["wagtailadmin.access_admin"],
    "管理員 Administrator": [
        "wagtailadmin.access_admin",
        "agencies.add_agency",
        "agencies.change_agency",
        "agencies.delete_agency",
        "agencies.view_agency",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        "auth.add_group",
        "auth.change_group",
        "auth.view_group",
        "django_tasks_database.view_dbtaskresult",
        "jobs.view_workerheartbeat",
    ],
}


def create_roles(apps, schema_editor):
    # Model permissions are normally created after all migrations have run.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, permission_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for name in permission_names:
            app_label, codename = name.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("accounts", "0001_initial"),
        ("jobs", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
