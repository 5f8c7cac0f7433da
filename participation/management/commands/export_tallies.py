"""python manage.py export_tallies SLUG > tallies.csv"""

from django.core.management.base import BaseCommand, CommandError

from participation.exports import tallies_csv_write
from participation.models import ConsultationPage
from participation.selectors import consultation_by_slug


class Command(BaseCommand):
    help = "Write each statement's vote tallies as CSV to standard output."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")

    def handle(self, *args, slug: str, **options) -> None:
        try:
            consultation = consultation_by_slug(slug)
        except ConsultationPage.DoesNotExist:
            raise CommandError(f"找不到代稱為「{slug}」的諮詢。") from None
        tallies_csv_write(self.stdout, consultation=consultation)
