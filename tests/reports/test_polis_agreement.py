"""manage.py polis_agreement on the vTaiwan UberX export: Minyi's groups against Pol.is's."""

import csv
import gzip
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

import participation
from participation.polis import polis_import

FIXTURE = Path(participation.__file__).resolve().parent / "fixtures" / "polis" / "vtaiwan-uberx"


@pytest.fixture
def uberx(make_consultation):
    consultation = make_consultation(slug="uberx")
    polis_import(consultation=consultation, directory=FIXTURE)
    return consultation


def test_uberx_groups_agree_with_polis(uberx):
    out = io.StringIO()
    call_command("polis_agreement", "uberx", stdout=out)
    lines = out.getvalue().splitlines()
    ari = float(lines[0].split()[1])
    compared = int(lines[1].split()[1])
    assert ari >= 0.7
    # Pol.is grouped 1,219 voters; 1,218 of them voted on at least 7 statements.
    assert compared == 1218
    assert "k=2" in lines[2]


def test_polis_file_matches_the_imported_votes():
    """The fixture's participants-votes.csv and votes.csv describe the same final votes."""
    with gzip.open(FIXTURE / "participants-votes.csv.gz", "rt", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with gzip.open(FIXTURE / "votes.csv.gz", "rt", encoding="utf-8") as handle:
        events = sorted(csv.DictReader(handle), key=lambda r: int(r["timestamp"]))
    final = {}
    for event in events:
        final[(event["voter-id"], event["comment-id"])] = event["vote"]
    for row in rows[:200]:
        for statement, value in row.items():
            if statement.isdigit() and value != "":
                assert final[(row["participant"], statement)] == value


def test_unknown_slug_and_missing_file(uberx, tmp_path):
    with pytest.raises(CommandError):
        call_command("polis_agreement", "nope")
    with pytest.raises(CommandError):
        call_command("polis_agreement", "uberx", participants_votes=tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("participant,x\n1,2\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("polis_agreement", "uberx", participants_votes=bad)


def test_uberx_produces_a_complete_report(uberx, make_user, django_capture_on_commit_callbacks):
    from minyi.agencies.roles import Role
    from minyi.agencies.services import user_role_add
    from reports.services import report_generate

    analyst = make_user()
    user_role_add(user=analyst, role=Role.ANALYST)
    with django_capture_on_commit_callbacks(execute=True):
        report = report_generate(consultation=uberx, user=analyst)
    report.refresh_from_db()
    assert report.status == "done", report.error
    data = report.data
    assert set(data) >= {
        "summary",
        "sections",
        "opinion_groups",
        "campaigns",
        "social",
        "moderation",
        "response_table",
    }
    groups = data["opinion_groups"]
    assert groups["k"] == 2 and groups["n_in_conversation"] == 1218
    assert groups["n_statements"] == 119  # 197 statements less the 78 Pol.is moderated out
    assert all(g["repness"] for g in groups["groups"])
    assert groups["consensus"] and groups["divisive"]
    assert data["summary"]["votes"] > 40_000 and data["summary"]["voters"] == 1921
