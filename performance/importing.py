"""Reading and checking program files (填報匯入): XLSX workbooks and CSV files.

Layout (the template from :func:`template_xlsx` has every sheet with its header row):

============  ==========================================================================
Sheet         Columns (* = required)
============  ==========================================================================
計畫          計畫代碼*, 計畫名稱*, 主管機關代碼*, 管制層級, 類別, 開始年度*, 結束年度*,
              計畫目標, 計畫說明, 服務縣市
績效指標      計畫代碼*, 指標名稱*, 單位, 定義, 計算公式, 方向, 基準值, 基準年度
目標值        計畫代碼*, 指標名稱*, 年度*, 目標值*
達成值        計畫代碼*, 指標名稱*, 年度*, 期別, 達成值*, 填報日期, 說明, 佐證連結
預算          計畫代碼*, 年度*, 預算數(千元)*, 執行數(千元), 累計預定支用數(千元)
進度          計畫代碼*, 期末日期*, 預定進度(%)*, 實際進度(%)*, 說明
查核點        計畫代碼*, 查核點名稱*, 預定完成日*, 實際完成日, 權重(%)
============  ==========================================================================

A workbook holds the sheets by name (other sheets, such as 說明, are ignored); a CSV file holds
one sheet, recognised by its file name or its header row. Years are 民國 (105) or Gregorian
(2016); dates are 2016-03-31, 2016/03/31 or 民國 105/03/31; numbers may carry thousands
separators and a trailing %. CSV files may be UTF-8 (with or without BOM) or Big5 (cp950):
with ``encoding="auto"`` a BOM means UTF-8, otherwise strict UTF-8 is tried, then Big5.

Every problem is reported with its sheet, line and column, in Traditional Chinese; nothing is
written here (see :func:`performance.services.programs_import`).
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from minyi.spreadsheets import csv_document

from .counties import NATIONWIDE_WORDS, county_code_for
from .models import ControlLevel, Direction, Period, gregorian_year

MAX_UPLOAD_BYTES = 25 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text, code, year, decimal, percent, date, url, choice, counties, bool
    required: bool = False
    max_length: int = 0
    choices: dict[str, str] = field(default_factory=dict)
    help: str = ""


@dataclass(frozen=True)
class Sheet:
    key: str
    title: str
    columns: tuple[Column, ...]
    help: str = ""

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


CONTROL_LEVELS = {
    "院管制": ControlLevel.EXECUTIVE_YUAN,
    "部會管制": ControlLevel.MINISTRY,
    "自行管制": ControlLevel.SELF,
    **{value: value for value in ControlLevel.values},
}
DIRECTIONS = {
    "越高越好": Direction.HIGHER,
    "越低越好": Direction.LOWER,
    "愈高愈好": Direction.HIGHER,
    "愈低愈好": Direction.LOWER,
    **{value: value for value in Direction.values},
}
PERIODS = {
    "全年": Period.YEAR,
    "年度": Period.YEAR,
    "上半年": Period.H1,
    "第1季": Period.Q1,
    "第2季": Period.Q2,
    "第3季": Period.Q3,
    "第4季": Period.Q4,
    "第一季": Period.Q1,
    "第二季": Period.Q2,
    "第三季": Period.Q3,
    "第四季": Period.Q4,
    **{value: value for value in Period.values},
}
BOOLEANS = {"是": True, "否": False, "y": True, "n": False, "yes": True, "no": False}
BOOLEANS |= {"true": True, "false": False, "1": True, "0": False}
CONTROL_LABELS = {value: label for label, value in list(CONTROL_LEVELS.items())[:3]}
DIRECTION_LABELS = {value: label for label, value in list(DIRECTIONS.items())[:2]}
PERIOD_LABELS = {Period.YEAR: "全年", Period.H1: "上半年"} | {
    getattr(Period, f"Q{n}"): f"第{n}季" for n in range(1, 5)
}

CODE = Column("program", "計畫代碼", "code", required=True, max_length=40)
KPI_NAME = Column("kpi", "指標名稱", required=True, max_length=200)

PROGRAMS = Sheet(
    "programs",
    "計畫",
    (
        CODE,
        Column("name", "計畫名稱", required=True, max_length=200),
        Column("agency", "主管機關代碼", required=True, max_length=20, help="例如 NDC"),
        Column(
            "control_level",
            "管制層級",
            "choice",
            choices=CONTROL_LEVELS,
            help="院管制、部會管制或自行管制（空白為部會管制）",
        ),
        Column("category", "類別", max_length=100),
        Column("category_en", "類別(英文)", max_length=100, help="英文網站顯示的類別名稱"),
        Column("start_year", "開始年度", "year", required=True, help="民國或西元年"),
        Column("end_year", "結束年度", "year", required=True),
        Column("objectives", "計畫目標"),
        Column("description", "計畫說明"),
        Column(
            "counties",
            "服務縣市",
            "counties",
            help="縣市名稱或代碼，以頓號分隔；「全國」表示全國各縣市",
        ),
        Column("is_demo", "示範資料", "bool", help="「是」表示部分數字為示範用的合成資料"),
    ),
    "每列一個計畫，以計畫代碼辨識；再次匯入同一代碼會更新該計畫。",
)
KPIS = Sheet(
    "kpis",
    "績效指標",
    (
        CODE,
        KPI_NAME,
        Column("unit", "單位", max_length=30),
        Column("definition", "定義"),
        Column("formula", "計算公式"),
        Column("direction", "方向", "choice", choices=DIRECTIONS, help="越高越好或越低越好"),
        Column("baseline", "基準值", "decimal"),
        Column("baseline_year", "基準年度", "year"),
    ),
)
TARGETS = Sheet(
    "targets",
    "目標值",
    (
        CODE,
        KPI_NAME,
        Column("year", "年度", "year", required=True),
        Column("value", "目標值", "decimal", required=True),
    ),
)
ACTUALS = Sheet(
    "actuals",
    "達成值",
    (
        CODE,
        KPI_NAME,
        Column("year", "年度", "year", required=True),
        Column("period", "期別", "choice", choices=PERIODS, help="全年、上半年或第1季至第4季"),
        Column("value", "達成值", "decimal", required=True),
        Column("reported_on", "填報日期", "date"),
        Column("note", "說明"),
        Column("evidence_url", "佐證連結", "url", max_length=500),
    ),
)
BUDGETS = Sheet(
    "budgets",
    "預算",
    (
        CODE,
        Column("year", "年度", "year", required=True),
        Column("budget", "預算數(千元)", "decimal", required=True),
        Column("spent", "執行數(千元)", "decimal"),
        Column(
            "planned_to_date",
            "累計預定支用數(千元)",
            "decimal",
            help="年度進行中填寫；年度結束可留空（以預算數計）",
        ),
    ),
)
PROGRESS = Sheet(
    "progress",
    "進度",
    (
        CODE,
        Column("period_end", "期末日期", "date", required=True, help="每月或每季最後一天"),
        Column("planned_percent", "預定進度(%)", "percent", required=True),
        Column("actual_percent", "實際進度(%)", "percent", required=True),
        Column("note", "說明"),
    ),
)
MILESTONES = Sheet(
    "milestones",
    "查核點",
    (
        CODE,
        Column("name", "查核點名稱", required=True, max_length=200),
        Column("planned_date", "預定完成日", "date", required=True),
        Column("actual_date", "實際完成日", "date"),
        Column("weight", "權重(%)", "percent"),
    ),
)
SHEETS: tuple[Sheet, ...] = (PROGRAMS, KPIS, TARGETS, ACTUALS, BUDGETS, PROGRESS, MILESTONES)
SHEETS_BY_KEY = {sheet.key: sheet for sheet in SHEETS}

DECIMAL_PLACES = {"decimal": 4, "percent": 2}
MAX_ABS = {"decimal": Decimal("1e14"), "percent": Decimal(1000)}


@dataclass(frozen=True)
class RowError:
    sheet: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"工作表「{self.sheet}」第 {self.line} 列" if self.line else f"「{self.sheet}」"
        if self.column:
            where += f" {self.column}"
        return f"{where}：{self.message}"


class ImportFailed(Exception):
    """The upload has errors; nothing was imported."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass
