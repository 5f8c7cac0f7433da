"""The PDF export opens and shows Chinese: fonts embedded, text extractable, page not blank.

Needs Chromium, a CJK font and poppler-utils (pdftoppm, pdffonts, pdftotext); the test is
skipped, with the reason printed, where any of them is missing.
"""

import io
import shutil
import subprocess

import pytest
from django.urls import reverse

from reports.exports import chromium_path

pytestmark = pytest.mark.usefixtures("report_urls")


def _run(tool: str, *args: str, text: bool = True) -> subprocess.CompletedProcess:
    path = shutil.which(tool)
    assert path, tool
    return subprocess.run([path, *args], capture_output=True, text=text, check=True)


def _cjk_fonts() -> str:
    if not shutil.which("fc-list"):
        return ""
    return _run("fc-list", ":lang=zh").stdout.strip()


def _missing_tools() -> str:
    missing = []
    if chromium_path() is None:
        missing.append("chromium (Debian package chromium)")
    if not _cjk_fonts():
        missing.append("a CJK font (Debian package fonts-noto-cjk)")
    missing += [
        f"{tool} (Debian package poppler-utils)"
        for tool in ("pdftoppm", "pdffonts", "pdftotext")
        if not shutil.which(tool)
    ]
    return ", ".join(missing)


@pytest.fixture
def pdf_tools():
    missing = _missing_tools()
    if missing:
        print(f"PDF test skipped: missing {missing}")  # noqa: T201 (the reason, in the log)
        pytest.skip(f"missing {missing}")


def test_pdf_renders_chinese(client, generated, pdf_tools, tmp_path, settings):
    from PIL import Image

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_ROOT = str(tmp_path / "private")
    client.force_login(generated["analyst"])
    pdf_url = reverse(
        "reports:pdf",
        kwargs={"consultation_id": generated["consultation"].pk, "version": 1},
    )
    response = client.get(pdf_url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    assert response.content.startswith(b"%PDF")

    # Every font is embedded.
    fonts = _run("pdffonts", str(pdf))
    rows = fonts.stdout.splitlines()[2:]
    assert rows, "the PDF uses fonts"
    assert all(row.split()[-5] == "yes" for row in rows), fonts.stdout

    # The Chinese text is there as text (title and the consultation's name).
    text = _run("pdftotext", "-f", "1", "-l", "1", str(pdf), "-").stdout
    assert generated["consultation"].title in text  # 自用車載客服務管理辦法草案
    assert sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") >= 20

    # Page 1 rasterised is not blank, and the title line has ink.
    png = _run("pdftoppm", "-f", "1", "-l", "1", "-r", "50", "-png", str(pdf), text=False).stdout
    image = Image.open(io.BytesIO(png)).convert("L")
    dark = sum(1 for value in image.tobytes() if value < 128)
    assert dark / (image.width * image.height) > 0.005

    # A second download comes from the cache (a finished report never changes).
    (tmp_path / "page1.png").write_bytes(png)
    again = client.get(pdf_url)
    assert again.content == response.content


def test_pdf_without_chromium_says_why(client, generated, monkeypatch):
    from reports import exports

    monkeypatch.setattr(exports, "chromium_path", lambda: None)
    client.force_login(generated["analyst"])
    response = client.get(
        reverse(
            "reports:pdf", kwargs={"consultation_id": generated["consultation"].pk, "version": 1}
        )
    )
    assert response.status_code == 503
    assert response.content.decode()
