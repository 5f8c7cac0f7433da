"""Importing a Pol.is export (comments.csv, votes.csv) into a consultation.

The votes are replayed in timestamp order and the last vote of a voter on a
statement wins, as Pol.is counts them. Everything is checked before anything
is written, and the import runs in one transaction: a bad file stores nothing.
"""

import csv
import gzip
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import ConsultationPage, ModerationState, Participant, Statement, Vote
from .services import statement_tallies_recount

COMMENT_COLUMNS = ("timestamp", "comment-id", "author-id", "moderated", "comment-body")
VOTE_COLUMNS = ("timestamp", "comment-id", "voter-id", "vote")
MODERATION = {"1": ModerationState.ACCEPTED, "-1": ModerationState.REJECTED}


@dataclass(frozen=True)
class PolisImportResult:
    statements: int
    participants: int
    votes: int
    vote_events: int


def _open_csv(directory: Path, stem: str) -> io.TextIOBase:
    plain, packed = directory / f"{stem}.csv", directory / f"{stem}.csv.gz"
    if plain.is_file():
        return plain.open(encoding="utf-8-sig", newline="")
    if packed.is_file():
        return io.TextIOWrapper(gzip.open(packed), encoding="utf-8-sig", newline="")
    raise ValidationError(
        _("%(name)s was not found in %(dir)s.") % {"name": plain.name, "dir": directory}
    )


def _read_rows(directory: Path, stem: str, required: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        with _open_csv(directory, stem) as handle:
            reader = csv.DictReader(handle)
            missing = [column for column in required if column not in (reader.fieldnames or [])]
            if missing:
                raise ValidationError(
                    _("%(file)s is missing the column(s): %(columns)s.")
                    % {"file": f"{stem}.csv", "columns": "、".join(missing)}
                )
            return list(reader)
    except (UnicodeDecodeError, csv.Error, EOFError, gzip.BadGzipFile) as error:
        # A damaged or non-UTF-8 file: say so (in Chinese, as the other messages) and store nothing.
        raise ValidationError(
            f"{stem}.csv 無法讀取：檔案須為 UTF-8 編碼的 CSV（或其 gzip 壓縮檔）。（{error}）"
        ) from error


def _as_int(value: str, *, file: str, line: int, column: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            _("%(file)s line %(line)d, column %(column)s: %(value)r is not a number.")
            % {"file": file, "line": line, "column": column, "value": value}
        ) from None


class PolisExport(NamedTuple):
    comments: list[dict]
    # (comment id, voter id) → (final vote, when it was cast in ms since the epoch, as Pol.is
    # writes times)
    final_votes: dict[tuple[str, str], tuple[int, int]]
    event_count: int
    first_seen: dict[str, int]  # participant id → their first vote or statement, in ms


def polis_read(directory: Path) -> PolisExport:
    """Validate and read an export."""
    comments = _read_rows(directory, "comments", COMMENT_COLUMNS)
    vote_rows = _read_rows(directory, "votes", VOTE_COLUMNS)
    comment_ids = set()
    for line, row in enumerate(comments, start=2):
        _as_int(row["comment-id"], file="comments.csv", line=line, column="comment-id")
        if row["moderated"] not in {"1", "0", "-1"}:
            raise ValidationError(
                _("comments.csv line %(line)d: moderated must be 1, 0 or -1.") % {"line": line}
            )
        if not row["comment-body"].strip():
            raise ValidationError(
                _("comments.csv line %(line)d: the text is empty.") % {"line": line}
            )
        comment_ids.add(row["comment-id"])

    events = []
    for line, row in enumerate(vote_rows, start=2):
        timestamp = _as_int(row["timestamp"], file="votes.csv", line=line, column="timestamp")
        value = _as_int(row["vote"], file="votes.csv", line=line, column="vote")
        if value not in (-1, 0, 1):
            raise ValidationError(
                _("votes.csv line %(line)d: a vote is 1, -1 or 0.") % {"line": line}
            )
        if row["comment-id"] not in comment_ids:
            raise ValidationError(
                _("votes.csv line %(line)d: statement %(id)s is not in comments.csv.")
                % {"line": line, "id": row["comment-id"]}
            )
        events.append((timestamp, line, row["comment-id"], row["voter-id"], value))
    final: dict[tuple[str, str], tuple[int, int]] = {}
    first_seen: dict[str, int] = {}
    for timestamp, _line, comment_id, voter_id, value in sorted(events):
        final[(comment_id, voter_id)] = (value, timestamp)  # the later vote replaces the earlier
        first_seen.setdefault(voter_id, timestamp)
    for row in comments:
        author, timestamp = row["author-id"], int(row["timestamp"])
        first_seen[author] = min(first_seen.get(author, timestamp), timestamp)
    return PolisExport(comments, final, len(events), first_seen)


def _moment(milliseconds: int) -> datetime:
    return datetime.fromtimestamp(milliseconds / 1000, tz=UTC)


@transaction.atomic
def polis_import(*, consultation: ConsultationPage, directory: Path) -> PolisImportResult:
    comments, final_votes, event_count, first_seen = polis_read(Path(directory))

    voter_ids = {voter for _comment, voter in final_votes} | {c["author-id"] for c in comments}
    existing = dict(
        Participant.objects.filter(consultation=consultation)
        .exclude(external_id="")
        .values_list("external_id", "pk")
    )
    Participant.objects.bulk_create(
        [Participant(consultation=consultation, external_id=v) for v in voter_ids - set(existing)],
        batch_size=1000,
    )
    participants = dict(
        Participant.objects.filter(
            consultation=consultation, external_id__in=voter_ids
        ).values_list("external_id", "pk")
    )

    statements = {s.external_id: s for s in consultation.statements.exclude(external_id="")}
    for row in comments:
        created = _moment(int(row["timestamp"]))
        statement = statements.get(row["comment-id"]) or Statement(
            consultation=consultation, external_id=row["comment-id"]
        )
        statement.text = row["comment-body"].strip()
        statement.moderation_state = MODERATION.get(row["moderated"], ModerationState.UNMODERATED)
        statement.author_id = participants[row["author-id"]]
        statement.created_at = created
        statement.save()
        statements[row["comment-id"]] = statement

    # Imported voters' votes are replaced wholesale; votes of Minyi users are untouched.
    Vote.objects.filter(
        statement__consultation=consultation, participant__pk__in=participants.values()
    ).exclude(participant__external_id="").delete()
    # Each vote keeps the time it was cast, so that participation over time is true.
    Vote.objects.bulk_create(
        [
            Vote(
                statement_id=statements[comment_id].pk,
                participant_id=participants[voter_id],
                value=value,
                updated_at=_moment(timestamp),
            )
            for (comment_id, voter_id), (value, timestamp) in final_votes.items()
        ],
        batch_size=2000,
    )
    # An imported participant joined when they first wrote or voted, not on the import day.
    Participant.objects.bulk_update(
        [
            Participant(pk=participants[external_id], created_at=_moment(timestamp))
            for external_id, timestamp in first_seen.items()
        ],
        ["created_at"],
        batch_size=2000,
    )
    statement_tallies_recount(consultation=consultation)
    return PolisImportResult(
        statements=len(comments),
        participants=len(voter_ids),
        votes=len(final_votes),
        vote_events=event_count,
    )
