"""Role groups were named in two languages at once ("審核員 Moderator"); the Wagtail admin shows
the names as they are, so they become Traditional Chinese only, like the workflows (0005)."""

from django.db import migrations

ROLE_NAMES = {
    "公民 Citizen": "公民",
    "機關人員 Agency staff": "機關人員",
    "審核員 Moderator": "審核員",
    "分析師 Analyst": "分析師",
    "管理員 Administrator": "管理員",
}
AGENCY_PREFIX, OLD_AGENCY_SUFFIX, NEW_AGENCY_SUFFIX = "機關 ", " Agency staff", " 人員"


def _rename(group_model, old_name: str, new_name: str) -> None:
    """Rename, or fold into a group that already has the new name (members and permissions)."""
    old = group_model.objects.filter(name=old_name).first()
    if old is None:
        return
    new = group_model.objects.filter(name=new_name).first()
    if new is None:
        old.name = new_name
        old.save(update_fields=["name"])
        return
    new.permissions.add(*old.permissions.all())
    new.user_set.add(*old.user_set.all())
    old.delete()


def forwards(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for old_name, new_name in ROLE_NAMES.items():
        _rename(group_model, old_name, new_name)
    agency_groups = group_model.objects.filter(
        name__startswith=AGENCY_PREFIX, name__endswith=OLD_AGENCY_SUFFIX
    )
    for name in list(agency_groups.values_list("name", flat=True)):
        _rename(group_model, name, name.removesuffix(OLD_AGENCY_SUFFIX) + NEW_AGENCY_SUFFIX)


def backwards(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for old_name, new_name in ROLE_NAMES.items():
        _rename(group_model, new_name, old_name)
    agency_groups = group_model.objects.filter(
        name__startswith=AGENCY_PREFIX, name__endswith=NEW_AGENCY_SUFFIX
    )
    for name in list(agency_groups.values_list("name", flat=True)):
        _rename(group_model, name, name.removesuffix(NEW_AGENCY_SUFFIX) + OLD_AGENCY_SUFFIX)


class Migration(migrations.Migration):
    dependencies = [("agencies", "0005_workflow_names_one_language")]

    operations = [migrations.RunPython(forwards, backwards)]
