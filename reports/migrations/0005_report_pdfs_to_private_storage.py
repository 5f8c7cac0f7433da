"""Move report PDFs printed before from MEDIA_ROOT (served at /media/) to PRIVATE_ROOT.

A draft report's PDF under MEDIA_ROOT could be fetched by anyone who guessed its name; from
now on they are only read by the report views (minyi.private_files). Files only; the rows keep
their names, which are the same in the new storage.
"""

from django.core.files.storage import default_storage, storages
from django.db import migrations

FOLDER = "reports/pdf"


def move_pdfs(apps, schema_editor):
    try:
        _dirs, files = default_storage.listdir(FOLDER)
    except (FileNotFoundError, NotImplementedError):
        return
    private = storages["private"]
    for name in files:
        key = f"{FOLDER}/{name}"
        if not private.exists(key):
            with default_storage.open(key, "rb") as handle:
                private.save(key, handle)
        default_storage.delete(key)


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_report_pdf")]

    operations = [migrations.RunPython(move_pdfs, migrations.RunPython.noop, elidable=True)]
