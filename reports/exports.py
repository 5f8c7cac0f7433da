"""Exports of a stored report: CSV per table (UTF-8 with BOM, for Excel; ISO days, for
machines), XLSX (days as the page writes them), the response
table as XLSX and as Word-compatible HTML, a self-contained HTML file and PDF (headless
Chromium, which embeds the fonts it uses)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from minyi.home.dates import format_reader_date
from minyi.spreadsheets import csv_document, spreadsheet_safe

from .presentation import Table, iso_day

PDF_TIMEOUT_SECONDS = 120


def table_csv(table: Table) -> bytes:
    return csv_document(table.columns, table.rows)


def _sheet_title(text: str, used: set[str]) -> str:
    title = "".join(ch for ch in text if ch not in "[]:*?/\\")[:31] or "sheet"
    base, n = title, 2
    while title in used:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def _sheet_value(value):
    """A cell as the workbook's reader gets it: an ISO day (``2026-12-06``) in the reader's
    calendar as the page and the PDF write it (「115年12月6日」); citizen text made safe."""
    day = iso_day(value)
    return format_reader_date(day) if day is not None else spreadsheet_safe(value)


def _write_sheet(sheet, table: Table, *, widths: dict[int, int] | None = None) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.append(table.columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_sheet_value(v) for v in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    for index, width in (widths or {}).items():
        sheet.column_dimensions[chr(ord("A") + index)].width = width


def tables_xlsx(tables: dict[str, Table], *, meta: list[tuple[str, str]]) -> bytes:
    """Every table on its own sheet, after a sheet that says what the report is."""
    from openpyxl import Workbook

    book = Workbook()
    about = book.active
    about.title = _sheet_title(_("About"), used := set())
    for key, value in meta:
        about.append([key, value])
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 80
    for table in tables.values():
        _write_sheet(book.create_sheet(_sheet_title(table.title, used)), table)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def response_table_xlsx(table: Table, *, decisions: list[str]) -> bytes:
    """The 對照表 for staff to fill in: blank decision (with a list to pick from) and reason."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(table.title, set())
    _write_sheet(sheet, table, widths={0: 12, 1: 40, 6: 24, 7: 70, 8: 16, 9: 50})
    decision_col = chr(ord("A") + table.columns.index(_("Agency decision")))
    validation = DataValidation(
        type="list", formula1='"' + ",".join(decisions) + '"', allow_blank=True
    )
    sheet.add_data_validation(validation)
    validation.add(f"{decision_col}2:{decision_col}{len(table.rows) + 1}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome", "headless_shell"):
        path = shutil.which(name)
        if path:
            return path
    return None


class PdfUnavailable(RuntimeError):
    pass


def html_to_pdf(html: str, *, timeout: int = PDF_TIMEOUT_SECONDS) -> bytes:
    """Print an HTML document to PDF with headless Chromium (fonts are embedded, subset)."""
    browser = chromium_path()
    if browser is None:
        raise PdfUnavailable(_("PDF export needs Chromium, which is not installed on this server."))
    with tempfile.TemporaryDirectory(prefix="minyi-report-") as tmp:
        source = Path(tmp) / "report.html"
        target = Path(tmp) / "report.pdf"
        source.write_text(html, encoding="utf-8")
        command = [
            browser,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=15000",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to sandbox as root
        try:
            subprocess.run(  # noqa: S603 (fixed arguments, our own file)
                command, capture_output=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfUnavailable(_("Printing the report to PDF took too long.")) from exc
        if not target.is_file() or target.stat().st_size == 0:
            raise PdfUnavailable(_("Chromium could not print the report to PDF."))
        return target.read_bytes()
