"""Analyst dashboard of social listening (signed-in Analyst role or superuser)."""

import io
from datetime import date, timedelta
from functools import wraps
from pathlib import Path

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from minyi.spreadsheets import csv_document, spreadsheet_safe
from sentiment.models import Source, SourceKind, Topic

from . import charts
from .connectors import ConnectorError
from .forms import UploadFileForm, UploadMappingForm
from .panels import topic_panels
from .selectors import (
    DashboardFilter,
    dashboard_filter_default,
    topic_dashboard,
    topic_posts_filtered,
    topic_source_choices,
    topics_for_dashboard,
    user_is_analyst,
)
from .services import upload_file_store, upload_ingest_start

EXPORT_LIMIT = 100_000


def analyst_required(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user_is_analyst(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _filters(request: HttpRequest, topic: Topic) -> tuple[DashboardFilter, list[str]]:
    filters = dashboard_filter_default()
    errors = []
    for name in ("start", "end"):
        value = request.GET.get(name)
        if value:
            try:
                setattr(filters, name, date.fromisoformat(value))
            except ValueError:
                errors.append(
                    _("The date “%(value)s” is not valid (use YYYY-MM-DD).") % {"value": value}
                )
    if filters.end < filters.start:
        errors.append(_("The end date is before the start date; the dates were swapped."))
        filters.start, filters.end = filters.end, filters.start
    if (filters.end - filters.start).days > 366 * 10:
        errors.append(_("The date range was shortened to ten years."))
        filters.start = filters.end - timedelta(days=3652)
    source = request.GET.get("source")
    if source and source.isdigit() and int(source) in dict(topic_source_choices(topic=topic)):
        filters.source_id = int(source)
    return filters, errors


@require_GET
@analyst_required
def topic_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "sentiment/listening/topic_list.html", {"topics": topics_for_dashboard()}
    )


@require_GET
@analyst_required
def topic_detail(request: HttpRequest, topic_id: int) -> HttpResponse:
    topic = get_object_or_404(Topic, pk=topic_id)
    filters, errors = _filters(request, topic)
    data = topic_dashboard(topic=topic, filters=filters)
    chart_specs = [
        ("chart-volume", charts.volume_chart(data["series"], data["granularity"])),
        ("chart-sentiment", charts.sentiment_chart(data["series"], data["granularity"])),
        ("chart-sources", charts.sources_chart(data["sources"])),
        ("chart-keywords", charts.keywords_chart(data["keywords"])),
    ]
    query = request.GET.copy()
    query.pop("alert", None)
    return render(
        request,
        "sentiment/listening/topic_detail.html",
        {
            "topic": topic,
            "data": data,
            "filters": filters,
            "errors": errors,
            "source_choices": topic_source_choices(topic=topic),
            "panels": topic_panels(topic),
            "alerts": topic.alerts.all()[:10],
            "charts": [
                {"id": key, "data_id": f"{key}-data", "spec": spec} for key, spec in chart_specs
            ],
            "querystring": query.urlencode(),
            "live_stream": f"listening.topic.{topic.pk}",
        },
    )


def _export_rows(topic: Topic, filters: DashboardFilter):
    yield [
        _("Source"),
        _("Published at"),
        _("Title"),
        _("Text"),
        _("Link"),
        _("Author (hashed)"),
        _("Sentiment"),
        _("Likes"),
        _("Shares"),
        _("Pushes"),
        _("Boos"),
    ]
    posts = topic_posts_filtered(topic=topic, filters=filters)[:EXPORT_LIMIT]
    for post in posts.iterator(chunk_size=2000):
        yield [
            post.source.name,
            timezone.localtime(post.published_at).strftime("%Y-%m-%d %H:%M"),
            post.title,
            post.text,
            post.url,
            post.author_hash[:12],
            post.get_sentiment_display() if post.sentiment else "",
            post.likes,
            post.shares,
            post.pushes,
            post.boos,
        ]


@require_GET
@analyst_required
def topic_export(request: HttpRequest, topic_id: int, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    topic = get_object_or_404(Topic, pk=topic_id)
    filters, _errors = _filters(request, topic)
    filename = f"listening-{topic.pk}-{filters.start}-{filters.end}.{fmt}"
    if fmt == "csv":
        header, *rows = _export_rows(topic, filters)
        response = HttpResponse(csv_document(header, rows), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=topic.name[:31] or "posts")
        for row in _export_rows(topic, filters):
            sheet.append([spreadsheet_safe(value) for value in row])
        output = io.BytesIO()
        workbook.save(output)
        response = HttpResponse(
            output.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
@analyst_required
def source_upload(request: HttpRequest, source_id: int) -> HttpResponse:
    """Two steps: choose a file (its columns are read), then map columns to fields and ingest."""
    source = get_object_or_404(Source, pk=source_id, kind=SourceKind.UPLOAD)
    context = {"source": source, "error": "", "mapping_form": None}
    session_key = f"listening_upload_{source.pk}"
    if request.method == "POST" and "file" in request.FILES:
        form = UploadFileForm(request.POST, request.FILES)
        form.is_valid()  # a file is there: the service checks its size and columns
        try:
            path, columns = upload_file_store(upload=form.cleaned_data["file"])
        except ConnectorError as error:
            context["error"] = str(error)
        else:
            request.session[session_key] = {"path": path, "columns": columns}
            remembered = (source.config or {}).get("mapping") or {}
            context["mapping_form"] = UploadMappingForm(columns=columns, mapping=remembered)
        return render(request, "sentiment/listening/upload.html", context)
    if request.method == "POST":
        stored = request.session.get(session_key) or {}
        path = stored.get("path") if isinstance(stored, dict) else None
        if not path or not Path(path).exists():
            request.session.pop(session_key, None)
            context["error"] = _("The uploaded file is missing; choose it again.")
            return render(request, "sentiment/listening/upload.html", context)
        form = UploadMappingForm(request.POST, columns=stored.get("columns") or [])
        if not form.is_valid():  # text or date not chosen: the same file, mapped again
            context["mapping_form"] = form
            return render(request, "sentiment/listening/upload.html", context)
        request.session.pop(session_key, None)
        upload_ingest_start(source=source, path=path, mapping=form.mapping())
        return redirect(reverse("listening:source_upload", args=[source.pk]) + "?queued=1")
    context["queued"] = request.GET.get("queued") == "1"
    return render(request, "sentiment/listening/upload.html", context)
