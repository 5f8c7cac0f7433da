"""Analyst: generate a decision report for a consultation → download its PDF, XLSX and CSV.

The report is built by the task worker (as in production); the analyst watches the progress
page turn into the report, then downloads each format from the buttons on it.
"""

import csv
import io
import re
import secrets
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

ANALYST = "analyst@minyi.localhost"
CONSULTATION = "/motc/uberx/"
REPORT_READY_MS = 120_000


def download(person, locator, folder: Path, suffix: str) -> Path:
    """Click a download button; the file under the name the site suggests."""
    with person.page.expect_download() as event:
        locator.click()
    name = event.value.suggested_filename
    assert name.endswith(suffix), f"{name} should end with {suffix}"
    path = folder / name
    event.value.save_as(path)
    return path


def test_analyst_generates_a_report_and_downloads_it(people, tmp_path) -> None:
    analyst = people("analyst")
    analyst.log_in(ANALYST)
    page = analyst.page

    # From the consultation page to its reports, and a new version.
    page.goto(CONSULTATION)
    with page.expect_navigation():
        page.get_by_role("link", name="決策報告（草稿與各版本）").click()
    expect(page.locator("h1")).to_contain_text("決策報告")
    with page.expect_navigation():
        page.get_by_role("button", name="產生新版本").click()

    # The progress page follows the worker and turns into the report by itself.
    expect(page.locator("nav.report-actions")).to_be_visible(timeout=REPORT_READY_MS)
    expect(page).to_have_url(re.compile(r"/reports/consultations/\d+/v\d+/$"))
    expect(page.locator("main")).to_contain_text("UberX")
    analyst.shot("report")
    # Each of the report's particulars (generated at, data up to, period) has its label on the
    # value's line: the site's list style once pushed every label half a line below its value.
    tops = page.locator(".report-meta").evaluate(
        "dl => [...dl.children].map(e => e.getBoundingClientRect().top)"
    )
    pairs = zip(tops[::2], tops[1::2], strict=True)
    assert tops and all(abs(label - value) < 2 for label, value in pairs), tops

    actions = page.locator("nav.report-actions")
    pdf = download(analyst, actions.get_by_role("link", name="PDF"), tmp_path, ".pdf")
    assert pdf.read_bytes().startswith(b"%PDF-"), "the PDF download is not a PDF"

    xlsx = download(
        analyst, actions.get_by_role("link", name="全部表格（XLSX）"), tmp_path, ".xlsx"
    )
    assert zipfile.is_zipfile(xlsx)
    workbook = load_workbook(xlsx, read_only=True)
    assert len(workbook.sheetnames) >= 2, workbook.sheetnames

    table_csv = download(analyst, page.locator("a.table-download").first, tmp_path, ".csv")
    text = table_csv.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) >= 2, f"the table CSV has no data rows:\n{text[:300]}"


def test_analyst_adds_a_listening_topic_from_the_dashboard(people) -> None:
    """From 我的帳號 to the listening dashboard, then a new topic through the admin's form."""
    analyst = people("analyst")
    analyst.log_in(ANALYST)
    page = analyst.page
    name = f"公車候車亭 {secrets.token_hex(3)}"

    page.goto("/me/")
    with page.expect_navigation():
        page.get_by_role("link", name="網路輿情儀表板").click()
    expect(page.locator("h1")).to_have_text("網路輿情")
    with page.expect_navigation():
        page.get_by_role("link", name="新增監測主題").click()
    page.locator("#id_name").fill(name)
    page.locator("#id_query").fill("候車亭 OR 公車站")
    with page.expect_navigation():
        page.get_by_role("button", name="儲存", exact=True).click()
    expect(page.locator("main")).to_contain_text(name)
    analyst.shot("listening-topic-added")

    page.goto("/listening/")
    expect(page.get_by_role("link", name=name)).to_be_visible()
