"""Agency workflows and tasks were named in two languages at once ("MOTC 發布審核 Publication
approval"); the admin shows these names as they are, so they become Traditional Chinese only."""

from django.db import migrations

SUFFIXES = {"Workflow": " 發布審核 Publication approval", "Task": " 同機關覆核 Peer approval"}
NEW_SUFFIXES = {"Workflow": "發布審核", "Task": "同機關覆核"}


def rename(apps, schema_editor):
    Agency = apps.get_model("agencies", "Agency")
    names = dict(Agency.objects.values_list("code", "name_zh"))
    for model_name, suffix in SUFFIXES.items():
        model = apps.get_model("wagtailcore", model_name)
        for row in model.objects.filter(name__endswith=suffix):
            code = row.name.removesuffix(suffix)
            row.name = f"{names.get(code, code)}{NEW_SUFFIXES[model_name]}"
            row.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [("agencies", "0004_staff_publish_through_workflow")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
