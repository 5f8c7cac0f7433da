"""Performance staff: import a KPI workbook (a bad one, then a good one) → public dashboard and
open data.

The staff member downloads the ministry's template from the admin, fills it in as they would in
a spreadsheet program (openpyxl stands in for Excel here; the workbook is the person's own work,
not the step under test), uploads it through the import screen, reads the errors, corrects the
file, uploads again, and then finds the program on the public dashboard and in the open data.
"""

import csv
import io
import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

STAFF = "staff.moda@minyi.localhost"


def fill_workbook(template: Path, *, code: str, name: str, bad: bool) -> Path:
    """The template filled with one MODA program, one KPI, a target and an achieved value."""
    workbook = load_workbook(template)
    rows = {
        "計畫": [
            code,
            name,
            "MODA",
            "部會管制",
            "數位治理",
            "Digital governance",  # 類別(英文)
            "114",
            "116",
            "目標",
            "說明",
            "全國",
            "否",
        ],
        "績效指標": [code, "數位服務滿意度", "%", "", "", "越高越好", "70", "113"],
        "目標值": [code, "數位服務滿意度", "115", "80"],
        # A bad file: an achieved value that is not a number, for a year written wrongly.
        "達成值": [
            code,
            "數位服務滿意度",
            "一一五" if bad else "115",
            "全年",
            "八成" if bad else "82",
        ],
        "預算": [code, "115", "12000", "9000"],
    }
    for title, values in rows.items():
        sheet = workbook[title]
        header = [cell.value for cell in sheet[1]]
        sheet.append(values + [None] * (len(header) - len(values)))
    out = template.with_name(f"{code}-{'bad' if bad else 'good'}.xlsx")
    workbook.save(out)
    return out


def upload(page, path: Path) -> None:
    page.set_input_files("#id_files", str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="匯入").click()


def test_staff_import_programs_and_public_sees_them(people, unique, tmp_path) -> None:
    staff = people("staff")
    staff.log_in(STAFF)
    page = staff.page
    code = f"MODA-J{unique.upper()}"
    name = f"旅程測試計畫{unique}"

    # The import screen is in the admin menu.
    page.goto("/admin/")
    page.goto("/admin/performance/import/")
    expect(page.locator("h1")).to_contain_text("匯入")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("下載 XLSX 範本")).click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    staff.shot("import-form")

    # A bad workbook: every error is listed with its sheet, line and column; nothing imported.
    upload(page, fill_workbook(template, code=code, name=name, bad=True))
    errors = page.locator("table.import-errors")
    expect(page.locator("#errors-title")).to_contain_text("沒有匯入任何資料：共 2 個錯誤")
    expect(errors).to_contain_text("達成值")
    expect(errors.locator("tbody tr")).to_have_count(2)
    staff.shot("import-errors")

    # The corrected workbook imports.
    upload(page, fill_workbook(template, code=code, name=name, bad=False))
    expect(page.locator("#summary-title")).to_contain_text("匯入完成")
    staff.shot("import-done")

    # A citizen finds the program on the public dashboard (filtered by agency), with its
    # achieved value, and downloads its open data from the program page.
    citizen = people("citizen")
    public = citizen.page
    public.goto("/dashboard/?agency=MODA")
    with public.expect_navigation():
        public.get_by_role("link", name=re.compile(name)).first.click()
    expect(public.locator("h1")).to_contain_text(name)
    expect(public.locator("main")).to_contain_text("82")
    citizen.shot("program")
    link = public.locator(".download-list a", has_text="CSV").first
    with public.expect_download() as download:
        link.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert any(code in row for row in rows[1:]), f"{code} not in the open data:\n{text[:500]}"
