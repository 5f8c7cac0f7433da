"""The PDF is printed by a background job (reports.tasks.report_pdf_render), never in the
request: the link starts the job or finds it, a Traditional Chinese page follows it (refreshing
itself without JavaScript), and the file is kept and served once printed. Chromium is replaced
by a stub here; tests/reports/test_pdf.py prints for real."""

import re

import pytest
from django.urls import reverse

from reports import exports
from reports.models import ReportPdf
from reports.services import report_pdf_build

pytestmark = pytest.mark.usefixtures("report_urls")

FAKE_PDF = b"%PDF-1.7 stub"


@pytest.fixture
def queued_only(settings):
    """A worker that never comes: jobs stay in the queue until the test runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def printed(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_ROOT = str(tmp_path / "private")
    htmls = []

    def fake_print(html, **_kwargs):
        htmls.append(html)
        return FAKE_PDF

    monkeypatch.setattr(exports, "html_to_pdf", fake_print)
    return htmls


def _urls(world):
    kwargs = {"consultation_id": world["consultation"].pk, "version": world["report"].version}
    return reverse("reports:pdf", kwargs=kwargs), reverse("reports:pdf_status", kwargs=kwargs)


def _queued_jobs():
    from django_tasks import task_backends

    return [r for r in task_backends["default"].results if "report_pdf_render" in str(r.task)]


def test_the_link_starts_a_job_and_a_page_follows_it(client, generated, queued_only, printed):
    client.force_login(generated["analyst"])
    pdf_url, status_url = _urls(generated)
    response = client.get(pdf_url)
    assert response.status_code == 202
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "正在將報告製作成 PDF" in html and 'lang="zh-Hant-TW"' in html
    # Without JavaScript the page comes back to the PDF's own address every 3 seconds.
    assert re.search(r'<meta http-equiv="refresh" content="3;url=' + re.escape(pdf_url), html)
    assert f'data-status-url="{status_url}"' in html
    assert not printed, "nothing is printed in the request"

    # Asking again (the refresh, the script) finds the same job.
    assert client.get(pdf_url).status_code == 202
    state = client.get(status_url).json()
    assert state["status"] == "queued" and state["progress"] == 0
    assert len(_queued_jobs()) == 1 and ReportPdf.objects.count() == 1

    # The worker prints it; from then on the link is the file.
    pdf = ReportPdf.objects.get()
    assert report_pdf_build(pdf_id=pdf.pk, base_url="http://testserver/") == "done"
    assert "自用車載客服務管理辦法草案" in printed[0]  # the self-contained report, in Chinese
    assert client.get(status_url).json()["status"] == "done"
    response = client.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == FAKE_PDF
    assert len(printed) == 1 and len(_queued_jobs()) == 1


def test_a_failed_print_says_so_and_is_retried_only_when_asked(
    client, generated, queued_only, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_ROOT = str(tmp_path / "private")

    def broken(html, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "html_to_pdf", broken)
    client.force_login(generated["analyst"])
    pdf_url, status_url = _urls(generated)
    client.get(pdf_url)
    pdf = ReportPdf.objects.get()
    with pytest.raises(OSError):
        report_pdf_build(pdf_id=pdf.pk, base_url="http://testserver/")
    response = client.get(pdf_url)
    assert response.status_code == 500
    html = response.content.decode()
    assert "無法製作 PDF，請再試一次。" in html
    assert 'http-equiv="refresh"' not in html  # a failure does not loop
    assert f'href="{pdf_url}?retry=1"' in html
    assert client.get(status_url).json()["status"] == "failed"
    assert len(_queued_jobs()) == 1
    # "Try again" queues it once more.
    assert client.get(pdf_url + "?retry=1").status_code == 202
    assert len(_queued_jobs()) == 2
    assert ReportPdf.objects.get().status == "queued"


def test_public_and_draft_pdfs_are_kept_apart(client, generated, printed):
    from reports.services import report_publish

    client.force_login(generated["staff"])
    pdf_url, _status_url = _urls(generated)
    assert client.get(pdf_url).content == FAKE_PDF  # the immediate backend prints right away
    assert "report-badge-draft" in printed[-1]
    report_publish(report=generated["report"], user=generated["staff"])
    assert client.get(pdf_url).content == FAKE_PDF
    assert "report-badge-public" in printed[-1]
    assert sorted(ReportPdf.objects.values_list("published", flat=True)) == [False, True]
    client.get(pdf_url)
    assert len(printed) == 2  # each kept once printed


def test_a_pdf_printed_before_jobs_is_served_from_its_file(client, generated, printed):
    from django.core.files.base import ContentFile

    from minyi.private_files import private_storage

    report = generated["report"]
    private_storage().save(f"reports/pdf/{report.pk}-zh-hant-draft.pdf", ContentFile(b"%PDF old"))
    client.force_login(generated["analyst"])
    pdf_url, _status_url = _urls(generated)
    assert client.get(pdf_url).content == b"%PDF old"
    assert not printed


def test_only_those_who_see_the_report_can_ask_for_its_pdf(client, generated, make_user):
    client.force_login(make_user())
    pdf_url, status_url = _urls(generated)
    assert client.get(pdf_url).status_code == 404
    assert client.get(status_url).status_code == 404
    assert not ReportPdf.objects.exists()


def test_a_printed_pdf_has_no_public_address_and_leaves_with_its_report(
    client, generated, printed, settings, tmp_path, django_capture_on_commit_callbacks
):
    """MEDIA_ROOT is served as it is under /media/: a draft report's PDF kept there could be
    fetched by anyone who guessed its name. It is kept under PRIVATE_ROOT instead, read only by
    the report's view, and deleted with the report."""
    from minyi.private_files import private_storage

    client.force_login(generated["analyst"])
    pdf_url, _status_url = _urls(generated)
    assert client.get(pdf_url).content == FAKE_PDF
    pdf = ReportPdf.objects.get()
    kept = tmp_path / "private" / pdf.path
    assert kept.read_bytes() == FAKE_PDF
    assert not any(p.is_file() for p in (tmp_path / "media").rglob("*")), "nothing under /media/"
    with pytest.raises(ValueError, match="no address"):
        private_storage().url(pdf.path)

    with django_capture_on_commit_callbacks(execute=True):
        generated["report"].delete()
    assert not ReportPdf.objects.exists()
    assert not kept.exists()


def test_the_migration_moves_pdfs_printed_before_out_of_media(settings, tmp_path):
    import importlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_ROOT = str(tmp_path / "private")
    default_storage.save("reports/pdf/7-zh-hant-draft.pdf", ContentFile(b"%PDF draft"))
    default_storage.save("images/photo.jpg", ContentFile(b"jpeg"))  # not a report: stays
    migration = importlib.import_module("reports.migrations.0005_report_pdfs_to_private_storage")

    migration.move_pdfs(None, None)
    migration.move_pdfs(None, None)  # a second run finds nothing to move

    assert (tmp_path / "private/reports/pdf/7-zh-hant-draft.pdf").read_bytes() == b"%PDF draft"
    assert not (tmp_path / "media/reports/pdf/7-zh-hant-draft.pdf").exists()
    assert (tmp_path / "media/images/photo.jpg").exists()
