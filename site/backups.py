"""Backing up and restoring the whole site: the database and the uploaded media.

A backup is one ``.tar.gz`` (or plain ``.tar``) file holding

- ``manifest.json``: format version, Minyi version, engine, creation time, the
  database file's SHA-256, the number of media files and the row counts of key tables;
- ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``) or ``database.sqlite3``
  (SQLite, copied with the online backup API, so a running site is copied consistently);
- ``media/``: everything under ``MEDIA_ROOT``.

On PostgreSQL the row counts are taken in the same snapshot that ``pg_dump`` copies
(``pg_export_snapshot``), so they describe exactly what the backup holds. The password
reaches ``pg_dump``/``pg_restore`` through ``PGPASSWORD`` in their environment, never on
the command line. A restore refuses a database that already has tables unless told to
replace it, and checks the restored row counts against the manifest.

``manage.py backup_create`` and ``manage.py backup_restore`` are thin wrappers.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

FORMAT = "minyi-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
MEDIA_PREFIX = "media"
DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}

# Tables whose row counts go into the manifest and are checked after a restore.
KEY_MODELS = {
    "users": "accounts.User",
    "agencies": "agencies.Agency",
    "pages": "wagtailcore.Page",
    "consultations": "participation.ConsultationPage",
    "comments": "participation.Comment",
    "statements": "participation.Statement",
    "votes": "participation.Vote",
    "petitions": "participation.Petition",
    "programs": "performance.Program",
    "documents": "wagtaildocs.Document",
    "images": "wagtailimages.Image",
    "moderation_submissions": "moderation.Submission",
}

Report = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    size: int


@dataclass
class RestoreResult:
    manifest: dict
    counts: dict[str, int]
    media_files: int
    replaced_tables: int = 0
    warnings: list[str] = field(default_factory=list)


def _quiet(_message: str) -> None:
    return None


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(
            f"Backups support PostgreSQL and SQLite; the database {alias!r} is {vendor}."
        )
    return vendor


def _minyi_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("minyi")
    except PackageNotFoundError:
        return "unknown"


def _key_tables() -> dict[str, str]:
    tables = {}
    for name, label in KEY_MODELS.items():
        try:
            tables[name] = apps.get_model(label)._meta.db_table
        except LookupError:  # an app that this installation leaves out
            continue
    return tables


def _count_rows(cursor, tables: dict[str, str], quote: Callable[[str], str]) -> dict[str, int]:
    counts = {}
    for name, table in tables.items():
        # Table names come from the models, never from input.
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
        counts[name] = cursor.fetchone()[0]
    return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _latest_migrations(alias: str) -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    recorder = MigrationRecorder(connections[alias])
    if not recorder.has_table():
        return latest
    for app, name in recorder.migration_qs.order_by("app", "name").values_list("app", "name"):
        latest[app] = name
    return latest


# --- PostgreSQL ---------------------------------------------------------------


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on the PATH. Install the PostgreSQL client tools of the same "
            f"major version as the server (Debian/Ubuntu: apt-get install postgresql-client) "
            f"and try again."
        )
    return path


def _pg_tool_major(path: str) -> int:
    done = subprocess.run(  # noqa: S603 - a fixed tool found on the PATH
        [path, "--version"], capture_output=True, text=True, check=False, timeout=30
    )
    match = re.search(r"(\d+)(?:\.\d+)?", done.stdout)
    if done.returncode or not match:
        raise BackupError(f"Could not read the version of {path}: {done.stderr.strip()}")
    return int(match.group(1))


def _pg_require_tool(name: str, alias: str) -> str:
    """The tool's path; refuses a tool older than the server (it cannot read its catalogue)."""
    path = _pg_tool(name)
    connection = connections[alias]
    connection.ensure_connection()
    server_major = connection.pg_version // 10000
    tool_major = _pg_tool_major(path)
    if tool_major < server_major:
        raise BackupError(
            f"{name} is version {tool_major} but the server is PostgreSQL {server_major}; "
            f"install the client tools of version {server_major} or newer."
        )
    return path


def _pg_environment(alias: str) -> dict[str, str]:
    """libpq variables for the configured database: the password never appears in ``ps``."""
    config = connections[alias].settings_dict
    options = config.get("OPTIONS") or {}
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    values = {
        "PGHOST": config.get("HOST"),
        "PGPORT": config.get("PORT"),
        "PGUSER": config.get("USER"),
        "PGPASSWORD": config.get("PASSWORD"),
        "PGDATABASE": config.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
        "PGAPPNAME": "minyi-backup",
    }
    env.update({key: str(value) for key, value in values.items() if value not in (None, "")})
    return env


