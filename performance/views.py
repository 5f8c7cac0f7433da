"""The public dashboard, program pages, citizen actions, downloads and the staff import.

Views only parse input and call selectors and services.
"""

import gzip
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseNotModified,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from . import charts, maps
from .forms import IMPORT_ENCODINGS, ProgramActionForm, ProgramImportForm, QuestionAnswerForm
from .importing import ImportFailed, csv_bytes, template_csv_zip, template_xlsx
from .lights import light_rules, reasons_split
from .models import PerformanceDashboardPage, ProgramQuestion, ProgressMatch, QuestionState
from .opendata import TABLES, TABLES_BY_KEY, metadata, table_rows
from .selectors import (
    DashboardFilters,
    dashboard_filter_options,
    dashboard_page,
    dashboard_summary,
    program_by_code,
    program_detail,
    program_list,
    program_list_budget,
    question_answer_days,
    user_can_manage_program,
)
from .services import (
    program_follow,
    program_question_answer,
    program_question_ask,
    program_unfollow,
    progress_rating_set,
)

PROGRAMS_PER_PAGE = 25


def _page_url(page: PerformanceDashboardPage, name: str = "", **kwargs) -> str:
    base = page.url or ""
    return base + page.reverse_subpage(name, kwargs=kwargs) if name else base


def _chart(key: str, spec: dict) -> dict:
    return {"id": key, "data_id": f"{key}-data", "spec": spec}


# --- Public pages ------------------------------------------------------------------------------


def dashboard_view(request: HttpRequest, page: PerformanceDashboardPage) -> HttpResponse:
    filters = DashboardFilters.from_query(request.GET)
    summary = dashboard_summary(filters)
    options = dashboard_filter_options()
    programs = Paginator(program_list(filters), PROGRAMS_PER_PAGE).get_page(request.GET.get("page"))
    program_list_budget(programs=list(programs), year=filters.year)
    for program in programs:
        program.page_url = _page_url(page, "program", code=program.code)

    base = _page_url(page)
    query = filters.as_query()
    for county in summary["counties"]:
        county["url"] = f"{base}?{urlencode(filters.as_query(county=county['code']))}"
    without_county = urlencode(filters.as_query(county=""))
    downloads = [
        {
            "key": table.key,
            "title": table.title,
            "csv": _page_url(page, "download", table=table.key, fmt="csv"),
            "json": _page_url(page, "download", table=table.key, fmt="json"),
        }
        for table in TABLES
    ]
    query_string = urlencode(query)
    context = {
        "filters": filters,
        "options": options,
        "summary": summary,
        "programs": programs,
        "query_string": query_string,
        "downloads": downloads,
        "tables_meta": [
            metadata(
                table=table,
                publisher=page.publisher,
                update_frequency=page.update_frequency,
            )
            for table in TABLES
        ],
        "licence": metadata(table=TABLES[0], publisher=page.publisher, update_frequency=""),
        "charts": [
            _chart(
                "chart-agencies", charts.lights_stacked(summary["by_agency"], label_key="label")
            ),
            _chart(
                "chart-categories",
                charts.lights_stacked(summary["by_category"], label_key="label"),
            ),
            _chart("chart-budget", charts.budget_years(summary["budget_years"])),
        ],
        "county_map": maps.county_map(
            counts={county["code"]: county["programs"] for county in summary["counties"]},
            urls={county["code"]: county["url"] for county in summary["counties"]},
            selected=filters.county,
        ),
        "all_counties_url": f"{base}?{without_county}" if without_county else base,
        "rules": light_rules(),
        "has_demo": programs.paginator.count and any(p.is_demo for p in programs),
    }
    return page.render(
        request, template="performance/performance_dashboard_page.html", context_overrides=context
    )


