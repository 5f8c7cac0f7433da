"""python manage.py export_tallies SLUG > tallies.csv"""

import csv

from django.core.management.base import BaseCommand, CommandError

from participation.models import ConsultationPage
from participation.selectors import consultation_by_slug, statement_tallies

HEADER = ["statement_id", "external_id", "agrees", "disagrees", "passes"]


class Command(BaseCommand):
    help = "Write each statement's vote tallies as CSV to standard output."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")

    def handle(self, *args, slug: str, **options) -> None:
        try:
            consultation = consultation_by_slug(slug)
        except ConsultationPage.DoesNotExist:
            raise CommandError(f"找不到代稱為「{slug}」的諮詢。") from None
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(HEADER)
        for s in statement_tallies(consultation=consultation):
            writer.writerow([s.pk, s.external_id, s.agree_count, s.disagree_count, s.pass_count])
