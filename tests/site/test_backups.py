"""backup_create / backup_restore: a backup restored into an empty database holds every
consultation, comment, vote and program row unchanged, and the media files.

Runs on whichever engine the suite runs on: on SQLite the restore goes into a new file,
on PostgreSQL into a fresh throw-away database (minyi_backup_…, dropped afterwards).
"""

import copy
import json
import os
import shutil
import stat
import tarfile
from contextlib import contextmanager

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend

from minyi.backups import BackupError, _pg_tool, backup_read_manifest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

RESTORE_ALIAS = "minyi_backup_restore"


def compared_models():
    from participation.models import (
        Comment,
        ConsultationPage,
        ConsultationSection,
        Participant,
        Statement,
        Vote,
    )
    from performance.models import Program

    return [ConsultationPage, ConsultationSection, Comment, Statement, Participant, Vote, Program]


def rows(model, alias):
    """Every field of every row, in primary-key order."""
    return list(model.objects.using(alias).order_by("pk").values())


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def site_data(make_consultation, make_user, media_root):
    from participation.services import comment_create, statement_create, statement_vote_cast
    from performance.models import Program

    first = make_consultation(slug="uberx")
    second = make_consultation(slug="long-term-care", agency_code="MOHW", sections=3)
    citizens = [make_user() for _ in range(4)]
    section = first.sections.first()
    parent = comment_create(
        consultation=first, user=citizens[0], body="應該納管自用車載客", stance="support"
    )
    comment_create(consultation=first, user=citizens[1], body="同意，但要保險", parent=parent)
    comment_create(
        consultation=first,
        user=citizens[2],
        body="第一條定義太寬",
        stance="oppose",
        section=section,
    )
    comment_create(consultation=second, user=citizens[3], body="長照人力不足", stance="suggest")
    statements = [
        statement_create(consultation=first, user=citizens[0], text="平台應負擔保險責任"),
        statement_create(consultation=second, user=citizens[1], text="長照給付應提高"),
    ]
    for n, citizen in enumerate(citizens):
        for statement in statements:
            statement_vote_cast(statement=statement, user=citizen, value=(n % 3) - 1)
    Program.objects.create(
        code="P-BACKUP-1", name="長照 2.0", agency=first.agency, start_year=2024, end_year=2027
    )
    default_storage.save("documents/草案說明.txt", ContentFile("條文對照表".encode()))
    return {"consultations": [first, second], "statements": statements}


@contextmanager
def empty_database(tmp_path):
    """A connection alias to a new, empty database of the engine the suite runs on."""
    settings_dict = copy.deepcopy(connection.settings_dict)
    settings_dict.get("OPTIONS", {}).pop("pool", None)
    created = None
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
    else:
        if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
            pytest.skip("pg_dump/pg_restore are not on the PATH: PostgreSQL backup not tested")
        created = f"minyi_backup_test_{os.getpid()}"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{created}"')
            cursor.execute(f'CREATE DATABASE "{created}"')
        settings_dict["NAME"] = created
    # Known to `connections` by alias (so commands and querysets find it) but not in
    # DATABASES: Django's test isolation allows such dynamically created connections.
    restored = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, RESTORE_ALIAS)
    connections[RESTORE_ALIAS] = restored
    try:
        yield RESTORE_ALIAS
    finally:
        restored.close()
        del connections[RESTORE_ALIAS]
        if created:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')


def test_backup_restores_into_an_empty_database_unchanged(site_data, media_root, tmp_path):
    archive = tmp_path / "backups" / "minyi.tar.gz"
    call_command("backup_create", "--output", str(archive), verbosity=0)

    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # it holds personal data
    manifest = backup_read_manifest(archive)
    assert manifest["engine"] == connection.vendor
    assert manifest["counts"]["consultations"] == 2
    assert manifest["counts"]["comments"] == 4
    assert manifest["counts"]["votes"] == 8
    assert manifest["counts"]["programs"] == 1
    assert manifest["media"]["files"] == 1
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names
    assert "media/documents/草案說明.txt" in names

    before = {model.__name__: rows(model, "default") for model in compared_models()}
    assert all(before.values())
    shutil.rmtree(media_root)

    with empty_database(tmp_path) as alias:
        call_command("backup_restore", str(archive), "--database", alias, verbosity=0)
        after = {model.__name__: rows(model, alias) for model in compared_models()}
        assert after == before

        # The same backup again over the now non-empty database: refused without --yes.
        with pytest.raises(CommandError, match="not empty"):
            call_command("backup_restore", str(archive), "--database", alias, verbosity=0)
        call_command("backup_restore", str(archive), "--database", alias, "--yes", verbosity=0)
        assert {model.__name__: rows(model, alias) for model in compared_models()} == before

    assert (media_root / "documents" / "草案說明.txt").read_text() == "條文對照表"


def test_restore_refuses_the_running_database_without_yes(site_data, tmp_path, capsys):
    from participation.models import Comment

    archive = tmp_path / "b.tar"  # plain tar works too
    call_command("backup_create", "--output", str(archive))
    out = capsys.readouterr().out
    assert f"Backup written to {archive}" in out
    assert "consultations 2" in out
    with tarfile.open(archive) as tar:
        assert json.load(tar.extractfile("manifest.json"))["counts"]["comments"] == 4

    with pytest.raises(CommandError, match=r"not empty.*--yes"):
        call_command("backup_restore", str(archive), verbosity=0)
    assert Comment.objects.count() == 4


@pytest.mark.django_db
def test_existing_output_is_not_overwritten(tmp_path, media_root):
    archive = tmp_path / "b.tar.gz"
    archive.write_bytes(b"keep me")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup_create", "--output", str(archive), verbosity=0)
    assert archive.read_bytes() == b"keep me"


@pytest.mark.django_db
def test_not_a_backup_is_refused(tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a tar file")
    with pytest.raises(CommandError, match="not a Minyi backup"):
        call_command("backup_restore", str(bogus), "--yes", verbosity=0)


@pytest.mark.django_db
def test_missing_pg_dump_is_refused_clearly(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="pg_dump was not found on the PATH"):
        _pg_tool("pg_dump")
    if connection.vendor == "postgresql":
        with pytest.raises(CommandError, match="pg_dump was not found"):
            call_command("backup_create", "--output", str(tmp_path / "b.tar.gz"), verbosity=0)
