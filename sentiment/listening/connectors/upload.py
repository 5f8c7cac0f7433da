"""File upload: CSV or JSON Lines exported from another tool, with a column mapping.

The mapping (``config["mapping"]``) says which column holds each field; only ``text`` and
``published_at`` are required. CSV files may be UTF-8 (with or without a byte-order mark) or
Big5 (cp950). Rows without an id column get one from a hash of their content, so uploading the
same file twice adds nothing.
"""

import csv
import hashlib
import io
import json
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .base import Connector, ConnectorError, NormalisedPost, clip, parse_datetime_loose

FIELDS = ("id", "text", "published_at", "author", "url", "title", "likes", "shares", "parent_id")
REQUIRED = ("text", "published_at")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def upload_max_bytes() -> int:
    return int(getattr(settings, "LISTENING_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def upload_size_check(size: int) -> None:
    limit = upload_max_bytes()
    if size > limit:
        raise ConnectorError(
            _(
                "The file is too large (%(size)d MB); the limit is %(limit)d MB. Split it into smaller files."  # noqa: E501
            )
            % {"size": size // (1024 * 1024), "limit": limit // (1024 * 1024)}
        )


def upload_decode(data: bytes) -> str:
    """UTF-8 with or without BOM, else Big5 (cp950); a clear error otherwise."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp950")
    except UnicodeDecodeError as error:
        raise ConnectorError(
            _("The file is neither UTF-8 nor Big5 text (unreadable bytes at position %(pos)d).")
            % {"pos": error.start}
        ) from error


def upload_rows(text: str, file_format: str) -> tuple[list[str], list[dict]]:
    """Header and rows of the decoded file."""
    if file_format == "jsonl":
        rows = []
        columns: dict[str, None] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as error:
                raise ConnectorError(
                    _("Line %(line)d is not valid JSON (the file may be truncated).")
                    % {"line": number}
                ) from error
            if not isinstance(row, dict):
                raise ConnectorError(_("Line %(line)d is not a JSON object.") % {"line": number})
            columns.update(dict.fromkeys(row))
            rows.append(row)
        return list(columns), rows
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = list(reader)
    except csv.Error as error:
        raise ConnectorError(
            _("The CSV file could not be read: %(error)s") % {"error": error}
        ) from error
    return list(reader.fieldnames or []), rows


def _int(value) -> int:
    try:
        return max(0, int(float(value)))
    except (TypeError, ValueError):
        return 0


class UploadConnector(Connector):
    kind = "upload"

    def __init__(self, source, *, path: str | Path | None = None, **kwargs) -> None:
        super().__init__(source, **kwargs)
        self.path = Path(path) if path else None

    def fetch(self, cursor: dict) -> tuple[list[NormalisedPost], dict]:
        if self.path is None:
            return [], dict(cursor or {})  # nothing uploaded: scheduled runs have nothing to do
        try:
            size = self.path.stat().st_size
        except OSError as error:
            raise ConnectorError(_("The uploaded file is missing.")) from error
        upload_size_check(size)
        file_format = self.config.get("format") or (
            "jsonl" if self.path.suffix.lower() in {".jsonl", ".ndjson", ".json"} else "csv"
        )
        columns, rows = upload_rows(upload_decode(self.path.read_bytes()), file_format)
        return self.parse_rows(columns, rows), dict(cursor or {})

    def parse_rows(self, columns: list[str], rows: list[dict]) -> list[NormalisedPost]:
        mapping = {k: v for k, v in (self.config.get("mapping") or {}).items() if v}
        for field in REQUIRED:
            mapping.setdefault(field, field)
        missing = [mapping[f] for f in mapping if f in FIELDS and mapping[f] not in columns]
        if missing:
            raise ConnectorError(
                _("The file has no column named %(columns)s. Columns found: %(found)s.")
                % {"columns": "、".join(missing), "found": "、".join(columns) or "—"}
            )
        posts = []
        bad_dates = 0
        for row in rows:

            def get(field, row=row):
                column = mapping.get(field)
                value = row.get(column) if column else None
                return "" if value is None else str(value).strip()

            text = get("text")
            if not text:
                continue
            published = parse_datetime_loose(get("published_at"))
            if published is None:
                bad_dates += 1
                continue
            external_id = (
                get("id")
                or hashlib.sha256(
                    f"{text}\x1f{published.isoformat()}\x1f{get('author')}".encode()
                ).hexdigest()
            )
            posts.append(
                NormalisedPost(
                    external_id=external_id[:200],
                    text=clip(text),
                    title=get("title")[:300],
                    published_at=published,
                    url=get("url")[:1000] if get("url").startswith(("http://", "https://")) else "",
                    author=get("author"),
                    likes=_int(get("likes")),
                    shares=_int(get("shares")),
                    parent_external_id=get("parent_id"),
                    # The author's column stays out of the kept row: the mapping step promises
                    # the author is stored only as a hash (author above), never by name.
                    raw={
                        k: (str(v)[:2000] if v is not None else None)
                        for k, v in row.items()
                        if k and k != mapping.get("author")
                    },
                )
            )
        if bad_dates:
            self.warnings.append(
                _("%(count)d rows were skipped because their date could not be read.")
                % {"count": bad_dates}
            )
        return posts
