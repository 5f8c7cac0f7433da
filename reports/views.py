"""Report pages and exports. Drafts: analysts and the agency's staff; published: everyone."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from minyi.home.dates import english_now, format_reader_date, iso_value
from minyi.private_files import private_storage

from . import exports, presentation
from .forms import ReportPublishForm
from .models import Report, ReportPdf, ReportStatus
from .rendering import plotly_url, report_context, report_figures, standalone_html
from .selectors import (
    comment_readings,
    consultation_for_report,
    report_get,
    report_latest_published,
    report_list,
    report_moderation_update_pending,
    user_can_see_drafts,
)
from .services import report_generate, report_pdf_request, report_publish

STAGE_LABELS = {
    "reading": gettext_lazy("Reading the data"),
    "participation": gettext_lazy("Counting participation"),
    "segmentation": gettext_lazy("Segmenting the comments"),
    "summary": gettext_lazy("Summarising each stance"),
    "sections": gettext_lazy("Analysing each section"),
    "opinion_groups": gettext_lazy("Finding opinion groups"),
    "campaigns": gettext_lazy("Detecting campaigns"),
    "social": gettext_lazy("Reading social media"),
    "moderation": gettext_lazy("Counting moderation"),
}


_PDF_FAILED = gettext_lazy("The PDF could not be printed. Please try again.")


def _consultation(consultation_id: int):
    consultation = consultation_for_report(consultation_id)
    if consultation is None:
        raise Http404
    return consultation


def _report(request: HttpRequest, consultation_id: int, version: int):
    consultation = _consultation(consultation_id)
    report = report_get(consultation=consultation, version=version, user=request.user)
    if report is None:
        raise Http404
    return consultation, report


def _done(report: Report) -> None:
    if not report.is_done:
        raise Http404


def _stage_label(stage: str) -> str:
    return str(STAGE_LABELS.get(stage, ""))


@require_GET
def report_index(request: HttpRequest, consultation_id: int) -> HttpResponse:
    consultation = _consultation(consultation_id)
    can_see_drafts = user_can_see_drafts(user=request.user, consultation=consultation)
    reports = report_list(consultation=consultation, user=request.user)
    if not reports and not can_see_drafts:
        raise Http404
    return render(
        request,
        "reports/report_index.html",
        {
            "consultation": consultation,
            "reports": reports,
            "can_see_drafts": can_see_drafts,
        },
    )


@require_POST
def report_generate_view(request: HttpRequest, consultation_id: int) -> HttpResponse:
    consultation = _consultation(consultation_id)
    try:
        report = report_generate(consultation=consultation, user=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("reports:index", consultation_id=consultation.pk)
    return redirect("reports:detail", consultation_id=consultation.pk, version=report.version)


@require_GET
def comment_readings_view(request: HttpRequest, consultation_id: int) -> HttpResponse:
    """Analysts and the agency's staff: the model's tone per comment (never public)."""
    consultation = _consultation(consultation_id)
    if not user_can_see_drafts(user=request.user, consultation=consultation):
        raise Http404
    rows = comment_readings(consultation=consultation)
    page = Paginator(rows, 50).get_page(request.GET.get("p"))
    return render(
        request, "reports/comment_readings.html", {"consultation": consultation, "readings": page}
    )


@require_GET
def report_latest(request: HttpRequest, consultation_id: int) -> HttpResponse:
    """The stable public link: the version the agency has published now. While a version is
    being generated again after a moderator's decision, a short notice instead."""
    consultation = _consultation(consultation_id)
    report = report_latest_published(consultation=consultation)
    if report is not None:
        return redirect("reports:detail", consultation_id=consultation.pk, version=report.version)
    if not report_moderation_update_pending(consultation=consultation):
        raise Http404
    response = render(request, "reports/report_updating.html", {"consultation": consultation})
    response["Retry-After"] = "10"
    return response