def program_view(request: HttpRequest, page: PerformanceDashboardPage, code: str) -> HttpResponse:
    program = program_by_code(code)
    if program is None:
        raise Http404
    detail = program_detail(program=program, user=request.user)
    chart_list = [
        _chart(f"chart-kpi-{kpi.pk}", charts.kpi_target_actual(kpi))
        for kpi in detail["kpis"]
        if kpi.rows
    ]
    if detail["progress"]:
        chart_list.append(_chart("chart-progress", charts.progress_curve(detail["progress"])))
    if detail["budgets"]:
        chart_list.append(_chart("chart-program-budget", charts.program_budget(detail["budgets"])))
    for kpi in detail["kpis"]:
        kpi.chart_id = f"chart-kpi-{kpi.pk}"
    program_url = _page_url(page, "program", code=program.code)
    context = {
        "program": program,
        "reasons": reasons_split(program.light, program.light_reasons or []),
        **detail,
        "charts": chart_list,
        "program_url": program_url,
        "dashboard_url": _page_url(page),
        "can_answer": user_can_manage_program(request.user, program),
        "rules": light_rules(),
        "answer_days": question_answer_days(),
        "rating_choices": ProgressMatch.choices,
        "action_urls": {
            action: _page_url(page, "program_action", code=program.code, action=action)
            for action in ("follow", "unfollow", "ask", "rate")
        },
        "downloads": [
            {
                "title": TABLES_BY_KEY[key].title,
                "csv": _page_url(page, "download", table=key, fmt="csv")
                + f"?program={program.code}",
                "json": _page_url(page, "download", table=key, fmt="json")
                + f"?program={program.code}",
            }
            for key in (
                "kpi_values",
                "kpi_actuals",
                "budgets",
                "progress",
                "milestones",
                "light_history",
            )
        ],
    }
    # A column of dashes says nothing: most agencies report no planned spending to date.
    context["budgets_planned"] = any(b.planned_to_date is not None for b in detail["budgets"])
    for question in detail["questions"]:
        question.answer_url = _page_url(page, "question_answer", pk=question.pk)
    return page.render(
        request, template="performance/program_detail.html", context_overrides=context
    )


def program_action_view(
    request: HttpRequest, page: PerformanceDashboardPage, code: str, action: str
) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    program = program_by_code(code)
    if program is None:
        raise Http404
    target = _page_url(page, "program", code=program.code)
    if not request.user.is_authenticated:
        return redirect_to_login(target)
    anchor = "monitoring"
    form = ProgramActionForm(request.POST, request=request)
    form.is_valid()  # every field is optional; a next address off the site is dropped
    try:
        if action == "follow":
            program_follow(program=program, user=request.user)
            message = _("You now follow this program: you will be notified of new reports.")
        elif action == "unfollow":
            program_unfollow(program=program, user=request.user)
            message = _("You no longer follow this program.")
        elif action == "ask":
            question = program_question_ask(
                program=program, user=request.user, body=form.cleaned_data["body"]
            )
            anchor = f"question-{question.pk}"
            message = (
                _("Your question is published; the agency has been asked to answer it.")
                if question.moderation_verdict.visible
                else _(
                    "Your question will appear after a moderator has reviewed it; you can follow "
                    "it under Moderation of my content in your account."
                )
            )
        else:
            progress_rating_set(
                program=program, user=request.user, value=form.cleaned_data["value"]
            )
            message = _("Thank you: your rating is recorded.")
            anchor = "rating"
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(f"{target}#{anchor}")
    messages.success(request, message)
    # 「我的追蹤」 unfollows in place: back to the list, not to the program.
    return redirect(form.cleaned_data["next"] or f"{target}#{anchor}")


@require_GET
def question_link(request: HttpRequest, pk: int) -> HttpResponse:
    """A question's lasting address (moderation lists and notices link here, at no query per
    row): the program page at the question, or the program with a word that it is not shown."""
    question = get_object_or_404(ProgramQuestion.objects.select_related("program"), pk=pk)
    page = dashboard_page()
    if page is None:
        raise Http404
    target = _page_url(page, "program", code=question.program.code)
    if question.state != QuestionState.PUBLISHED:
        messages.info(request, _("This question is not shown: it awaits or was refused review."))
        return redirect(f"{target}#questions")
    return redirect(f"{target}#question-{question.pk}")


