"""PostgreSQL: trigram indexes so that Chinese substring search (icontains) uses an index.

pg_trgm is a trusted extension (PostgreSQL 13+), so the database owner can enable it. SQLite
has no equivalent; its scans are fine at the sizes a single-machine install holds.
"""

from django.db import migrations

INDEXES = [
    ("participation_comment_body_trgm", "participation_comment", "body"),
    ("participation_consultation_summary_trgm", "participation_consultationpage", "summary"),
    ("participation_section_text_trgm", "participation_consultationsection", "text"),
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}) gin_trgm_ops)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("participation", "0006_follows_and_email_settings")]

    operations = [migrations.RunPython(forward, backward)]
