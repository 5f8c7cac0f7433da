"""Wagtail's first migrations create two groups, 「Moderators」 and 「Editors」, and from the
Moderators' publish permission a default workflow 「Moderators approval」 on the root page. On
this site nobody belongs to them (roles are ours, 0002), so the admin's group list showed two
English names beside our roles, and an administrator editing a page outside every agency's
section was offered 「提交至 Moderators approval」.

The groups go (with their page and collection permissions) where they have no members, and are
renamed otherwise; the workflow and its task stay, named in Chinese. The task then has no group:
only site administrators (superusers) approve pages outside the agencies' sections, as before,
since no role has permissions there.
"""

from django.db import migrations

GROUPS = {"Editors": "Wagtail 預設編輯群組", "Moderators": "Wagtail 預設審核群組"}
WORKFLOW = ("Moderators approval", "網站頁面發布審核")
TASK = ("Moderators approval", "網站管理員審核")


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for old_name, new_name in GROUPS.items():
        group = Group.objects.filter(name=old_name).first()
        if group is None:
            continue
        if group.user_set.exists():
            if not Group.objects.filter(name=new_name).exists():
                group.name = new_name
                group.save(update_fields=["name"])
        else:
            group.delete()
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=WORKFLOW[0]).update(
        name=WORKFLOW[1]
    )
    apps.get_model("wagtailcore", "Task").objects.filter(name=TASK[0]).update(name=TASK[1])


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0006_role_names_one_language"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
