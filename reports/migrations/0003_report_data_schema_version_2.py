"""Stored report snapshots move to schema version 2 (see reports.schema).

Only ``data`` changes, through the frozen upgrade steps of reports.schema (which never change
once released); a finished report stays otherwise untouched (its model's save() refuses changes,
so the rows are updated directly). Reversible: back to version 1's ``schema`` key.
"""

from django.db import migrations

def _rewrite(apps, convert) -> None:
    Report = apps.get_model("reports", "Report")
    pending = Report.objects.exclude(data={}).values_list("pk", flat=True).order_by("pk")
    for pk in list(pending):
        data = Report.objects.filter(pk=pk).values_list("data", flat=True).first()
        if not isinstance(data, dict) or not data:
            continue
        new = convert(data)
        if new != data:
            Report.objects.filter(pk=pk).update(data=new)


def forwards(apps, schema_editor) -> None:
    from reports.schema import report_data_upgrade, schema_version_of

    _rewrite(
        apps,
        lambda data: report_data_upgrade(data, to_version=2)
        if schema_version_of(data) < 2
        else data,
    )


def backwards(apps, schema_editor) -> None:
    def downgrade(data: dict) -> dict:
        if "schema_version" not in data:
            return data
        data = dict(data)
        data["schema"] = 1
        del data["schema_version"]
        return data

    _rewrite(apps, downgrade)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_report_moderation_update")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
