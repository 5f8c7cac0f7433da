"""Citizen actions on a consultation page. Views only parse input and call services."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minyi.accounts.selectors import AssuranceRequired, assurance_prompt
from minyi.agencies.models import Agency
from minyi.agencies.selectors import agencies_as_tree, user_can_manage_agency
from minyi.forms import form_messages, form_refuse, form_value

from .exports import tallies_csv_write
from .follows import follow_add, follow_remove
from .forms import (
    CommentEditForm,
    CommentForm,
    FollowForm,
    PetitionForm,
    PetitionResponseForm,
    StatementForm,
    VoteForm,
)
from .models import (
    COMMENT_EDIT_WINDOW_MINUTES,
    PETITION_BODY_MAX_LENGTH,
    PETITION_TITLE_MAX_LENGTH,
    PETITION_TITLE_MIN_LENGTH,
    Comment,
    CommentState,
    ConsultationPage,
    ModerationState,
    Petition,
    PetitionModeration,
    PetitionState,
    Stance,
    Statement,
)
from .selectors import (
    comment_history,
    consultation_list,
    consultation_statements,
    petition_board_page,
    petition_visible_to,
    user_follows,
    user_has_endorsed,
)
from .services import (
    comment_create,
    comment_edit,
    comment_withdraw,
    petition_create,
    petition_endorse,
    petition_endorsement_withdraw,
    petition_proposal_edit,
    petition_proposal_withdraw,
    petition_response_approve,
    petition_response_return,
    petition_response_submit,
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


def refusal_tag(anchor: str) -> str:
    """The message tag of an error to show in the form ``anchor`` (``refusals_for``)."""
    return f"refused-{anchor}"


# The session key of what the reader typed in a refused form (refused_draft shows it again).
REFUSED_DRAFT = "participation_refused_draft"


def _refused(
    request, page, error: ValidationError, *, anchor: str, draft: dict | None = None
) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": "；".join(error.messages)}, status=400)
    if draft is not None:  # the form shows the text again, not an empty box to type it anew
        request.session[REFUSED_DRAFT] = {"anchor": anchor, **draft}
    # One message a fault, shown in the form; at the top of the page too where the page has
    # no such form any more (the consultation just closed, the comment was hidden).
    for text in error.messages:
        messages.error(request, text, extra_tags=refusal_tag(anchor))
    return redirect(f"{page.url}#{anchor}")


def _live_consultation(pk: int) -> ConsultationPage:
    return get_object_or_404(ConsultationPage.objects.live().select_related("agency"), pk=pk)


@login_required
@require_POST
def comment_post(request: HttpRequest, pk: int) -> HttpResponse:
    page = _live_consultation(pk)
    form = CommentForm(request.POST, consultation=page)
    # A reply's errors go to its own form, under the comment it answers.
    parent = form.data.get("parent", "")
    anchor = f"reply-form-{parent}" if parent.isdigit() else "comment-form"
    draft = {name: form_value(form, name) for name in ("body", "stance", "section")}
    if not form.is_valid():
        return _refused(
            request, page, ValidationError(form_messages(form)), anchor=anchor, draft=draft
        )
    try:
        comment = comment_create(consultation=page, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        return _refused(request, page, error, anchor=anchor, draft=draft)
    verdict = comment.moderation_verdict
    if comment.state == CommentState.REJECTED:
        # Refused, not done: shown in red in the form it came from (the comment it would have
        # landed on is not shown), not as a green confirmation.
        message = _("Your comment was not published: %(reasons)s") % {
            "reasons": verdict.reasons_text
        }
        return _refused(request, page, ValidationError(message), anchor=anchor, draft=draft)
    if comment.state == CommentState.HELD:
        message = _(
            "Your comment will appear after a moderator has reviewed it; you can follow it under "
            "Moderation of my content in your account."
        )
    elif verdict.reasons:
        message = _("Your comment is published; some personal data was masked: %(reasons)s") % {
            "reasons": verdict.reasons_text
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


@require_GET
def comment_link(request: HttpRequest, pk: int) -> HttpResponse:
    """A comment's lasting address (notifications and e-mails link here): the list page that
    holds it, or the consultation with a word that it is gone, since a withdrawn or removed
    comment (or a reply under one) is no longer shown anywhere."""
    comment = get_object_or_404(Comment.objects.select_related("parent"), pk=pk)
    page = get_object_or_404(consultation_list(), pk=comment.consultation_id)
    top = comment.parent or comment
    if not comment.state == top.state == CommentState.PUBLISHED:
        messages.info(
            request, _("This comment was withdrawn by its author or removed: it is not shown.")
        )
        return redirect(f"{page.url}#comments")
    query = urlencode({"section": top.section_id or "general", "comment": top.pk})
    listing = reverse("participation:section_comments", args=[page.pk])
    return redirect(f"{listing}?{query}#comment-{comment.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The author's form, prefilled; ``comment_edit`` keeps the earlier text and screens the new."""
    comment = get_object_or_404(
        Comment.objects.select_related("consultation", "section"), pk=pk, author=request.user
    )
    page = comment.consultation
    form = CommentEditForm(
        request.POST if request.method == "POST" else None,
        comment=comment,
        initial={"body": comment.body, "stance": comment.stance},
    )
    if form.is_bound and form.is_valid():
        try:
            comment_edit(comment=comment, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_refuse(form, error)
        else:
            return _done(
                request, page, anchor=f"comment-{pk}", message=_("Your comment is updated.")
            )
    errors = form_messages(form) if form.is_bound else []
    return render(
        request,
        "participation/comment_edit.html",
        {
            "comment": comment,
            "consultation": page,
            "body": form_value(form, "body"),
            "stance": form_value(form, "stance") if comment.parent_id is None else None,
            "stances": Stance.choices,
            "editable": comment.is_editable,
            "editable_until": comment.created_at + timedelta(minutes=COMMENT_EDIT_WINDOW_MINUTES),
            "edit_minutes": COMMENT_EDIT_WINDOW_MINUTES,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@require_GET
def comment_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A published comment's current and earlier texts: edits stay on the public record."""
    comment = comment_history(comment_id=pk)
    if comment is None or not comment.consultation.live:
        raise Http404
    return render(
        request,
        "participation/comment_history.html",
        {"comment": comment, "consultation": comment.consultation},
    )


@login_required
@require_POST
def statement_post(request: HttpRequest, pk: int) -> HttpResponse:
    page = _live_consultation(pk)
    form = StatementForm(request.POST)
    form.is_valid()  # text only: the service says what a statement may be
    try:
        statement = statement_create(
            consultation=page, user=request.user, text=form.cleaned_data["text"]
        )
    except ValidationError as error:
        return _refused(request, page, error, anchor="statement-form")
    if statement.moderation_state == ModerationState.HELD:
        message = _(
            "Your statement will appear after a moderator has reviewed it; you can follow it "
            "under Moderation of my content in your account."
        )
    elif statement.moderation_verdict.reasons:
        message = _("Your statement has been added; some personal data was masked: %(reasons)s") % {
            "reasons": statement.moderation_verdict.reasons_text
        }
    else:
        message = _("Your statement has been added.")
    return _done(
        request,
        page,
        anchor="statements",
        message=message,
        data={"statement": statement.pk, "state": statement.moderation_state},
    )


@login_required
@require_POST
def vote_post(request: HttpRequest, pk: int) -> HttpResponse:
    """A vote from the consultation page's card (``card=1``: the JSON answer carries the next
    card, so voting goes on without a reload) or from the statements page (``next``)."""
    from .page_holes import VOTE_MESSAGE_TAG, vote_card_render

    statement = get_object_or_404(Statement.objects.select_related("consultation"), pk=pk)
    page = statement.consultation
    form = VoteForm(request.POST, request=request)
    form.is_valid()  # every field optional: the service checks the value
    next_url = form.cleaned_data["next"]
    try:
        statement_vote_cast(
            statement=statement, user=request.user, value=form.cleaned_data["value"]
        )
    except ValidationError as error:
        if next_url and not _wants_json(request):
            messages.error(request, "；".join(error.messages))
            return redirect(f"{next_url}#statement-{pk}")
        return _refused(request, page, error, anchor="vote")
    message = _("Your vote has been recorded.")
    if _wants_json(request):
        data = {
            "ok": True,
            "message": message,
            "tally": {
                "agree": statement.agree_count,
                "disagree": statement.disagree_count,
                "pass": statement.pass_count,
            },
        }
        if form.cleaned_data["card"]:
            data["card"] = vote_card_render(request=request, consultation=page, message=message)
        return JsonResponse(data)
    if next_url:
        messages.success(request, message)
        return redirect(f"{next_url}#statement-{pk}")
    # Shown on the card the reader lands on (#vote), not at the top of the page.
    messages.success(request, message, extra_tags=VOTE_MESSAGE_TAG)
    return redirect(f"{page.url}#vote")


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


# --- Petitions (提點子) -------------------------------------------------------------------


def _petition_or_404(request: HttpRequest, pk: int) -> Petition:
    petition = petition_visible_to(pk=pk, user=request.user)
    if petition is None:
        raise Http404
    return petition


def _petition_done(request, petition, *, message: str, error: bool = False) -> HttpResponse:
    if _wants_json(request):
        petition.refresh_from_db()
        return JsonResponse(
            {
                "ok": not error,
                "message" if not error else "error": message,
                "endorsements": petition.endorsement_count,
                "state": petition.state,
            },
            status=400 if error else 200,
        )
    (messages.error if error else messages.success)(request, message)
    return redirect(f"{petition.get_absolute_url()}#endorse")


def _verification_url(next_url: str) -> str:
    """The mobile verification steps, coming back to ``next_url`` when done."""
    return f"{reverse('accounts:mobile_verify')}?{urlencode({'next': next_url})}"


def _verification_needed(request, error: AssuranceRequired, next_url: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"ok": False, "error": error.messages[0], "verify_url": _verification_url(next_url)},
            status=403,
        )
    messages.warning(request, error.messages[0])
    return redirect(_verification_url(next_url))


@login_required
def petition_new(request: HttpRequest) -> HttpResponse:
    values = {"title": "", "body": "", "agency": ""}
    errors: list[str] = []
    assurance = assurance_prompt(user=request.user, action="petition_propose")
    if request.method == "POST" and assurance:
        return redirect(_verification_url(request.path))
    if request.method == "POST":
        values, agency = _petition_form_read(request)
        try:
            petition = petition_create(
                user=request.user, title=values["title"], body=values["body"], agency=agency
            )
        except ValidationError as error:
            errors = error.messages
        else:
            if petition.is_public:
                messages.success(request, _("Your proposal is open for endorsement."))
            else:
                messages.success(
                    request,
                    _(
                        "Your proposal was received; it opens for endorsement after a moderator"
                        " has reviewed it."
                    ),
                )
            _masked_warning(request, petition)
            return redirect(petition.get_absolute_url())
    return _petition_form_page(request, values=values, errors=errors, assurance=assurance)


def _petition_form_page(
    request, *, values: dict, errors: list[str], assurance=None, petition: Petition | None = None
) -> HttpResponse:
    """The proposal form: a new proposal, or (``petition``) the correction of a pending one."""
    return render(
        request,
        "participation/petition_form.html",
        {
            "values": values,
            "errors": errors,
            "agencies": agencies_as_tree(),
            "board": petition_board_page(),
            "title_min": PETITION_TITLE_MIN_LENGTH,
            "title_max": PETITION_TITLE_MAX_LENGTH,
            "body_max": PETITION_BODY_MAX_LENGTH,
            "assurance": assurance,
            "verify_url": _verification_url(request.path),
            "petition": petition,
        },
        status=400 if errors else 200,
    )


def _petition_form_read(request: HttpRequest) -> tuple[dict[str, str], Agency | None]:
    """The proposal form's title, body and agency code as typed, and the agency named."""
    form = PetitionForm(request.POST)
    form.is_valid()  # every field optional: the service checks them, with its messages
    values = {key: form.cleaned_data[key] for key in ("title", "body", "agency")}
    agency = Agency.objects.filter(code=values["agency"]).first() if values["agency"] else None
    return values, agency


def _masked_warning(request, petition: Petition) -> None:
    if petition.moderation_verdict.reasons:
        messages.warning(
            request,
            _("Some personal data in your proposal was masked: %(reasons)s")
            % {"reasons": petition.moderation_verdict.reasons_text},
        )


@login_required
def petition_proposal_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The proposer corrects a proposal that still awaits review."""
    petition = _petition_or_404(request, pk)
    if petition.author_id != request.user.pk:
        raise Http404
    if petition.moderation_state != PetitionModeration.PENDING:
        messages.error(
            request, _("This proposal is no longer awaiting review: it can no longer be changed.")
        )
        return redirect(petition.get_absolute_url())
    values = {"title": petition.title, "body": petition.body, "agency": petition.agency.code}
    errors: list[str] = []
    if request.method == "POST":
        values, agency = _petition_form_read(request)
        try:
            petition = petition_proposal_edit(
                petition=petition,
                user=request.user,
                title=values["title"],
                body=values["body"],
                agency=agency,
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("Your proposal was updated; it still awaits review."))
            _masked_warning(request, petition)
            return redirect(petition.get_absolute_url())
    return _petition_form_page(request, values=values, errors=errors, petition=petition)


@login_required
@require_POST
def petition_proposal_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    petition = _petition_or_404(request, pk)
    try:
        petition_proposal_withdraw(petition=petition, user=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(
            request, _("You withdrew your proposal. It will not be reviewed or published.")
        )
    return redirect(petition.get_absolute_url())


@require_GET
def petition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    petition = _petition_or_404(request, pk)
    return render(
        request,
        "participation/petition_detail.html",
        {
            "petition": petition,
            "board": petition_board_page(),
            "has_endorsed": user_has_endorsed(petition=petition, user=request.user),
            "assurance": (
                assurance_prompt(user=request.user, action="petition_endorse")
                if request.user.is_authenticated
                else None
            ),
            "verify_url": _verification_url(petition.get_absolute_url()),
            "following": user_follows(user=request.user, petition=petition),
            "can_respond": (
                petition.state in {PetitionState.REACHED, PetitionState.RESPONDED}
                and request.user.is_authenticated
                and user_can_manage_agency(request.user, petition.agency)
            ),
        },
    )


@login_required
@require_POST
def petition_endorse_view(request: HttpRequest, pk: int) -> HttpResponse:
    petition = _petition_or_404(request, pk)
    try:
        petition_endorse(petition=petition, user=request.user)
    except AssuranceRequired as error:
        return _verification_needed(request, error, petition.get_absolute_url())
    except ValidationError as error:
        return _petition_done(request, petition, message="；".join(error.messages), error=True)
    return _petition_done(request, petition, message=_("Thank you: your endorsement is counted."))


@login_required
@require_POST
def petition_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    petition = _petition_or_404(request, pk)
    try:
        petition_endorsement_withdraw(petition=petition, user=request.user)
    except ValidationError as error:
        return _petition_done(request, petition, message="；".join(error.messages), error=True)
    return _petition_done(request, petition, message=_("Your endorsement was withdrawn."))


@login_required
def petition_response_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff of the responsible agency write the answer to a petition that reached its
    threshold (or a correction of it); a colleague approves it or sends it back."""
    petition = _petition_or_404(request, pk)
    if not user_can_manage_agency(request.user, petition.agency):
        raise PermissionDenied
    text = petition.response_draft or ("" if petition.responded_at is None else petition.response)
    note, errors = petition.response_draft_note, []
    if request.method == "POST":
        form = PetitionResponseForm(request.POST)
        form.is_valid()  # every field optional: the services say what each action needs
        action = form.cleaned_data.get("action", "")
        text, note = form.cleaned_data.get("response", ""), form.cleaned_data.get("note", "")
        try:
            if action == "approve":
                petition_response_approve(petition=petition, user=request.user)
                message = _("The response is published.")
            elif action == "return":
                petition_response_return(petition=petition, user=request.user, note=note)
                message = _("Returned to its writer.")
            else:
                petition_response_submit(
                    petition=petition, user=request.user, text=text, correction_note=note
                )
                message = _(
                    "Sent to a colleague of your agency for approval; it is published once "
                    "approved."
                )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, message)
            if action == "approve":
                return redirect(f"{petition.get_absolute_url()}#response")
            return redirect(request.path)
    return render(
        request,
        "participation/petition_response_form.html",
        {
            "petition": petition,
            "text": text,
            "note": note,
            "errors": errors,
            "waiting": petition.response_submitted_at is not None,
            "i_wrote_it": petition.response_drafted_by_id == request.user.pk,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def follow_toggle(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind == "consultation":
        target = {"consultation": get_object_or_404(consultation_list(), pk=pk)}
        back = target["consultation"].url
    elif kind == "petition":
        petition = petition_visible_to(pk=pk, user=request.user)
        if petition is None:
            raise Http404
        target = {"petition": petition}
        back = petition.get_absolute_url()
    else:
        raise Http404
    form = FollowForm(request.POST, request=request)
    form.is_valid()  # every field is optional; a next address off the site is dropped
    if form.cleaned_data["follow"]:
        follow_add(user=request.user, **target)
        messages.success(request, _("You follow this now: you will be told about its progress."))
    else:
        follow_remove(user=request.user, **target)
        messages.success(request, _("You no longer follow this."))
    # 「我的追蹤」 unfollows in place: back to the list, not to the thing itself.
    return redirect(form.cleaned_data["next"] or back or "/")


@require_GET
def tallies_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The statements' vote tallies as open data (UTF-8 with BOM, so Excel reads it)."""
    consultation = get_object_or_404(consultation_list(), pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{consultation.slug}-tallies.csv"'
    response.write("\ufeff")
    tallies_csv_write(response, consultation=consultation)
    return response


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Results 20 a page, with links that narrow them to one kind (each with its count)."""
    from django.core.paginator import Paginator

    from .search import MAX_QUERY_LENGTH, search_kinds, site_search

    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    terms, hits = site_search(query) if query else ([], [])
    kinds = search_kinds(hits)
    kind = request.GET.get("kind", "")
    if kind not in {entry.kind for entry in kinds}:
        kind = ""
    shown = [hit for hit in hits if hit.kind == kind] if kind else hits
    results = Paginator(shown, SEARCH_RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "participation/search.html",
        {
            "query": query,
            "terms": terms,
            "total": len(hits),
            "kinds": kinds,
            "kind": kind,
            "results": results,
        },
    )


SEARCH_RESULTS_PER_PAGE = 20


COMMENTS_PER_PAGE = 20


@require_GET
def section_comments_view(request: HttpRequest, pk: int) -> HttpResponse:
    """All comments of one section (or of the whole consultation), 20 a page."""
    from django.core.paginator import Paginator

    from .selectors import section_comments

    consultation = get_object_or_404(consultation_list(), pk=pk)
    requested = request.GET.get("section", "general")
    section = None
    if requested != "general":
        if not requested.isdigit():
            raise Http404
        section = get_object_or_404(consultation.sections, pk=int(requested))
    stance = request.GET.get("stance", "")
    if stance not in Stance.values:
        stance = ""
    sort = "newest" if request.GET.get("sort") == "newest" else "oldest"
    listed = section_comments(
        consultation=consultation,
        section_id=section.pk if section else None,
        stance=stance or None,
        newest_first=sort == "newest",
    )
    paginator = Paginator(listed, COMMENTS_PER_PAGE)
    number = request.GET.get("page")
    # A comment's permalink (?comment=<pk>#comment-<pk>) opens the page that holds it.
    wanted = request.GET.get("comment", "")
    whole_comment = (
        int(wanted) if wanted.isascii() and wanted.isdigit() and len(wanted) < 19 else None
    )
    if whole_comment is not None:
        pks = list(listed.values_list("pk", flat=True))
        if whole_comment in pks:
            number = pks.index(whole_comment) // COMMENTS_PER_PAGE + 1
    return render(
        request,
        "participation/section_comments.html",
        {
            "consultation": consultation,
            "section": section,
            "requested": requested,
            "comments": paginator.get_page(number),
            "whole_comment": whole_comment,  # the linked comment is not folded
            "stance": stance,
            "stances": Stance.choices,
            "sort": sort,
        },
    )


@require_GET
def statements_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every visible statement of a consultation, 20 a page, sorted and filtered; a signed-in
    reader sees their own vote on each and may change it (a later vote replaces the earlier)."""
    from django.core.paginator import Paginator

    from .selectors import STATEMENT_FILTERS, STATEMENT_SORTS, statement_list

    consultation = get_object_or_404(consultation_list(), pk=pk)
    sort = request.GET.get("sort", "")
    sort = sort if sort in STATEMENT_SORTS else STATEMENT_SORTS[0]
    show = request.GET.get("show", "")
    if show not in STATEMENT_FILTERS or not request.user.is_authenticated:
        show = STATEMENT_FILTERS[0]
    statements = Paginator(
        statement_list(consultation=consultation, user=request.user, sort=sort, show=show), 20
    ).get_page(request.GET.get("page"))
    sorts = {
        "newest": _("Newest"),
        "votes": _("Most votes"),
        "divisive": _("Most divisive"),
        "consensus": _("Most agreed"),
    }
    filters = {"all": _("All"), "unvoted": _("Not voted yet"), "mine": _("My votes")}
    return render(
        request,
        "participation/statements.html",
        {
            "consultation": consultation,
            "statements": statements,
            "sort": sort,
            "show": show,
            "sorts": sorts.items(),
            "filters": filters.items(),
            "can_vote": consultation.is_open and request.user.is_authenticated,
        },
    )


@never_cache
@require_GET
def standing_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Where I stand: the consultation's opinion groups, the reader's place and group in them."""
    from .standing import (
        MIN_PARTICIPANTS,
        consultation_votes_to_join,
        opinion_map_layout,
        participant_standing,
    )

    consultation = get_object_or_404(consultation_list(), pk=pk)
    standing = (
        participant_standing(consultation=consultation, user=request.user)
        if request.user.is_authenticated
        else None
    )
    return render(
        request,
        "participation/standing.html",
        {
            "consultation": consultation,
            "standing": standing,
            "layout": opinion_map_layout(standing) if standing and standing.ready else None,
            "min_votes": standing.votes_to_join if standing else consultation_votes_to_join(pk),
            "min_participants": MIN_PARTICIPANTS,
        },
    )


@login_required
@never_cache
@require_GET
def my_contributions_view(request: HttpRequest) -> HttpResponse:
    """我的參與: one's comments, statements, proposals and endorsements, with their states."""
    from moderation.selectors import house_rules_url

    from .selectors import consultation_index_url, my_contributions

    return render(
        request,
        "participation/my_contributions.html",
        {
            "mine": my_contributions(user=request.user),
            "consultations_url": consultation_index_url(),
            "house_rules_url": house_rules_url(),
        },
    )