def question_answer_view(
    request: HttpRequest, page: PerformanceDashboardPage, pk: int
) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    question = get_object_or_404(ProgramQuestion.objects.select_related("program"), pk=pk)
    target = _page_url(page, "program", code=question.program.code)
    if not request.user.is_authenticated:
        return redirect_to_login(target)
    if not user_can_manage_program(request.user, question.program):
        raise PermissionDenied
    form = QuestionAnswerForm(request.POST)
    form.is_valid()  # text only
    try:
        program_question_answer(
            question=question, user=request.user, text=form.cleaned_data["answer"]
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("The answer is published and the citizen has been notified."))
    return redirect(f"{target}#question-{question.pk}")


def download_view(
    request: HttpRequest, page: PerformanceDashboardPage, table: str, fmt: str
) -> HttpResponse:
    if table not in TABLES_BY_KEY:
        raise Http404
    definition = TABLES_BY_KEY[table]
    filters = DashboardFilters.from_query(request.GET)
    rows = table_rows(table, filters=filters, program_code=request.GET.get("program", "")[:40])
    if fmt == "json":
        body = {
            "metadata": metadata(
                table=definition,
                publisher=page.publisher,
                update_frequency=page.update_frequency,
                url=request.build_absolute_uri(),
            ),
            "data": list(rows),
        }
        response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    else:
        keys = [f.key for f in definition.fields]
        response = HttpResponse(
            csv_bytes([f.label for f in definition.fields], [[r[k] for k in keys] for r in rows]),
            content_type="text/csv; charset=utf-8",
        )
    response["Content-Disposition"] = f'attachment; filename="minyi-{table}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- plotly.js, served from the installed plotly package (no CDN) ---------------------------------


def _plotly_path() -> Path:
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


@lru_cache(maxsize=1)
def _plotly_bytes() -> tuple[bytes, bytes, str]:
    """plotly.min.js (about 4.6 MB) and its gzip (about 1.4 MB), read once per process."""
    import plotly

    raw = _plotly_path().read_bytes()
    return raw, gzip.compress(raw, compresslevel=6, mtime=0), f'"plotly-{plotly.__version__}"'


def plotly_version() -> str:
    import plotly

    return plotly.__version__


@require_GET
@cache_control(public=True, max_age=31536000, immutable=True)
def plotly_js(request: HttpRequest, version: str) -> HttpResponse:
    raw, compressed, etag = _plotly_bytes()
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified()
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(compressed, content_type="text/javascript; charset=utf-8")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(raw, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Vary"] = "Accept-Encoding"
    return response


# --- Staff: import (Wagtail admin) ----------------------------------------------------------------


def import_view(request: HttpRequest) -> HttpResponse:
    from minyi.agencies.selectors import agencies_for_user

    from .selectors import overdue_reports_for_agencies
    from .services import programs_import

    agencies = agencies_for_user(request.user)
    if not agencies.exists():
        raise PermissionDenied
    context = {
        "encodings": IMPORT_ENCODINGS,
        "encoding": "auto",
        "errors": [],
        "summary": None,
        "overdue": overdue_reports_for_agencies(agencies=agencies),
    }
    status = 200
    if request.method == "POST":
        files = [(f.name, f.read()) for f in request.FILES.getlist("files")]
        form = ProgramImportForm(request.POST)
        encoding = form.cleaned_data["encoding"] if form.is_valid() else "auto"
        context["encoding"] = encoding
        try:
            context["summary"] = programs_import(files=files, user=request.user, encoding=encoding)
        except ImportFailed as failure:
            context["errors"] = failure.errors
            status = 400
    return TemplateResponse(request, "performance/admin/import.html", context, status=status)


def import_template_view(request: HttpRequest, fmt: str) -> HttpResponse:
    from minyi.agencies.selectors import agencies_for_user

    from .exports import import_rows

    if not agencies_for_user(request.user).exists():
        raise PermissionDenied
    data = None
    if request.GET.get("filled"):
        data = import_rows(agencies=agencies_for_user(request.user))
    if fmt == "xlsx":
        response = HttpResponse(
            template_xlsx(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(template_csv_zip(data), content_type="application/zip")
    name = "minyi-programs" if data else "minyi-programs-template"
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
