"""How far Minyi's opinion groups agree with Pol.is's own (``participants-votes.csv``)."""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

import participation
from participation.opinion_groups import (
    DEFAULT_MIN_VOTES,
    OpinionGroups,
    adjusted_rand,
    opinion_groups,
)

DEFAULT_PARTICIPANTS_VOTES = (
    Path(participation.__file__).resolve().parent
    / "fixtures"
    / "polis"
    / "vtaiwan-uberx"
    / "participants-votes.csv.gz"
)


def polis_groups_read(path: Path) -> dict[str, str]:
    """Pol.is voter id → Pol.is group id, for the voters Pol.is put in a group."""
    path = Path(path)
    if not path.is_file():
        plain = path.with_suffix("") if path.suffix == ".gz" else path
        packed = path if path.suffix == ".gz" else path.with_name(path.name + ".gz")
        path = next((p for p in (plain, packed) if p.is_file()), path)
    if not path.is_file():
        raise ValidationError(_("%(name)s was not found.") % {"name": str(path)})
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    missing = [c for c in ("participant", "group-id") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(
            _("%(file)s is missing the column(s): %(columns)s.")
            % {"file": path.name, "columns": "、".join(missing)}
        )
    return {row["participant"]: row["group-id"] for row in reader if row["group-id"] != ""}


@dataclass
class Agreement:
    ari: float
    matched: int
    ours: OpinionGroups
    theirs_sizes: dict[str, int]
    crosstab: dict[tuple[int, str], int]


def polis_agreement(
    matrix, external_ids: dict[int, str], theirs: dict[str, str], *, min_votes: int
) -> Agreement:
    result = opinion_groups(matrix, min_votes=min_votes)
    ours = {external_ids[p]: g for p, g in result.assignments.items() if p in external_ids}
    ari, matched = adjusted_rand(ours, theirs)
    crosstab = Counter((g, theirs[p]) for p, g in ours.items() if p in theirs)
    return Agreement(
        ari=ari,
        matched=matched,
        ours=result,
        theirs_sizes=dict(sorted(Counter(theirs.values()).items())),
        crosstab=dict(sorted(crosstab.items())),
    )


__all__ = [
    "DEFAULT_MIN_VOTES",
    "DEFAULT_PARTICIPANTS_VOTES",
    "polis_agreement",
    "polis_groups_read",
]