def _pg_run(command: list[str], *, env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        raise BackupError(f"{what} failed (exit status {done.returncode}):\n{done.stderr.strip()}")


def _pg_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pg_dump(alias: str, target: Path) -> dict[str, int]:
    """Dump the database to ``target``; returns the key tables' row counts in the same snapshot."""
    pg_dump = _pg_require_tool("pg_dump", alias)
    env = _pg_environment(alias)
    command = [pg_dump, "--format=custom", "--no-password", f"--file={target}"]
    connection = connections[alias]
    if connection.in_atomic_block:
        # Inside someone else's transaction the isolation level is fixed: count separately.
        _pg_run(command, env=env, what="pg_dump")
        with connection.cursor() as cursor:
            return _count_rows(cursor, _key_tables(), _pg_quote)
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _count_rows(cursor, _key_tables(), _pg_quote)
        # The snapshot lives as long as this transaction: pg_dump sees exactly what we counted.
        _pg_run([*command, f"--snapshot={snapshot}"], env=env, what="pg_dump")
    return counts


def _pg_table_count(alias: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_catalog.pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
        return cursor.fetchone()[0]


def _pg_restore(alias: str, dump: Path) -> None:
    pg_restore = _pg_require_tool("pg_restore", alias)
    env = _pg_environment(alias)
    _close(alias)
    _pg_run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={env.get('PGDATABASE', '')}",
            str(dump),
        ],
        env=env,
        what="pg_restore",
    )


# --- SQLite ----------------------------------------------------------------------


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_raw(alias: str) -> sqlite3.Connection:
    connection = connections[alias]
    connection.ensure_connection()
    return connection.connection


def _sqlite_dump(alias: str, target: Path) -> dict[str, int]:
    """Copy the live database with SQLite's online backup API, then count in the copy."""
    source = _sqlite_raw(alias)
    destination = sqlite3.connect(target)
    try:
        with connections[alias].wrap_database_errors:
            source.backup(destination)
        # A self-contained file: no -wal beside it.
        destination.execute("PRAGMA journal_mode=DELETE")
        check = destination.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The copied SQLite database failed its check: {check}")
        return _count_rows(destination.cursor(), _key_tables(), _sqlite_quote)
    finally:
        destination.close()


def _sqlite_table_count(alias: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        return cursor.fetchone()[0]


def _sqlite_restore(alias: str, copy: Path) -> None:
    _close(alias)
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        destination = _sqlite_raw(alias)
        with connections[alias].wrap_database_errors:
            source.backup(destination)
    finally:
        source.close()
        _close(alias)


def _close(alias: str) -> None:
    connection = connections[alias]
    connection.close()


# --- Media ------------------------------------------------------------------------


def _media_root() -> Path | None:
    root = getattr(settings, "MEDIA_ROOT", "")
    return Path(root) if root else None


def _media_files(root: Path | None) -> Iterator[Path]:
    if root is None or not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


# --- Archive ----------------------------------------------------------------------


def default_backup_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"minyi-backup-{stamp}.tar.gz"


def _tar_mode(path: Path, writing: bool) -> str:
    if not writing:
        return "r:*"
    return "w:gz" if path.name.endswith((".tar.gz", ".tgz")) else "w"


def _tar_add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def backup_create(
    *, output: Path | str | None = None, alias: str = DEFAULT_DB_ALIAS, report: Report = _quiet
) -> BackupResult:
    """Write a backup of the database ``alias`` and ``MEDIA_ROOT`` to ``output``.

    The file appears only when complete (written beside it, then renamed), readable
    by its owner only: it holds personal data.
    """
    engine = _engine(alias)
    output = Path(output) if output else default_backup_path()
    if output.is_dir():
        output = output / default_backup_path().name
    if output.exists():
        raise BackupError(f"{output} already exists; choose another --output.")
    output.parent.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix=".minyi-backup-", dir=output.parent) as work:
        database_file = Path(work) / DATABASE_FILES[engine]
        report(f"Copying the {engine} database {connections[alias].settings_dict['NAME']} …")
        counts = (_pg_dump if engine == "postgresql" else _sqlite_dump)(alias, database_file)
        media_root = _media_root()
        media = list(_media_files(media_root))
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "minyi_version": _minyi_version(),
            "engine": engine,
            "created_at": timezone.now().isoformat(),
            "database": {
                "file": database_file.name,
                "bytes": database_file.stat().st_size,
                "sha256": _sha256(database_file),
                "migrations": _latest_migrations(alias),
            },
            "media": {
                "files": len(media),
                "bytes": sum(path.stat().st_size for path in media),
            },
            "counts": counts,
        }
        report(f"Adding {len(media)} media files from {media_root} …")
        partial = Path(work) / "backup.partial"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with (
            os.fdopen(descriptor, "wb") as handle,
            tarfile.open(fileobj=handle, mode=_tar_mode(output, writing=True)) as archive,
        ):
            _tar_add_bytes(
                archive,
                MANIFEST_NAME,
                json.dumps(manifest, ensure_ascii=False, indent=2).encode(),
            )
            archive.add(database_file, arcname=database_file.name, recursive=False)
            for path in media:
                relative = path.relative_to(media_root).as_posix()
                archive.add(path, arcname=f"{MEDIA_PREFIX}/{relative}", recursive=False)
        partial.replace(output)
    return BackupResult(path=output, manifest=manifest, size=output.stat().st_size)


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        name = PurePosixPath(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"Refusing a backup with an unsafe entry: {member.name!r}")
        members.append(member)
    return members


