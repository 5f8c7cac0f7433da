"""Citizen actions on a consultation page. Views only parse input and call services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .models import Comment, CommentState, ConsultationPage, Statement
from .selectors import consultation_statements
from .services import (
    comment_create,
    comment_withdraw,
    statement_create,
    statement_vote_cast,
)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _done(request, page, *, anchor: str, message: str, data: dict | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": message, **(data or {})})
    messages.success(request, message)
    return redirect(f"{page.url}#{anchor}")


def _refused(request, page, error: ValidationError, *, anchor: str) -> HttpResponse:
    text = "；".join(error.messages)
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": text}, status=400)
    messages.error(request, text)
    return redirect(f"{page.url}#{anchor}")


def _live_consultation(pk: int) -> ConsultationPage:
    return get_object_or_404(ConsultationPage.objects.live().select_related("agency"), pk=pk)


@login_required
@require_POST
def comment_post(request: HttpRequest, pk: int) -> HttpResponse:
    page = _live_consultation(pk)
    section = page.sections.filter(pk=request.POST.get("section") or None).first()
    parent = None
    if request.POST.get("parent"):
        parent = Comment.objects.filter(pk=request.POST["parent"], consultation=page).first()
        if parent is None:
            return _refused(
                request, page, ValidationError(_("That comment does not exist.")), anchor="comments"
            )
    try:
        comment = comment_create(
            consultation=page,
            user=request.user,
            body=request.POST.get("body", ""),
            stance=request.POST.get("stance", ""),
            section=section,
            parent=parent,
        )
    except ValidationError as error:
        return _refused(request, page, error, anchor="comment-form")
    verdict = comment.moderation_verdict
    if comment.state == CommentState.REJECTED:
        message = _("Your comment was not published: %(reasons)s") % {
            "reasons": "；".join(r["message"] for r in verdict.reasons)
        }
    elif comment.state == CommentState.HELD:
        message = _("Your comment will appear after a moderator has reviewed it.")
    elif verdict.reasons:
        message = _("Your comment is published; some personal data was masked: %(reasons)s") % {
            "reasons": "；".join(dict.fromkeys(r["message"] for r in verdict.reasons))
        }
    else:
        message = _("Your comment is published.")
    return _done(
        request,
        page,
        anchor=f"comment-{comment.pk}",
        message=message,
        data={"comment": comment.pk, "state": comment.state},
    )


@login_required
@require_POST
def comment_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("consultation"), pk=pk)
    page = comment.consultation
    try:
        comment_withdraw(comment=comment, user=request.user)
    except ValidationError as error:
        return _refused(request, page, error, anchor=f"comment-{pk}")
    return _done(request, page, anchor="comments", message=_("Your comment was withdrawn."))


@login_required
@require_POST
def statement_post(request: HttpRequest, pk: int) -> HttpResponse:
    page = _live_consultation(pk)
    try:
        statement = statement_create(
            consultation=page, user=request.user, text=request.POST.get("text", "")
        )
    except ValidationError as error:
        return _refused(request, page, error, anchor="statement-form")
    return _done(
        request,
        page,
        anchor="statements",
        message=_("Your statement has been added."),
        data={"statement": statement.pk},
    )


@login_required
@require_POST
def vote_post(request: HttpRequest, pk: int) -> HttpResponse:
    statement = get_object_or_404(Statement.objects.select_related("consultation"), pk=pk)
    page = statement.consultation
    try:
        statement_vote_cast(statement=statement, user=request.user, value=request.POST.get("value"))
    except ValidationError as error:
        return _refused(request, page, error, anchor=f"statement-{pk}")
    statement.refresh_from_db()
    return _done(
        request,
        page,
        anchor="vote",
        message=_("Your vote has been recorded."),
        data={
            "tally": {
                "agree": statement.agree_count,
                "disagree": statement.disagree_count,
                "pass": statement.pass_count,
            }
        },
    )


@never_cache
@require_GET
def consultation_state(request: HttpRequest, pk: int) -> JsonResponse:
    """What the page shows that changes: polled when WebSockets are unavailable."""
    page = _live_consultation(pk)
    return JsonResponse(
        {
            "status": page.status,
            "tallies": {
                s.pk: [s.agree_count, s.disagree_count, s.pass_count]
                for s in consultation_statements(consultation=page)
            },
            "comments": page.comments.filter(state=CommentState.PUBLISHED).count(),
        }
    )
