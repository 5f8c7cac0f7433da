"""Import (填報): template, demo round trip, idempotence, encodings, row-level errors."""

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from performance.demo import demo_rows, demo_xlsx
from performance.importing import SHEETS, ImportFailed, template_csv_zip, template_xlsx
from performance.models import (
    KPI,
    BudgetYear,
    KPITarget,
    Program,
    ProgramLight,
    ProgressReport,
)
from performance.services import programs_import

pytestmark = pytest.mark.django_db

PROGRAM_HEADER = [c.header for c in SHEETS[0].columns]


def program_row(code="NDC-001", **changes):
    row = {
        "計畫代碼": code,
        "計畫名稱": "示範計畫",
        "主管機關代碼": "NDC",
        "管制層級": "部會管制",
        "類別": "數位治理",
        "類別(英文)": "",
        "開始年度": "113",
        "結束年度": "115",
        "計畫目標": "目標",
        "計畫說明": "說明",
        "服務縣市": "臺北市、新北市",
        "示範資料": "否",
    }
    row.update(changes)
    return [row[h] for h in PROGRAM_HEADER]


def csv_text(header, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def snapshot():
    """Everything an import can change."""
    return (
        list(Program.objects.order_by("code").values()),
        list(KPI.objects.order_by("pk").values()),
        list(KPITarget.objects.order_by("pk").values()),
        list(BudgetYear.objects.order_by("pk").values()),
        list(ProgressReport.objects.order_by("pk").values()),
        list(ProgramLight.objects.order_by("pk").values()),
        list(Program.counties.through.objects.order_by("pk").values()),
    )


# --- Template ------------------------------------------------------------------------------


def test_xlsx_template_has_every_sheet_and_header():
    workbook = load_workbook(io.BytesIO(template_xlsx()), read_only=True)
    assert workbook.sheetnames[0] == "說明"
    for sheet in SHEETS:
        header = next(workbook[sheet.title].iter_rows(values_only=True))
        assert list(header) == [column.header for column in sheet.columns]


def test_csv_template_zip_is_utf8_with_bom():
    archive = zipfile.ZipFile(io.BytesIO(template_csv_zip()))
    names = set(archive.namelist())
    assert {f"{sheet.key}.csv" for sheet in SHEETS} <= names
    content = archive.read("programs.csv")
    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").splitlines()[0].split(",") == PROGRAM_HEADER


def test_template_download_for_staff_only(client, ndc_staff, make_user):
    client.force_login(ndc_staff)
    response = client.get("/admin/performance/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    response = client.get("/admin/performance/import/template.zip")
    assert response.status_code == 200
    client.force_login(make_user())
    assert client.get("/admin/performance/import/template.xlsx").status_code in {302, 403}


# --- The demo, imported as staff would -------------------------------------------------------


def test_staff_imports_the_filled_template_and_lights_follow_the_rules(
    client, demo_agencies, admin_user, dashboard
):
    summary = programs_import(files=[("demo.xlsx", demo_xlsx())], user=admin_user)
    assert summary.counts["計畫"]["created"] == 16
    assert Program.objects.count() == 16
    assert KPITarget.objects.get(kpi__name="GPMnet 2.0 使用者滿意度", year=2016).value == Decimal(
        73
    )
    assert list(
        KPITarget.objects.filter(kpi__name="GPMnet 2.0 使用者滿意度")
        .order_by("year")
        .values_list("year", "value")
    ) == [(2013, 70), (2014, 71), (2015, 72), (2016, 73)]

    lights = dict(Program.objects.values_list("code", "light"))
    # Worked out by hand from the fixture and the rules:
    # 3rd stage: 政府網路服務滿意度 99年 53 / 54 = 98.1 % of target → yellow (80–100 %).
    assert lights["EGOV3"] == "yellow"
    # 數位生活儀表板: final progress 86 % against 100 % planned, 14 points behind → red.
    assert lights["EGOV4-3-1"] == "red"
    # 雲端資安防護: 105 spending 64 % of the budget → red (< 70 %).
    assert lights["EGOV4-1-4"] == "red"
    # 政府資訊服務改造: 83 % spending → yellow (70–90 %).
    assert lights["EGOV4-1-5"] == "yellow"
    # 防救災雲端: 7.5 points behind → yellow.
    assert lights["EGOV4-1-2"] == "yellow"
    # 性別平等資料庫: the 105 Q4 report is missing; no reporting period yet → judged on figures.
    assert lights["EGOV4-1-1"] == "green"

    response = client.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "政府施政計畫管理雲端服務發展計畫" in html
    assert "示範資料" in html


def test_reimporting_the_same_file_changes_nothing(demo_agencies, admin_user):
    data = demo_xlsx()
    programs_import(files=[("demo.xlsx", data)], user=admin_user)
    before = snapshot()
    summary = programs_import(files=[("demo.xlsx", data)], user=admin_user)
    assert not summary.changed
    assert summary.counts["計畫"] == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 16}
    assert snapshot() == before


def test_export_imports_back_unchanged(demo_agencies, admin_user):
    from minyi.agencies.models import Agency
    from performance.exports import import_rows

    programs_import(files=[("demo.xlsx", demo_xlsx())], user=admin_user)
    before = snapshot()
    exported = template_xlsx(import_rows(agencies=Agency.objects.all()))
    summary = programs_import(files=[("export.xlsx", exported)], user=admin_user)
    assert not summary.changed, summary.counts
    assert snapshot() == before


def test_rows_no_longer_listed_are_deleted_and_changes_update(ndc_staff):
    kpi_header = [c.header for c in SHEETS[1].columns]
    files = [
        ("programs.csv", csv_text(PROGRAM_HEADER, [program_row()]).encode()),
        (
            "kpis.csv",
            csv_text(kpi_header, [["NDC-001", "甲", "%"], ["NDC-001", "乙", "件"]]).encode(),
        ),
    ]
    programs_import(files=files, user=ndc_staff)
    assert set(KPI.objects.values_list("name", flat=True)) == {"甲", "乙"}
    files[1] = ("kpis.csv", csv_text(kpi_header, [["NDC-001", "甲", "次"]]).encode())
    summary = programs_import(files=files, user=ndc_staff)
    assert summary.counts["績效指標"] == {"created": 0, "updated": 1, "deleted": 1, "unchanged": 0}
    assert list(KPI.objects.values_list("name", "unit")) == [("甲", "次")]
    program = Program.objects.get(code="NDC-001")
    assert set(program.counties.values_list("code", flat=True)) == {"63000", "65000"}
    assert program.start_year == 2024  # 民國 113


def test_english_category_is_imported_and_kept_by_files_without_its_column(ndc_staff):
    row = program_row(**{"類別(英文)": "Digital governance"})
    programs_import(
        files=[("programs.csv", csv_text(PROGRAM_HEADER, [row]).encode())], user=ndc_staff
    )
    assert Program.objects.get(code="NDC-001").category_en == "Digital governance"
    # an older template without the column changes the rest and leaves the English name
    header = [h for h in PROGRAM_HEADER if h != "類別(英文)"]
    older = [
        value
        for h, value in zip(PROGRAM_HEADER, program_row(計畫名稱="改名"), strict=True)
        if h in header
    ]
    programs_import(files=[("programs.csv", csv_text(header, [older]).encode())], user=ndc_staff)
    program = Program.objects.get(code="NDC-001")
    assert (program.name, program.category_en) == ("改名", "Digital governance")
    # the full-width brackets people type are read as the template's
    wide = ["類別（英文）" if h == "類別(英文)" else h for h in PROGRAM_HEADER]
    row = program_row(**{"類別(英文)": "Digital services"})
    programs_import(files=[("programs.csv", csv_text(wide, [row]).encode())], user=ndc_staff)
    assert Program.objects.get(code="NDC-001").category_en == "Digital services"


# --- Encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp950", b"")],
    ids=["utf-8", "utf-8-bom", "big5"],
)
def test_csv_in_utf8_with_or_without_bom_and_big5(ndc_staff, encoding, prefix):
    text = csv_text(PROGRAM_HEADER, [program_row(計畫名稱="臺灣數位韌性計畫")])
    programs_import(files=[("計畫.csv", prefix + text.encode(encoding))], user=ndc_staff)
    assert Program.objects.get(code="NDC-001").name == "臺灣數位韌性計畫"