def backup_read_manifest(path: Path | str) -> dict:
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    try:
        with tarfile.open(path, _tar_mode(path, writing=False)) as archive:
            handle = archive.extractfile(MANIFEST_NAME)
            manifest = json.load(handle)
    except (tarfile.TarError, KeyError, ValueError, OSError) as error:
        raise BackupError(f"{path} is not a Minyi backup ({error}).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Minyi backup (no {FORMAT} manifest).")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(
            f"{path} was written by a newer Minyi (backup format "
            f"{manifest['format_version']}); upgrade before restoring it."
        )
    return manifest


def database_table_count(alias: str = DEFAULT_DB_ALIAS) -> int:
    """How many tables the database has (0 for a new, empty one)."""
    engine = _engine(alias)
    return _pg_table_count(alias) if engine == "postgresql" else _sqlite_table_count(alias)


def database_counts(alias: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    quote = _pg_quote if _engine(alias) == "postgresql" else _sqlite_quote
    with connections[alias].cursor() as cursor:
        return _count_rows(cursor, _key_tables(), quote)


def backup_restore(
    path: Path | str,
    *,
    alias: str = DEFAULT_DB_ALIAS,
    replace: bool = False,
    media: bool = True,
    report: Report = _quiet,
) -> RestoreResult:
    """Restore a backup into the database ``alias`` and ``MEDIA_ROOT``.

    Refuses a database that already has tables unless ``replace`` is true. Stop the
    site and the workers first: a restore replaces every table.
    """
    path = Path(path)
    manifest = backup_read_manifest(path)
    engine = _engine(alias)
    if manifest["engine"] != engine:
        raise BackupError(
            f"This backup is of a {manifest['engine']} database and cannot be restored into "
            f"{engine}. Configure DATABASE_URL for {manifest['engine']} (or restore it there "
            f"and move the data with dumpdata/loaddata)."
        )
    tables = database_table_count(alias)
    name = connections[alias].settings_dict["NAME"]
    if tables and not replace:
        raise BackupError(
            f"The database {name} is not empty ({tables} tables). Restoring replaces everything "
            f"in it; run again with --yes to go ahead, or restore into an empty database."
        )

    with tempfile.TemporaryDirectory(prefix="minyi-restore-") as work:
        work_dir = Path(work)
        with tarfile.open(path, _tar_mode(path, writing=False)) as archive:
            members = _safe_members(archive)
            extract = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            archive.extractall(work_dir, members=members, **extract)  # noqa: S202 - checked above
        database_file = work_dir / manifest["database"]["file"]
        if _sha256(database_file) != manifest["database"]["sha256"]:
            raise BackupError(f"{path} is damaged: the database copy does not match its checksum.")

        report(f"Restoring the {engine} database into {name} …")
        if engine == "postgresql":
            _pg_restore(alias, database_file)
        else:
            _sqlite_restore(alias, database_file)

        restored_media = 0
        media_source = work_dir / MEDIA_PREFIX
        media_root = _media_root()
        if media and media_root is not None and media_source.is_dir():
            report(f"Restoring media files into {media_root} …")
            for source in sorted(media_source.rglob("*")):
                if not source.is_file():
                    continue
                target = media_root / source.relative_to(media_source)
                target.parent.mkdir(parents=True, exist_ok=True)
                # Copy beside, then rename: a file is either the old one or the whole new one.
                partial = target.with_name(f".{target.name}.restoring")
                shutil.copy2(source, partial)
                partial.replace(target)
                restored_media += 1

    counts = database_counts(alias)
    result = RestoreResult(
        manifest=manifest, counts=counts, media_files=restored_media, replaced_tables=tables
    )
    expected = manifest.get("counts", {})
    differing = [
        f"{key} {want} expected, {counts.get(key)} found"
        for key, want in expected.items()
        if counts.get(key) != want
    ]
    if differing:
        raise BackupError(
            "The restored database does not hold what the backup recorded: " + ", ".join(differing)
        )
    if media and restored_media != manifest["media"]["files"]:
        result.warnings.append(
            f"{manifest['media']['files']} media files in the backup, {restored_media} restored."
        )
    if _migrations_pending(alias):
        result.warnings.append(
            "This code has migrations that the backup does not: run `manage.py migrate`."
        )
    return result


def _migrations_pending(alias: str) -> bool:
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connections[alias])
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except Exception:  # a hint only; never fail a finished restore over it
        return False