class Row:
    line: int
    values: dict[str, Any]
    cells: dict[str, str]  # the column labels used in errors (shared by the table's rows)


@dataclass
class Table:
    sheet: Sheet
    source: str
    rows: list[Row]
    present: frozenset[str] = frozenset()  # keys of the columns the file has


@dataclass
class Upload:
    """One import: the tables found in the files, parsed and checked."""

    tables: dict[str, Table] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


# --- Encodings ------------------------------------------------------------------------------


def decode_text(data: bytes, *, encoding: str = "auto", source: str = "") -> str:
    """Text of a CSV file: UTF-8 with or without BOM, or Big5 (cp950).

    ``encoding`` is "auto" (detect), "utf-8" or "big5". A file declared UTF-8 that is not
    gets an error naming each line that is not valid UTF-8.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        if _valid_utf8(data[3:]):
            return data[3:].decode("utf-8")
        _bad_lines(data, source)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if encoding in {"utf-8", "utf8"}:
        if _valid_utf8(data):
            return data.decode("utf-8")
        _bad_lines(data, source)
    if encoding == "auto" and _valid_utf8(data):
        return data.decode("utf-8")
    try:
        return data.decode("cp950")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("big5hkscs")
    except UnicodeDecodeError:
        raise ImportFailed(
            [
                RowError(
                    source,
                    0,
                    "",
                    "無法辨識檔案的文字編碼。請在 Excel 另存為「CSV UTF-8（逗號分隔）」"
                    "或 Big5 編碼的 CSV。",
                )
            ]
        ) from None


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _bad_lines(data: bytes, source: str) -> str:
    errors = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            errors.append(
                RowError(
                    source,
                    number,
                    "",
                    "這一列不是有效的 UTF-8 文字；檔案可能是 Big5 編碼，"
                    "請將編碼改選「自動偵測」或「Big5」，"
                    "或另存為 UTF-8。",
                )
            )
    raise ImportFailed(errors[:200])


# --- Reading files ----------------------------------------------------------------------------


def _sheet_for_csv(name: str, header: list[str]) -> Sheet | None:
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
    for sheet in SHEETS:
        if (
            stem == sheet.key
            or stem == sheet.title
            or stem.endswith(("-" + sheet.key, "_" + sheet.key))
        ):
            return sheet
    for sheet in SHEETS:
        if stem.endswith(sheet.title):
            return sheet
    present = set(header)
    candidates = [
        sheet
        for sheet in SHEETS
        if {c.header for c in sheet.columns if c.required} <= present
        and present <= {c.header for c in sheet.columns}
    ]
    return candidates[0] if len(candidates) == 1 else None


def _clean_header(value: Any) -> str:
    return (
        re.sub(r"\s+", "", str(value or "")).replace("（", "(").replace("）", ")").lstrip("\ufeff")
    )


def _column_label(sheet_kind: str, index: int, header: str) -> str:
    if sheet_kind == "xlsx":
        from openpyxl.utils import get_column_letter

        return f"{get_column_letter(index + 1)} 欄「{header}」"
    return f"第 {index + 1} 欄「{header}」"


def read_files(files: list[tuple[str, bytes]], *, encoding: str = "auto") -> Upload:
    """Parse uploaded files (name, content) into checked tables; errors are collected."""
    upload = Upload()
    if not files:
        upload.errors.append(RowError("檔案", 0, "", "請選擇要匯入的 XLSX 或 CSV 檔案。"))
        return upload
    for name, data in files:
        if len(data) > MAX_UPLOAD_BYTES:
            upload.errors.append(
                RowError(name, 0, "", f"檔案超過 {MAX_UPLOAD_BYTES // 1024 // 1024} MB。")
            )
            continue
        lower = name.lower()
        try:
            if data[:4] == b"PK\x03\x04":
                _read_xlsx(upload, name, data)
            elif lower.endswith((".xlsx", ".xlsm")):
                upload.errors.append(RowError(name, 0, "", "不是有效的 XLSX 檔案。"))
            elif lower.endswith(".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
                upload.errors.append(
                    RowError(name, 0, "", "不支援舊版 Excel（.xls）檔案，請另存為 .xlsx 或 CSV。")
                )
            else:
                _read_csv(upload, name, decode_text(data, encoding=encoding, source=name))
        except ImportFailed as failure:
            upload.errors.extend(failure.errors)
    if not upload.tables and not upload.errors:
        upload.errors.append(
            RowError("檔案", 0, "", "檔案中找不到任何可匯入的工作表（計畫、績效指標、目標值…）。")
        )
    return upload


def _read_xlsx(upload: Upload, name: str, data: bytes) -> None:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for damaged files
        upload.errors.append(RowError(name, 0, "", "無法開啟這個 XLSX 檔案，檔案可能已損毀。"))
        return
    try:
        for worksheet in workbook.worksheets:
            title = worksheet.title.strip()
            sheet = next((s for s in SHEETS if s.title == title or s.key == title), None)
            if sheet is None:
                continue
            rows = worksheet.iter_rows(values_only=True)
            header = next(rows, None)
            if header is None:
                continue
            _read_table(upload, sheet, "xlsx", list(header), enumerate(rows, start=2), sheet.title)
    finally:
        workbook.close()


def _read_csv(upload: Upload, name: str, text: str) -> None:
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        upload.errors.append(RowError(name, 0, "", "檔案是空的。"))
        return
    sheet = _sheet_for_csv(name, [_clean_header(h) for h in header])
    if sheet is None:
        upload.errors.append(
            RowError(
                name,
                1,
                "",
                "無法辨識這個 CSV 檔是哪一張工作表：請使用範本的檔名（例如 programs.csv、計畫.csv）"
                "或範本第 1 列的欄位名稱。",
            )
        )
        return

    def numbered():
        for row in reader:
            yield reader.line_num, row

    _read_table(upload, sheet, "csv", header, numbered(), f"{sheet.title}（{name}）")


def _read_table(upload, sheet: Sheet, kind: str, header: list, rows, source: str) -> None:
    names = [_clean_header(h) for h in header]
    while names and not names[-1]:
        names.pop()
    by_header = {column.header: column for column in sheet.columns}
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, name in enumerate(names):
        if not name:
            continue
        column = by_header.get(name)
        if column is None:
            errors.append(
                RowError(
                    source,
                    1,
                    _column_label(kind, index, name),
                    "無法辨識的欄位名稱，請使用範本的欄位：" + "、".join(by_header) + "。",
                )
            )
        elif column.key in positions:
            errors.append(RowError(source, 1, _column_label(kind, index, name), "欄位重複。"))
        else:
            positions[column.key] = index
    for column in sheet.columns:
        if column.required and column.key not in positions:
            errors.append(RowError(source, 1, f"「{column.header}」", "缺少這個必要欄位。"))
    if errors:
        upload.errors.extend(errors)
        return
    if sheet.key in upload.tables:
        upload.errors.append(RowError(source, 0, "", "同一張工作表出現在兩個檔案中。"))
        return
    table = Table(sheet, source, [], frozenset(positions))
    # The column labels used in errors, once per table (shared by every row).
    cells = {
        column.key: _column_label(kind, positions[column.key], column.header)
        if column.key in positions
        else ""
        for column in sheet.columns
    }
    layout = [(column, positions.get(column.key)) for column in sheet.columns]
    for line, raw in rows:
        raw = raw or ()
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in raw):
            continue
        values = {}
        width = len(raw)
        for column, index in layout:
            cell = raw[index] if index is not None and index < width else None
            try:
                values[column.key] = parse_cell(column, cell)
            except ValidationError as error:
                upload.errors.append(RowError(source, line, cells[column.key], error.messages[0]))
                values[column.key] = _INVALID
        table.rows.append(Row(line, values, cells))
    upload.tables[sheet.key] = table


_INVALID = object()


# --- Cells --------------------------------------------------------------------------------------

_ROC_DATE = re.compile(
    r"^(?:民國)?\s*(\d{2,3})\s*[/.\-年]\s*(\d{1,2})\s*[/.\-月]\s*(\d{1,2})\s*日?$"
)
_DATE = re.compile(r"^(\d{4})\s*[/.\-年]\s*(\d{1,2})\s*[/.\-月]\s*(\d{1,2})\s*日?$")


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 30 else text[:30] + "…"


def parse_cell(column: Column, value: Any) -> Any:
    """The cell's value for the model, or ValidationError with a Traditional Chinese message."""
    if isinstance(value, str):
        value = value.strip()
    empty = value is None or value == ""
    if empty:
        if column.required:
            raise ValidationError("必填，不可空白。")
        return "" if column.kind in {"text", "code", "url"} else None
    kind = column.kind
    if kind in {"text", "code", "url"}:
        text = str(value).strip() if not isinstance(value, float) else _number_text(value)
        if column.max_length and len(text) > column.max_length:
            raise ValidationError(f"最多 {column.max_length} 個字，這一格有 {len(text)} 個字。")
        if kind == "code" and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_\-]*", text):
            raise ValidationError(
                "計畫代碼只能使用英文字母、數字、底線與連字號（例如 EGOV4-1-1），"
                f"收到「{_shown(text)}」。"
            )
        if kind == "url":
            try:
                URLValidator(schemes=["http", "https"])(text)
            except ValidationError:
                raise ValidationError(
                    f"不是有效的網址（須以 http:// 或 https:// 開頭），收到「{_shown(text)}」。"
                ) from None
        return text
    if kind in {"decimal", "percent"}:
        return _parse_number(column, value)
    if kind == "year":
        return _parse_year(value)
    if kind == "date":
        return _parse_date(value)
    if kind == "choice":
        text = str(value).strip()
        choice = column.choices.get(text) or column.choices.get(text.lower())
        if choice is None:
            options = "、".join(k for k in column.choices if not k.isascii())
            raise ValidationError(f"請填入{options}其中之一，收到「{_shown(text)}」。")
        return choice
    if kind == "counties":
        return _parse_counties(str(value))
    if kind == "bool":
        text = str(value).strip().lower()
        if isinstance(value, bool) or text in BOOLEANS:
            return value if isinstance(value, bool) else BOOLEANS[text]
        raise ValidationError(f"請填入「是」或「否」，收到「{_shown(value)}」。")
    raise AssertionError(kind)


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _parse_number(column: Column, value: Any) -> Decimal:
    if isinstance(value, bool | datetime | date):
        raise ValidationError(f"必須是數字，收到「{_shown(value)}」。")
    if isinstance(value, int | float):
        text = repr(value) if isinstance(value, float) else str(value)
    else:
        text = str(value).replace(",", "").replace("，", "").replace(" ", "")
        text = text.removesuffix("%").removesuffix("％")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"必須是數字，收到「{_shown(value)}」。") from None
    if not number.is_finite():
        raise ValidationError(f"必須是數字，收到「{_shown(value)}」。")
    number = number.quantize(Decimal(1).scaleb(-DECIMAL_PLACES[column.kind]), ROUND_HALF_UP)
    if column.kind == "percent" and not (0 <= number <= 100):
        raise ValidationError(f"百分比必須介於 0 到 100 之間，收到「{_shown(value)}」。")
    if abs(number) >= MAX_ABS[column.kind]:
        raise ValidationError(f"數值過大，收到「{_shown(value)}」。")
    if column.key in {"budget", "spent", "planned_to_date"} and number < 0:
        raise ValidationError(f"金額不可為負數，收到「{_shown(value)}」。")
    return number


