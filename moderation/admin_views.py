"""The moderator's desk in the Wagtail admin: queue, appeals, audit log and metrics."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from minyi.forms import form_messages
from minyi.spreadsheets import csv_stream

from .forms import AppealDecisionForm, ItemDecisionForm, QueueDecisionForm
from .models import Appeal, AppealOutcome, AuditAction, DecisionAction, Outcome
from .rules import RULES
from .selectors import (
    QUEUE_STATE_LABELS,
    audit_export_header,
    audit_export_rows,
    audit_log,
    audit_rows,
    moderation_consultations,
    moderation_items,
    moderation_metrics,
    moderation_queue,
    open_appeals,
)
from .services import appeal_decide, item_decide, user_is_moderator
from .targets import ITEM_STATE_LABELS, moderated_kind, moderated_kinds


class ModeratorOnly:
    def dispatch(self, request, *args, **kwargs):
        if not user_is_moderator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        # Without this the header names the admin's home page, not the moderator's screen.
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


def _instance(key: str):
    """The item a form's ``label:pk`` key names; 404 for anything else."""
    label, _sep, pk = key.partition(":")
    try:
        kind = moderated_kind(label)
    except LookupError:
        raise Http404 from None
    if not pk.isdigit():
        raise Http404
    return get_object_or_404(kind.review_queryset().model._default_manager, pk=pk)


def _kept_decision(data, errors: list[str]) -> dict:
    """What the moderator chose in a decision form that failed, to show it again with the
    errors (the page used to reload blank and the decision and note were lost)."""
    return {
        "action": data.get("action", ""),
        "rule": data.get("rule", ""),
        "note": data.get("note", ""),
        "masked_text": data.get("masked_text", ""),
        "items": data.getlist("items"),
        "errors": errors,
    }


