"""Citizen-facing moderation: report an item, see decisions on your content, appeal once."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from minyi.forms import form_messages, form_refuse, form_value

from .forms import AppealForm, ReportForm
from .models import Appeal, Decision
from .rules import REPORTABLE_RULES, RULES
from .selectors import (
    author_decision_rows,
    author_waiting_items,
    house_rules_url,
    user_has_reported,
)
from .services import appeal_create, report_create
from .targets import ItemState, moderated_kind


def _item(content_type_id: int, pk: int):
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    try:
        kind = moderated_kind(f"{content_type.app_label}.{content_type.model}")
    except LookupError:
        raise Http404 from None
    instance = kind.review_queryset().model._default_manager.filter(pk=pk).first()
    if instance is None or kind.get_state(instance) != ItemState.VISIBLE:
        raise Http404
    return instance, kind


@login_required
def report_view(request: HttpRequest, content_type_id: int, pk: int) -> HttpResponse:
    instance, kind = _item(content_type_id, pk)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            report_create(reporter=request.user, instance=instance, **form.cleaned_data)
        except ValidationError as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Thank you. A moderator will review your report."))
            return redirect(kind.url(instance) or "/")
    errors = form_messages(form) if form.is_bound else []
    values = {name: form_value(form, name) for name in form.fields}
    return render(
        request,
        "moderation/report_form.html",
        {
            "noun": kind.noun,
            "text": kind.get_text(instance),
            "back_url": kind.url(instance),
            "rules": REPORTABLE_RULES.values(),
            "already_reported": user_has_reported(user=request.user, instance=instance),
            "values": values,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
def my_decisions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "moderation/my_decisions.html",
        {
            "decisions": author_decision_rows(user=request.user),
            "waiting": author_waiting_items(user=request.user),
            "house_rules_url": house_rules_url(),
        },
    )


@login_required
def appeal_view(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(Decision, pk=pk, author=request.user)
    if Appeal.objects.filter(decision=decision).exists():
        # One appeal per decision: its status is on the decisions page.
        messages.info(request, _("You have already appealed this decision."))
        return redirect("moderation:my_decisions")
    form = AppealForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            appeal_create(author=request.user, decision=decision, **form.cleaned_data)
        except ValidationError as error:
            form_refuse(form, error)
        else:
            messages.success(request, _("Your appeal was received. Another moderator will decide."))
            return redirect("moderation:my_decisions")
    errors = form_messages(form) if form.is_bound else []
    return render(
        request,
        "moderation/appeal_form.html",
        {
            "decision": decision,
            "rule": RULES.get(decision.rule),
            "text": decision.content_object
            and moderated_kind(decision.content_object).get_text(decision.content_object),
            "reason": form_value(form, "reason"),
            "errors": errors,
            "house_rules_url": house_rules_url(),
        },
        status=400 if errors else 200,
    )