def test_big5_declared_as_utf8_gets_line_errors_and_changes_nothing(ndc_staff):
    text = csv_text(PROGRAM_HEADER, [program_row(), program_row("NDC-002")])
    with pytest.raises(ImportFailed) as failure:
        programs_import(
            files=[("programs.csv", text.encode("cp950"))], user=ndc_staff, encoding="utf-8"
        )
    errors = failure.value.errors
    assert [e.line for e in errors] == [1, 2, 3]
    assert all("UTF-8" in e.message and "Big5" in e.message for e in errors)
    assert not Program.objects.exists()
    # Left to detect, the same bytes are read as Big5.
    programs_import(files=[("programs.csv", text.encode("cp950"))], user=ndc_staff)
    assert Program.objects.count() == 2


def test_upload_view_reads_big5_csv(client, ndc_staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(ndc_staff)
    text = csv_text(PROGRAM_HEADER, [program_row()])
    upload = SimpleUploadedFile(
        "programs.csv", text.encode("cp950"), content_type="text/csv; charset=utf-8"
    )
    response = client.post("/admin/performance/import/", {"files": [upload], "encoding": "auto"})
    assert response.status_code == 200
    assert "Import complete" in response.content.decode() or "匯入完成" in response.content.decode()
    assert Program.objects.filter(code="NDC-001").exists()


# --- Bad files: every bad row, with line and column, and nothing stored ---------------------------


def assert_refused(files, user, *, expected: list[tuple[int, str, str]]):
    """Import fails with errors at (line, column text, message text); nothing changes."""
    before = snapshot()
    with pytest.raises(ImportFailed) as failure:
        programs_import(files=files, user=user)
    errors = failure.value.errors
    for line, column, message in expected:
        assert any(
            e.line == line and column in e.column and message in e.message for e in errors
        ), (line, column, message, [str(e) for e in errors])
    assert snapshot() == before
    return errors


def test_wrong_columns(ndc_staff):
    header = [h for h in PROGRAM_HEADER if h != "計畫名稱"] + ["預算"]
    rows = [[v for h, v in zip(PROGRAM_HEADER, program_row(), strict=True) if h != "計畫名稱"]]
    errors = assert_refused(
        [("programs.csv", csv_text(header, [[*r, "1"] for r in rows]).encode())],
        ndc_staff,
        expected=[(1, "計畫名稱", "缺少"), (1, "預算", "無法辨識的欄位")],
    )
    assert all(str(e).startswith("工作表「計畫") for e in errors)


def test_text_in_number_cells_and_wrong_dates(ndc_staff):
    budget_header = [c.header for c in SHEETS[4].columns]
    progress_header = [c.header for c in SHEETS[5].columns]
    errors = assert_refused(
        [
            ("programs.csv", csv_text(PROGRAM_HEADER, [program_row()]).encode()),
            (
                "budgets.csv",
                csv_text(
                    budget_header,
                    [["NDC-001", "113", "一千萬", "", ""], ["NDC-001", "114", "1,000", "abc", ""]],
                ).encode(),
            ),
            (
                "progress.csv",
                csv_text(
                    progress_header,
                    [
                        ["NDC-001", "03/31/2024", "10", "9", ""],
                        ["NDC-001", "2024-06-30", "20", "百分之十", ""],
                        ["NDC-001", "2024-02-30", "20", "10", ""],
                        ["NDC-001", "113/09/30", "120", "10", ""],
                    ],
                ).encode(),
            ),
        ],
        ndc_staff,
        expected=[
            (2, "第 3 欄", "必須是數字"),
            (2, "預算數", "一千萬"),
            (3, "執行數", "必須是數字"),
            (2, "期末日期", "日期格式錯誤"),
            (3, "實際進度", "必須是數字"),
            (4, "期末日期", "沒有這一天"),
            (5, "預定進度", "0 到 100"),
        ],
    )
    assert len(errors) == 6  # every bad cell reported, one error per cell
    text = str(errors[0])
    assert text.startswith("工作表「預算（budgets.csv）」第 2 列 第 3 欄「預算數(千元)」")


def test_duplicate_program_codes(ndc_staff):
    assert_refused(
        [
            (
                "programs.csv",
                csv_text(
                    PROGRAM_HEADER, [program_row(), program_row(), program_row("X-2")]
                ).encode(),
            )
        ],
        ndc_staff,
        expected=[(3, "計畫代碼", "重複（第 2 列已出現）")],
    )


def test_duplicate_codes_in_xlsx_give_column_letters(ndc_staff):
    data = template_xlsx({"programs": [program_row(), program_row(開始年度="一一三")]})
    errors = assert_refused(
        [("p.xlsx", data)],
        ndc_staff,
        expected=[(3, "A 欄「計畫代碼」", "重複"), (3, "G 欄「開始年度」", "年度必須是數字")],
    )
    assert errors


def test_unknown_references_and_other_agencies(ndc_staff, moi, make_program):
    make_program(code="MOI-001", agency=moi)
    target_header = [c.header for c in SHEETS[2].columns]
    assert_refused(
        [
            (
                "programs.csv",
                csv_text(
                    PROGRAM_HEADER,
                    [
                        program_row(),
                        program_row("NDC-002", 主管機關代碼="MOI"),
                        program_row("MOI-001"),
                    ],
                ).encode(),
            ),
            (
                "targets.csv",
                csv_text(
                    target_header,
                    [["NDC-001", "不存在的指標", "113", "70"], ["NOPE", "甲", "113", "1"]],
                ).encode(),
            ),
        ],
        ndc_staff,
        expected=[
            (3, "主管機關代碼", "不是「MOI」的機關人員"),
            (4, "計畫代碼", "屬於其他機關"),
            (2, "指標名稱", "沒有名為「不存在的指標」"),
            (3, "計畫代碼", "找不到計畫代碼「NOPE」"),
        ],
    )


def test_not_a_spreadsheet(ndc_staff):
    assert_refused(
        [("programs.xlsx", b"not a zip")], ndc_staff, expected=[(0, "", "不是有效的 XLSX")]
    )
    assert_refused(
        [("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100)],
        ndc_staff,
        expected=[(0, "", "不支援舊版 Excel")],
    )


def test_import_view_shows_every_error_and_keeps_nothing(client, ndc_staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(ndc_staff)
    text = csv_text(PROGRAM_HEADER, [program_row(開始年度="去年"), program_row()])
    upload = SimpleUploadedFile("programs.csv", text.encode("utf-8"))
    response = client.post("/admin/performance/import/", {"files": [upload]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "年度必須是數字" in html
    assert "重複（第 2 列已出現）" in html
    assert not Program.objects.exists()


def test_dates_in_roc_and_gregorian_forms(ndc_staff):
    progress_header = [c.header for c in SHEETS[5].columns]
    programs_import(
        files=[
            ("programs.csv", csv_text(PROGRAM_HEADER, [program_row()]).encode()),
            (
                "progress.csv",
                csv_text(
                    progress_header,
                    [
                        ["NDC-001", "113/03/31", "10", "9", ""],
                        ["NDC-001", "2024/6/30", "20", "18", ""],
                        ["NDC-001", "2024-09-30", "30", "28", ""],
                    ],
                ).encode(),
            ),
        ],
        user=ndc_staff,
    )
    assert list(
        ProgressReport.objects.order_by("period_end").values_list("period_end", flat=True)
    ) == [
        date(2024, 3, 31),
        date(2024, 6, 30),
        date(2024, 9, 30),
    ]


def test_demo_rows_fill_every_sheet():
    rows = demo_rows()
    assert {sheet.key for sheet in SHEETS} == set(rows)
    assert all(rows[sheet.key] for sheet in SHEETS)


def test_duplicate_figure_rows_kpi_order_and_county_only_changes(ndc_staff):
    """Rules kept in the sheet specs: keys with defaults, KPI order, counties as an update."""
    kpi_header = [c.header for c in SHEETS[1].columns]
    actual_header = [c.header for c in SHEETS[3].columns]
    programs = ("programs.csv", csv_text(PROGRAM_HEADER, [program_row()]).encode())
    kpis = [["NDC-001", "甲", "%"], ["NDC-001", "乙", "件"]]
    # An empty period is 全年: the same key as an explicit 全年 row.
    assert_refused(
        [
            programs,
            ("kpis.csv", csv_text(kpi_header, kpis).encode()),
            (
                "actuals.csv",
                csv_text(
                    actual_header,
                    [["NDC-001", "甲", "113", "", "1"], ["NDC-001", "甲", "113", "全年", "2"]],
                ).encode(),
            ),
        ],
        ndc_staff,
        expected=[(3, "", "與第 2 列重複（同一計畫的同一指標、同一年度與期別只能有一列）")],
    )
    kpi_file = ("kpis.csv", csv_text(kpi_header, kpis).encode())
    programs_import(files=[programs, kpi_file], user=ndc_staff)
    assert list(KPI.objects.order_by("sort_order").values_list("name", flat=True)) == ["甲", "乙"]
    program = Program.objects.get(code="NDC-001")
    stamped = program.updated_at

    # Listing the KPIs the other way round reorders them: both count as updated.
    summary = programs_import(
        files=[programs, ("kpis.csv", csv_text(kpi_header, kpis[::-1]).encode())], user=ndc_staff
    )
    assert summary.counts["績效指標"] == {"created": 0, "updated": 2, "deleted": 0, "unchanged": 0}
    assert list(KPI.objects.order_by("sort_order").values_list("name", flat=True)) == ["乙", "甲"]
    # Updated KPIs are an update of their program (its 更新時間 in the admin list says so).
    assert Program.objects.get(pk=program.pk).updated_at > stamped
    stamped = Program.objects.get(pk=program.pk).updated_at

    # Only the counties change: the program is updated and gets a new updated_at.
    summary = programs_import(
        files=[("programs.csv", csv_text(PROGRAM_HEADER, [program_row(服務縣市="全國")]).encode())],
        user=ndc_staff,
    )
    assert summary.counts["計畫"] == {"created": 0, "updated": 1, "deleted": 0, "unchanged": 0}
    program = Program.objects.get(pk=program.pk)
    assert program.nationwide and program.updated_at > stamped


def test_an_import_makes_the_cached_dashboard_stale(
    demo_agencies, admin_user, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from minyi.live.versions import stream_version_key
    from performance.dashboard_cache import DASHBOARD_STREAM

    key = stream_version_key(DASHBOARD_STREAM)
    before = cache.get(key, 0)
    with django_capture_on_commit_callbacks(execute=True):
        programs_import(files=[("demo.xlsx", demo_xlsx())], user=admin_user)
    assert cache.get(key, 0) > before
