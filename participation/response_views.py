"""The agency response (對照表) from the staff's side: write a draft while reading the
comments, preview it, have a colleague approve it; and the public history of its versions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from minyi.forms import form_messages

from .forms import ResponseDraftForm, ResponseReturnForm
from .models import AdoptionDecision, ConsultationPage, ConsultationStatus, ResponseState
from .response_rules import COMMENTED_DECISIONS
from .selectors import (
    consultation_list,
    consultation_response_draft_for,
    consultation_response_for,
    consultation_response_history,
    response_form_sections,
    user_can_respond_to_consultation,
)
from .services import (
    consultation_response_approve,
    consultation_response_draft_save,
    consultation_response_return,
    consultation_response_submit,
)


def _staff_consultation(request: HttpRequest, pk: int) -> ConsultationPage:
    page = get_object_or_404(ConsultationPage.objects.live().select_related("agency"), pk=pk)
    if not user_can_respond_to_consultation(consultation=page, user=request.user):
        raise PermissionDenied
    return page


def _review_url(page: ConsultationPage) -> str:
    return reverse("participation:consultation_response_review", args=[page.pk])


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def consultation_response_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft form: per article the comments by stance, the decision and its reason.

    A correction starts from the version in force; saving never publishes anything.
    """
    page = _staff_consultation(request, pk)
    draft = consultation_response_draft_for(consultation=page)
    published = consultation_response_for(consultation=page)
    source = draft or published
    overall = source.overall if source else ""
    correction_note = draft.correction_note if draft else ""
    errors: list[str] = []
    sections = response_form_sections(consultation=page, response=source)
    if request.method == "POST":
        form = ResponseDraftForm(request.POST, sections=sections)
        valid = form.is_valid()
        overall = form.cleaned_data["overall"]
        correction_note = form.cleaned_data["correction_note"]
        answers = form.answers()
        try:
            if not valid:
                raise ValidationError(form_messages(form))
            consultation_response_draft_save(
                consultation=page,
                user=request.user,
                overall=overall,
                sections=answers,
                correction_note=correction_note,
            )
        except ValidationError as error:
            errors = error.messages
            for section in sections:
                section.decision, section.reason = answers[section.pk]
                section.errors = form.section_errors(section.pk)
        else:
            if form.cleaned_data["action"] == "preview":
                return redirect(_review_url(page))
            messages.success(request, _("The draft is saved. Nothing is published yet."))
            return redirect(request.path)
    is_correction = published is not None and (draft is None or draft.version > 1)
    return render(
        request,
        "participation/consultation_response_form.html",
        {
            "page": page,
            "sections": sections,
            "overall": overall,
            "correction_note": correction_note,
            "is_correction": is_correction,
            "draft": draft,
            "errors": errors,
            "decisions": [(value, AdoptionDecision(value).label) for value in COMMENTED_DECISIONS],
            "can_write": page.status in (ConsultationStatus.CLOSED, ConsultationStatus.RESPONDED),
        },
        status=400 if errors else 200,
    )


@never_cache
@login_required
def consultation_response_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft as the public will see it, with the step its state allows this person."""
    page = _staff_consultation(request, pk)
    draft = consultation_response_draft_for(consultation=page)
    if draft is None:
        messages.info(request, _("There is no response draft waiting; this is the one in force."))
        return redirect(f"{page.url}#response")
    user_pk = request.user.pk
    return render(
        request,
        "participation/consultation_response_review.html",
        {
            "page": page,
            "draft": draft,
            "published": consultation_response_for(consultation=page),
            "is_submitted": draft.state == ResponseState.SUBMITTED,
            "may_approve": draft.state == ResponseState.SUBMITTED
            and user_pk not in {draft.submitted_by_id, draft.drafted_by_id},
        },
    )


@login_required
@require_POST
def consultation_response_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Submit, approve or return the draft; each refusal is said on the review page."""
    page = _staff_consultation(request, pk)
    draft = consultation_response_draft_for(consultation=page)
    if draft is None:
        raise Http404
    try:
        if step == "submit":
            consultation_response_submit(response=draft, user=request.user)
            messages.success(
                request,
                _(
                    "Submitted. Another staff member of the agency must approve it "
                    "before it is published."
                ),
            )
        elif step == "approve":
            consultation_response_approve(response=draft, user=request.user)
            messages.success(
                request, _("The response is published and participants have been notified.")
            )
            return redirect(f"{page.url}#response")
        elif step == "return":
            form = ResponseReturnForm(request.POST)
            form.is_valid()  # one text field: the service asks for a note
            consultation_response_return(
                response=draft, user=request.user, note=form.cleaned_data["note"]
            )
            messages.success(request, _("The draft is returned to its writer with your note."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect(_review_url(page))


def consultation_response_versions(request: HttpRequest, pk: int) -> HttpResponse:
    """Every published version of the response, newest first, with what each correction changed."""
    page = get_object_or_404(consultation_list(), pk=pk)
    versions = consultation_response_history(consultation=page)
    if not versions:
        raise Http404
    return render(
        request,
        "participation/consultation_response_history.html",
        {"page": page, "versions": versions},
    )
