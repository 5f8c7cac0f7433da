"""Files that people open in a spreadsheet program: safe cells, and CSV as Excel reads it.

Every CSV the platform writes goes through :func:`csv_document` (a whole file) or
:func:`csv_stream` (a streamed response): UTF-8 with a byte-order mark (Excel reads UTF-8 only
with one), CRLF line ends, empty cells for None, and the formula guard always on.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def spreadsheet_safe(value):
    """Citizen text that would run as a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _cells(row: Iterable[Any]) -> list[Any]:
    return ["" if cell is None else spreadsheet_safe(cell) for cell in row]


def csv_document(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    """A whole CSV file as bytes."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_cells(header))
    writer.writerows(_cells(row) for row in rows)
    return (BOM + buffer.getvalue()).encode("utf-8")


class _Line:
    def write(self, value: str) -> str:
        return value


def csv_stream(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The same file line by line, for a StreamingHttpResponse over a large query."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield BOM
    yield writer.writerow(_cells(header))
    for row in rows:
        yield writer.writerow(_cells(row))
