"""python manage.py backup_restore PATH [--yes]

Restores a file written by ``backup_create`` into the configured database and
MEDIA_ROOT. Stop the site and its workers first. A database that already has tables
is only replaced with ``--yes``.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from minyi.backups import BackupError, backup_restore
from minyi.cli import force_utf8


class Command(BaseCommand):
    help = "Restore a backup written by backup_create (database and media files)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the backup file (.tar.gz or .tar)")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="replace a database that already has tables (everything in it is lost)",
        )
        parser.add_argument(
            "--no-media", action="store_true", help="restore the database only, not MEDIA_ROOT"
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="database alias (default: default)"
        )

    def handle(self, *args, path, yes=False, no_media=False, database=DEFAULT_DB_ALIAS, **options):
        force_utf8(sys.stdout, errors="replace")
        report = self.stdout.write if options["verbosity"] else (lambda _message: None)
        try:
            result = backup_restore(
                path, alias=database, replace=yes, media=not no_media, report=report
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        if options["verbosity"]:
            counts = ", ".join(f"{name} {count}" for name, count in result.counts.items())
            self.stdout.write(f"Rows: {counts}.")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Restored the backup of {result.manifest['created_at']} "
                    f"({result.media_files} media files); row counts match the backup."
                )
            )