@require_GET
def report_detail(request: HttpRequest, consultation_id: int, version: int) -> HttpResponse:
    consultation, report = _report(request, consultation_id, version)
    if not report.is_done:
        return render(
            request,
            "reports/report_progress.html",
            {
                "consultation": consultation,
                "report": report,
                "stage_label": _stage_label(report.stage),
                "status_url": reverse(
                    "reports:status",
                    kwargs={"consultation_id": consultation.pk, "version": report.version},
                ),
            },
        )
    context = report_context(request, consultation, report)
    context["plotly_url"] = plotly_url()
    return render(request, "reports/report_detail.html", context)


@require_GET
def report_status(request: HttpRequest, consultation_id: int, version: int) -> JsonResponse:
    consultation, report = _report(request, consultation_id, version)
    payload = {
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "progress": report.progress,
        "stage": report.stage,
        "stage_label": _stage_label(report.stage),
        "url": reverse(
            "reports:detail", kwargs={"consultation_id": consultation.pk, "version": version}
        ),
    }
    if report.status == ReportStatus.FAILED:
        payload["error"] = _("The report could not be generated. Please generate it again.")
    response = JsonResponse(payload)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def report_publish_view(request: HttpRequest, consultation_id: int, version: int) -> HttpResponse:
    consultation, report = _report(request, consultation_id, version)
    form = ReportPublishForm(request.POST)
    if not form.is_valid():
        raise Http404
    publish = form.cleaned_data["published"]
    try:
        report_publish(report=report, user=request.user, published=publish)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request,
            _("The report is now public on the consultation page.")
            if publish
            else _("The report is no longer public."),
        )
    return redirect("reports:detail", consultation_id=consultation.pk, version=version)


# --- exports --------------------------------------------------------------------------------


def _filename(report: Report, suffix: str) -> str:
    return f"minyi-report-{report.consultation_id}-v{report.version}{suffix}"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def table_csv(request: HttpRequest, consultation_id: int, version: int, table: str):
    _consultation_page, report = _report(request, consultation_id, version)
    _done(report)
    found = presentation.table_by_slug(report_figures(report), table)
    if found is None:
        raise Http404
    return _download(
        exports.table_csv(found),
        "text/csv; charset=utf-8",
        _filename(report, f"-{table}.csv"),
    )


def _meta(consultation, report: Report) -> list[tuple[str, str]]:
    return [
        (_("Consultation"), consultation.title),
        (_("Agency"), consultation.agency.name_zh),
        (_("Version"), str(report.version)),
        (_("Generated at"), _moment(report.generated_at)),
        (_("Data cut-off"), _moment(report.data_cutoff)),
        (_("Published"), _("Yes") if report.published else _("No (draft)")),
        (_("Why generated"), str(report.get_reason_display())),
        (_("Models"), _models_text(report.model_versions or {})),
    ]


def _moment(value) -> str:
    """For people in the reader's calendar, with the exact ISO time kept for machines."""
    if not value:
        return ""
    return f"{format_reader_date(value, with_time=True)} ({iso_value(value)})"  # Taipei, +08:00


def _models_text(versions: dict) -> str:
    """The stages and what they are, as the report page lists them, one per line (the sheet
    showed the raw JSON, then the English technical records)."""
    colon = ": " if english_now() else "："
    return "\n".join(f"{stage}{colon}{text}" for stage, text in presentation.method_lines(versions))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
def report_xlsx(request: HttpRequest, consultation_id: int, version: int) -> HttpResponse:
    consultation, report = _report(request, consultation_id, version)
    _done(report)
    content = exports.tables_xlsx(
        presentation.tables(report_figures(report)), meta=_meta(consultation, report)
    )
    return _download(content, XLSX, _filename(report, ".xlsx"))


def _decision_labels() -> list[str]:
    from .selectors import adoption_decision_labels

    return adoption_decision_labels()


