"""python manage.py backup_create [--output PATH]

One file with the database (pg_dump custom format, or an SQLite online-backup copy),
the uploaded media and a manifest; see ``minyi.backups``.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from minyi.backups import BackupError, backup_create
from minyi.cli import force_utf8


class Command(BaseCommand):
    help = "Back up the database and the uploaded media files into one .tar.gz file."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output",
            help="file (or folder) to write; default var/backups/minyi-backup-<time>.tar.gz",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="database alias (default: default)"
        )

    def handle(self, *args, output=None, database=DEFAULT_DB_ALIAS, **options) -> None:
        force_utf8(sys.stdout, errors="replace")
        report = self.stdout.write if options["verbosity"] else (lambda _message: None)
        try:
            result = backup_create(output=output, alias=database, report=report)
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = result.manifest
        if options["verbosity"]:
            counts = ", ".join(f"{name} {count}" for name, count in manifest["counts"].items())
            self.stdout.write(f"Rows: {counts}.")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Backup written to {result.path} ({result.size:,} bytes; "
                    f"{manifest['engine']} database, {manifest['media']['files']} media files)."
                )
            )
        else:
            self.stdout.write(str(result.path))
