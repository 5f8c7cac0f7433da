"""Open-data tables of a consultation, written the same way for the page and the CLI."""

import csv

from .models import ConsultationPage
from .selectors import statement_tallies

TALLY_HEADER = ["statement_id", "external_id", "agrees", "disagrees", "passes"]


def tallies_csv_write(stream, *, consultation: ConsultationPage) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(TALLY_HEADER)
    for s in statement_tallies(consultation=consultation):
        writer.writerow([s.pk, s.external_id, s.agree_count, s.disagree_count, s.pass_count])
