"""python manage.py import_polis DIR --consultation SLUG"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from participation.models import ConsultationPage
from participation.polis import polis_import
from participation.selectors import consultation_by_slug


class Command(BaseCommand):
    help = "Import a Pol.is export (comments.csv, votes.csv[.gz]) as statements and votes."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--consultation", required=True, help="slug of the consultation page")

    def handle(self, *args, directory: Path, consultation: str, **options) -> None:
        try:
            page = consultation_by_slug(consultation)
        except ConsultationPage.DoesNotExist:
            raise CommandError(f"找不到代稱為「{consultation}」的諮詢。") from None
        try:
            result = polis_import(consultation=page, directory=directory)
        except ValidationError as exc:
            raise CommandError("匯入失敗，未儲存任何資料：" + "；".join(exc.messages)) from exc
        self.stdout.write(
            f"Imported {result.statements} statements, {result.participants} participants, "
            f"{result.votes} votes from {result.vote_events} vote events."
        )
