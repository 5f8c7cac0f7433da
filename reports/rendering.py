"""A finished report as HTML: the page's context, and the self-contained document that the
HTML download is and the PDF is printed from (in a request, or in the worker for the PDF)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from . import presentation
from .models import Report
from .schema import ReportData, report_data_load
from .selectors import user_can_publish, user_can_see_drafts


def plotly_url() -> str:
    """plotly.js as the performance dashboard serves it (one copy for the whole site)."""
    import plotly

    try:
        return reverse("performance:plotly_js", kwargs={"version": plotly.__version__})
    except NoReverseMatch:
        return ""


def report_figures(report: Report) -> ReportData:
    """A finished report's figures in the current schema (older snapshots are upgraded)."""
    return report_data_load(report.data)


def report_context(request: HttpRequest, consultation, report: Report) -> dict:
    data = report_figures(report)
    comment_url = consultation.url or ""
    return {
        "consultation": consultation,
        "report": report,
        "data": data,
        "tables": presentation.tables(data),
        "charts": presentation.charts(data),
        "comment_url": comment_url,
        "sections": data["sections"],
        "groups": data["opinion_groups"],
        "campaigns": data["campaigns"],
        "moderation": data["moderation"],
        "moderation_not_public": presentation.moderation_not_public(data),
        "social": data["social"],
        "summary": data["summary"],
        "agency_decided": presentation.agency_decided(data),
        "model_versions": report.model_versions,
        "method_lines": presentation.method_lines(report.model_versions or {}),
        "can_see_drafts": user_can_see_drafts(user=request.user, consultation=consultation),
        "can_publish": user_can_publish(user=request.user, consultation=consultation),
    }


@lru_cache(maxsize=1)
def _plotly_source() -> str:
    import plotly

    path = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    return path.read_text(encoding="utf-8").replace("</script", "<\\/script")


def _static_text(path: str) -> str:
    found = finders.find(path)
    return Path(found).read_text(encoding="utf-8") if found else ""


def standalone_html(request: HttpRequest, consultation, report: Report) -> str:
    """The report as one HTML file (styles, scripts and plotly inside), in the active language."""
    context = report_context(request, consultation, report)
    context.update(
        standalone=True,
        comment_url=request.build_absolute_uri(consultation.url or "/"),
        inline_css=_static_text("minyi/css/minyi.css") + _static_text("reports/css/reports.css"),
        inline_js=_static_text("minyi/js/charts.js") + _static_text("reports/js/report.js"),
        plotly_source=_plotly_source(),
        language=translation.get_language(),
    )
    return render_to_string("reports/report_standalone.html", context, request=request)


def standalone_html_for_worker(report: Report, *, base_url: str, language: str) -> str:
    """:func:`standalone_html` outside a request: links made absolute against ``base_url``
    (the site's address the download was asked from). The self-contained document shows
    nothing that depends on who asked for it."""
    scheme, _sep, host = base_url.partition("://")
    request = RequestFactory().get(
        "/", HTTP_HOST=host.rstrip("/") or "localhost", secure=scheme == "https"
    )
    request.user = AnonymousUser()
    with translation.override(language):
        return standalone_html(request, report.consultation.specific, report)