def _parse_year(value: Any) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        raise ValidationError(f"年度請填數字（例如 105 或 2016），收到日期「{value:%Y-%m-%d}」。")
    text = str(value).strip().removeprefix("民國").removesuffix("年度").removesuffix("年").strip()
    if not text.isdigit():
        raise ValidationError(f"年度必須是數字（例如 105 或 2016），收到「{_shown(value)}」。")
    year = gregorian_year(int(text))
    if not 1912 <= year <= 2200:
        raise ValidationError(f"年度超出範圍，收到「{_shown(value)}」。")
    return year


def _parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    match = _DATE.match(text)
    offset = 0
    if match is None:
        match = _ROC_DATE.match(text)
        offset = 1911
    if match is None:
        raise ValidationError(
            "日期格式錯誤，請使用 2016-03-31、2016/03/31 或民國 105/03/31，"
            f"收到「{_shown(text)}」。"
        )
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year + offset, month, day)
    except ValueError:
        raise ValidationError(f"沒有這一天：「{_shown(text)}」。") from None


def _parse_counties(text: str) -> tuple[bool, tuple[str, ...]]:
    parts = [part for part in re.split(r"[、,，;；/\s]+", text) if part]
    nationwide, codes, unknown = False, [], []
    for part in parts:
        if part in NATIONWIDE_WORDS:
            nationwide = True
            continue
        code = county_code_for(part)
        if code is None:
            unknown.append(part)
        elif code not in codes:
            codes.append(code)
    if unknown:
        raise ValidationError(
            "無法辨識的縣市："
            + "、".join(unknown)
            + "（請用縣市全名，例如臺北市，或縣市代碼 63000）。"
        )
    return nationwide, tuple(sorted(codes))