class QueueView(ModeratorOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "moderation/admin/queue.html"
    page_title = gettext_lazy("Moderation queue")
    header_icon = "warning"

    def get_context_data(self, **kwargs):
        filters = {key: self.request.GET.get(key, "") for key in ("kind", "state", "rule")}
        items = moderation_queue(**filters)
        page = Paginator(items, 50).get_page(self.request.GET.get("p"))
        return super().get_context_data(
            page=page,
            filters=filters,
            kinds=moderated_kinds(),
            rules=RULES.values(),
            actions=DecisionAction.choices,
            states=list(QUEUE_STATE_LABELS.items()),
            **kwargs,
        )

    def post(self, request):
        form = QueueDecisionForm(request.POST)
        if not form.is_valid():
            errors = form_messages(form)
            for message in errors:
                messages.error(request, message)
            return self._again(_kept_decision(request.POST, errors))
        decision = form.decision()
        done, failed = 0, []
        for key in form.cleaned_data["items"]:
            try:
                item_decide(moderator=request.user, instance=_instance(key), **decision)
                done += 1
            except ValidationError as error:
                failed.extend(error.messages)
        if done:
            messages.success(request, _("%(count)d decisions recorded.") % {"count": done})
        for message in sorted(set(failed)):
            messages.error(request, message)
        if failed and not done:  # nothing recorded: the same choices, to correct them
            return self._again(_kept_decision(request.POST, sorted(set(failed))))
        return redirect(request.get_full_path())

    def _again(self, kept: dict):
        return self.render_to_response(self.get_context_data(kept=kept))


class ItemsView(ModeratorOnly, WagtailAdminTemplateMixin, TemplateView):
    """Every comment, statement and petition, in any state: act on what nobody reported."""

    template_name = "moderation/admin/items.html"
    page_title = gettext_lazy("All items")
    header_icon = "list-ul"

    def get_context_data(self, **kwargs):
        kinds = moderated_kinds()
        filters = {
            key: self.request.GET.get(key, "").strip()
            for key in ("kind", "state", "consultation", "q", "id")
        }
        if filters["kind"] not in {kind.label for kind in kinds}:
            filters["kind"] = kinds[0].label
        kind = moderated_kind(filters["kind"])
        items = moderation_items(
            kind_label=kind.label,
            state=filters["state"],
            consultation=filters["consultation"],
            query=filters["q"],
            pk=filters["id"],
        )
        page = Paginator(items, 30).get_page(self.request.GET.get("p"))
        kept = kwargs.pop("kept", {})  # a failed decision's choices, shown again on its item
        rows = []
        for instance in page.object_list:
            where = kind.where(instance) if kind.where else ("", "")
            author = kind.author_user(instance)
            state = kind.get_state(instance)
            rows.append(
                {
                    "key": f"{kind.label}:{instance.pk}",
                    "pk": instance.pk,
                    "text": kind.get_text(instance),
                    "author": author.public_name if author else "",
                    "state": state,
                    "state_label": ITEM_STATE_LABELS.get(state, state),
                    "where_title": where[0],
                    "where_url": where[1],
                    "url": kind.url(instance) if state == "visible" else "",
                    "kept": kept if kept.get("item") == f"{kind.label}:{instance.pk}" else {},
                }
            )
        query = self.request.GET.copy()
        query.pop("p", None)
        return super().get_context_data(
            page=page,
            rows=rows,
            kind=kind,
            kinds=kinds,
            filters=filters,
            query=query.urlencode(),
            states=list(ITEM_STATE_LABELS.items()),
            consultations=moderation_consultations() if kind.consultation_field else [],
            rules=RULES.values(),
            actions=DecisionAction.choices,
            **kwargs,
        )

    def post(self, request):
        form = ItemDecisionForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form_messages(form))
            decision = form.decision()
            item_decide(
                moderator=request.user, instance=_instance(form.cleaned_data["item"]), **decision
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            kept = {**_kept_decision(request.POST, error.messages), "item": form.data.get("item")}
            return self.render_to_response(self.get_context_data(kept=kept))
        messages.success(request, _("The decision was recorded and the author told."))
        return redirect(request.get_full_path())


class AppealsView(ModeratorOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "moderation/admin/appeals.html"
    page_title = gettext_lazy("Appeals")
    header_icon = "help"

    def get_context_data(self, **kwargs):
        appeals = []
        for appeal in open_appeals():
            instance = appeal.decision.content_object
            kind = moderated_kind(instance) if instance else None
            text = kind.get_text(instance) if kind else ""
            where = kind.where(instance) if kind and kind.where else ("", "")
            noun = kind.noun_zh if kind else ""
            appeals.append((appeal, text, RULES.get(appeal.decision.rule), noun, *where))
        return super().get_context_data(appeals=appeals, outcomes=AppealOutcome.choices, **kwargs)

    def post(self, request):
        form = AppealDecisionForm(request.POST)
        if not form.is_valid():
            raise Http404
        appeal = get_object_or_404(Appeal, pk=form.cleaned_data["appeal"])
        try:
            appeal_decide(
                moderator=request.user,
                appeal=appeal,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The appeal was decided and the author told."))
        return redirect("moderation_admin:appeals")


class AuditLogView(ModeratorOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "moderation/admin/audit_log.html"
    page_title = gettext_lazy("Moderation audit log")
    header_icon = "history"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return _audit_csv(request)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        filters = {key: self.request.GET.get(key, "") for key in ("action", "object_key")}
        page = Paginator(audit_log(**filters), 100).get_page(self.request.GET.get("p"))
        return super().get_context_data(
            page=page,
            rows=audit_rows(page.object_list),
            filters=filters,
            actions=AuditAction.choices,
            **kwargs,
        )


def _audit_csv(request) -> HttpResponse:
    """The audit log as a file, worded as the screen words it (see audit_export_rows)."""
    filters = {key: request.GET.get(key, "") for key in ("action", "object_key")}
    response = StreamingHttpResponse(
        csv_stream(audit_export_header(), audit_export_rows(**filters)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="moderation-audit-log.csv"'
    return response


class MetricsView(ModeratorOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "moderation/admin/metrics.html"
    page_title = gettext_lazy("Moderation metrics")
    header_icon = "table"

    def get_context_data(self, **kwargs):
        metrics = moderation_metrics()

        def titled(counts: dict) -> list[tuple[str, int]]:
            return [(RULES[c].title_zh if c in RULES else c, n) for c, n in counts.items()]

        return super().get_context_data(
            metrics=metrics,
            outcomes=[
                (Outcome(code).label if code in Outcome.values else code, count)
                for code, count in metrics["outcomes"].items()
            ],
            held_by_rule=titled(metrics["held_by_rule"]),
            rejected_by_rule=titled(metrics["rejected_by_rule"]),
            **kwargs,
        )
