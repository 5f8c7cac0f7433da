"""python manage.py polis_agreement SLUG [--participants-votes FILE] [--min-votes N]"""

from pathlib import Path

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from participation.selectors import consultation_by_slug
from reports.agreement import (
    DEFAULT_MIN_VOTES,
    DEFAULT_PARTICIPANTS_VOTES,
    polis_agreement,
    polis_groups_read,
)
from reports.selectors import consultation_vote_matrix, participant_external_ids


class Command(BaseCommand):
    help = (
        "Print the adjusted Rand index between Minyi's opinion groups of an imported Pol.is "
        "consultation and Pol.is's own groups (group-id in participants-votes.csv)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")
        parser.add_argument(
            "--participants-votes",
            type=Path,
            default=DEFAULT_PARTICIPANTS_VOTES,
            help="Pol.is participants-votes.csv[.gz] (default: the vTaiwan UberX fixture)",
        )
        parser.add_argument("--min-votes", type=int, default=DEFAULT_MIN_VOTES)

    def handle(self, *args, slug: str, participants_votes: Path, min_votes: int, **options):
        try:
            consultation = consultation_by_slug(slug)
        except ObjectDoesNotExist:
            raise CommandError(
                _("No consultation has the slug “%(slug)s”.") % {"slug": slug}
            ) from None
        try:
            theirs = polis_groups_read(participants_votes)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        external_ids = participant_external_ids(consultation=consultation)
        if not external_ids:
            raise CommandError(
                _("This consultation has no imported Pol.is participants to compare.")
            )
        matrix = consultation_vote_matrix(consultation=consultation)
        result = polis_agreement(matrix, external_ids, theirs, min_votes=min_votes)
        ours = result.ours
        self.stdout.write(f"adjusted_rand_index {result.ari:.4f}")
        self.stdout.write(f"participants_compared {result.matched}")
        self.stdout.write(
            f"minyi: k={ours.k} in_conversation={ours.n_in_conversation} "
            f"min_votes={ours.min_votes} sizes={[g['size'] for g in ours.groups]} "
            f"silhouettes={ours.silhouettes}"
        )
        self.stdout.write(f"polis: k={len(result.theirs_sizes)} sizes={result.theirs_sizes}")
        for (ours_group, their_group), n in result.crosstab.items():
            self.stdout.write(f"  minyi {ours_group} / polis {their_group}: {n}")