# --- Templates ----------------------------------------------------------------------------------


def instructions() -> list[list[str]]:
    rows = [
        ["民意 Minyi 計畫填報範本"],
        ["每張工作表第 1 列為欄位名稱，請勿更改；自第 2 列起每列一筆資料。"],
        [
            "年度可填民國（105）或西元（2016）；日期請用 2016-03-31 或民國 105/03/31；"
            "金額單位為千元。"
        ],
        [
            "同一計畫代碼再次匯入時會更新原有資料；匯入的工作表即為該計畫的完整資料（未列出的指標、預算等將刪除）。"
        ],
        ["任何一列有錯誤時，整個檔案都不會匯入，並列出每個錯誤的工作表、列與欄。"],
        [
            "CSV：每張工作表一個檔案，檔名使用 programs.csv、kpis.csv、targets.csv、actuals.csv、"
            "budgets.csv、progress.csv、milestones.csv，編碼可為 UTF-8 或 Big5。"
        ],
        [],
        ["工作表", "欄位", "必填", "說明"],
    ]
    for sheet in SHEETS:
        for column in sheet.columns:
            rows.append([sheet.title, column.header, "是" if column.required else "", column.help])
    return rows


def template_xlsx(data: dict[str, list[list[Any]]] | None = None) -> bytes:
    """The import template; with ``data`` (sheet key → rows) it is filled in (an export)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    guide = workbook.active
    guide.title = "說明"
    for row in instructions():
        guide.append(row)
    guide.column_dimensions["A"].width = 14
    guide.column_dimensions["B"].width = 24
    guide.column_dimensions["D"].width = 60
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.title)
        worksheet.append([column.header for column in sheet.columns])
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        worksheet.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns):
            letter = worksheet.cell(row=1, column=index + 1).column_letter
            worksheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        for row in (data or {}).get(sheet.key, []):
            worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    """CSV as Excel reads it, the formula guard on (minyi.spreadsheets)."""
    return csv_document(header, rows)


def template_csv_zip(data: dict[str, list[list[Any]]] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in SHEETS:
            archive.writestr(
                f"{sheet.key}.csv",
                csv_bytes(
                    [column.header for column in sheet.columns], (data or {}).get(sheet.key, [])
                ),
            )
        archive.writestr(
            "README.txt",
            "\r\n".join("\t".join(str(cell) for cell in row) for row in instructions()).encode(
                "utf-8-sig"
            ),
        )
    return buffer.getvalue()
