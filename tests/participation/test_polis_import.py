"""Importing the vTaiwan UberX Pol.is export (CC BY 4.0, The Computational Democracy Project)."""

import csv
import gzip
import io
import shutil
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from participation.models import ModerationState, Participant, Statement, Vote

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[2] / "participation/fixtures/polis/vtaiwan-uberx"


def sequential_replay() -> dict[str, Counter]:
    """Independent reference: every vote event in timestamp order, last vote wins."""
    with gzip.open(FIXTURE / "votes.csv.gz", "rt", encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: int(r["timestamp"]))
    last: dict[tuple[str, str], str] = {}
    for row in rows:
        last[(row["comment-id"], row["voter-id"])] = row["vote"]
    tallies: dict[str, Counter] = {}
    for (comment_id, _voter), vote in last.items():
        tallies.setdefault(comment_id, Counter())[vote] += 1
    return tallies


def test_vtaiwan_import_reproduces_statements_and_tallies(make_consultation):
    page = make_consultation()
    out = io.StringIO()
    call_command("import_polis", str(FIXTURE), consultation=page.slug, stdout=out)
    assert "197 statements" in out.getvalue()
    assert Statement.objects.filter(consultation=page).count() == 197
    assert Statement.objects.filter(moderation_state=ModerationState.REJECTED).exists()

    expected = sequential_replay()
    for statement in Statement.objects.filter(consultation=page):
        counts = expected.get(statement.external_id, Counter())
        assert (statement.agree_count, statement.disagree_count, statement.pass_count) == (
            counts["1"],
            counts["-1"],
            counts["0"],
        ), statement.external_id

    # Twice: nothing changes.
    snapshot = list(
        Statement.objects.order_by("pk").values_list(
            "pk", "agree_count", "disagree_count", "pass_count"
        )
    )
    participants, votes = Participant.objects.count(), Vote.objects.count()
    call_command("import_polis", str(FIXTURE), consultation=page.slug, stdout=io.StringIO())
    assert (
        list(
            Statement.objects.order_by("pk").values_list(
                "pk", "agree_count", "disagree_count", "pass_count"
            )
        )
        == snapshot
    )
    assert (Participant.objects.count(), Vote.objects.count()) == (participants, votes)

    out = io.StringIO()
    call_command("export_tallies", page.slug, stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 197
    assert list(rows[0]) == ["statement_id", "external_id", "agrees", "disagrees", "passes"]
    by_external = {row["external_id"]: row for row in rows}
    assert by_external["0"]["agrees"] == str(expected["0"]["1"])


def test_missing_column_stores_nothing(make_consultation, tmp_path):
    page = make_consultation()
    shutil.copy(FIXTURE / "votes.csv.gz", tmp_path / "votes.csv.gz")
    with (FIXTURE / "comments.csv").open(encoding="utf-8") as src:
        rows = list(csv.DictReader(src))
    with (tmp_path / "comments.csv").open("w", encoding="utf-8", newline="") as dst:
        writer = csv.DictWriter(
            dst, fieldnames=["timestamp", "comment-id", "comment-body"], extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(rows)

    with pytest.raises(CommandError) as error:
        call_command("import_polis", str(tmp_path), consultation=page.slug)
    assert "comments.csv 缺少欄位：author-id、moderated" in str(error.value)
    assert not Statement.objects.exists()
    assert not Participant.objects.exists()


def test_bad_vote_line_stores_nothing(make_consultation, tmp_path):
    page = make_consultation()
    shutil.copy(FIXTURE / "comments.csv", tmp_path / "comments.csv")
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,1,1\n2,x,0,2,maybe\n", encoding="utf-8"
    )
    with pytest.raises(CommandError) as error:
        call_command("import_polis", str(tmp_path), consultation=page.slug)
    assert "votes.csv 第 3 行" in str(error.value)
    assert not Statement.objects.exists()


def test_unknown_consultation(db):
    with pytest.raises(CommandError, match="找不到"):
        call_command("import_polis", str(FIXTURE), consultation="nope")


def test_votes_and_participants_keep_the_time_of_the_export(make_consultation):
    """Participation over time is true: each vote keeps its own time, each imported participant
    joined at their first vote or statement (not on the import day)."""
    from datetime import UTC, datetime

    page = make_consultation()
    call_command("import_polis", str(FIXTURE), consultation=page.slug, stdout=io.StringIO())

    with gzip.open(FIXTURE / "votes.csv.gz", "rt", encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: int(r["timestamp"]))
    last: dict[tuple[str, str], int] = {}
    first_seen: dict[str, int] = {}
    for row in rows:
        last[(row["comment-id"], row["voter-id"])] = int(row["timestamp"])
        first_seen.setdefault(row["voter-id"], int(row["timestamp"]))

    def moment(ms: int) -> datetime:
        return datetime.fromtimestamp(ms / 1000, tz=UTC)

    votes = Vote.objects.filter(statement__consultation=page).values_list(
        "statement__external_id", "participant__external_id", "updated_at"
    )
    assert len(votes) == len(last)
    for comment_id, voter_id, updated_at in votes:
        assert updated_at == moment(last[(comment_id, voter_id)]), (comment_id, voter_id)
    for participant in Participant.objects.filter(consultation=page, external_id__in=first_seen):
        assert participant.created_at <= moment(first_seen[participant.external_id])
        assert participant.created_at.year < 2020