@require_GET
def response_table_xlsx(request: HttpRequest, consultation_id: int, version: int):
    _consultation_page, report = _report(request, consultation_id, version)
    _done(report)
    content = exports.response_table_xlsx(
        presentation.response_table(report_figures(report)), decisions=_decision_labels()
    )
    return _download(content, XLSX, _filename(report, "-response-table.xlsx"))


@require_GET
def response_table_doc(request: HttpRequest, consultation_id: int, version: int):
    """Word opens this HTML as a document (and saves it as .docx) for staff to fill in."""
    consultation, report = _report(request, consultation_id, version)
    _done(report)
    html = render_to_string(
        "reports/response_table_doc.html",
        {
            "consultation": consultation,
            "report": report,
            "table": presentation.response_table(report_figures(report)),
            "decisions": _decision_labels(),
        },
        request=request,
    )
    return _download(
        ("\ufeff" + html).encode("utf-8"),
        "application/msword; charset=utf-8",
        _filename(report, "-response-table.doc"),
    )


@require_GET
def report_html(request: HttpRequest, consultation_id: int, version: int) -> HttpResponse:
    consultation, report = _report(request, consultation_id, version)
    _done(report)
    html = standalone_html(request, consultation, report)
    return _download(html.encode("utf-8"), "text/html; charset=utf-8", _filename(report, ".html"))


def _pdf(request: HttpRequest, report: Report) -> ReportPdf:
    """Start or find the job that prints this version to PDF in the reader's language."""
    return report_pdf_request(
        report=report,
        language=translation.get_language(),
        base_url=request.build_absolute_uri("/"),
        retry=request.GET.get("retry") == "1",
    )


def _pdf_file(pdf: ReportPdf) -> bytes | None:
    if not pdf.is_done or not private_storage().exists(pdf.path):
        return None
    with private_storage().open(pdf.path, "rb") as handle:
        return handle.read()


@require_GET
def report_pdf(request: HttpRequest, consultation_id: int, version: int) -> HttpResponse:
    """The PDF once the worker has printed it; until then a page that follows the job (it
    refreshes itself, with or without JavaScript) and downloads the file when it is ready."""
    consultation, report = _report(request, consultation_id, version)
    _done(report)
    pdf = _pdf(request, report)
    content = _pdf_file(pdf)
    if content is not None:
        return _download(content, "application/pdf", _filename(report, ".pdf"))
    pdf_url = reverse(
        "reports:pdf", kwargs={"consultation_id": consultation.pk, "version": report.version}
    )
    response = render(
        request,
        "reports/report_pdf_progress.html",
        {
            "consultation": consultation,
            "report": report,
            "pdf": pdf,
            "pdf_url": pdf_url,
            "status_url": reverse(
                "reports:pdf_status",
                kwargs={"consultation_id": consultation.pk, "version": report.version},
            ),
        },
        status=503 if pdf.unavailable else (500 if pdf.status == ReportStatus.FAILED else 202),
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def report_pdf_status(request: HttpRequest, consultation_id: int, version: int) -> JsonResponse:
    """The print job as JSON for the page's script (starting it, like the PDF link, if needed)."""
    consultation, report = _report(request, consultation_id, version)
    _done(report)
    pdf = _pdf(request, report)
    ready = _pdf_file(pdf) is not None if pdf.is_done else False
    payload = {
        "status": ReportStatus.DONE if ready else pdf.status,
        "status_label": str(pdf.get_status_display()),
        "progress": 100 if ready else pdf.progress,
        "stage_label": str(pdf.get_status_display()),
        "url": reverse(
            "reports:pdf", kwargs={"consultation_id": consultation.pk, "version": version}
        ),
    }
    if pdf.status == ReportStatus.FAILED:
        payload["error"] = pdf.error if pdf.unavailable else _PDF_FAILED
    response = JsonResponse(payload)
    response["Cache-Control"] = "no-store"
    return response
