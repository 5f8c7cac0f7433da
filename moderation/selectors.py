"""Reads for moderators, administrators and authors."""

import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import (
    Appeal,
    AuditEntry,
    Decision,
    DecisionAction,
    Outcome,
    Report,
    ReportStatus,
    Submission,
)
from .rules import RULES
from .services import personal_data_mask
from .targets import ITEM_STATE_LABELS, ItemState, moderated_kind, moderated_kinds


@dataclass
class QueueItem:
    instance: object
    kind_label: str
    noun_zh: str
    state: str
    text: str
    author: object | None
    submitted_at: datetime | None
    automatic_outcome: str = ""
    automatic_reasons: list[dict] = field(default_factory=list)
    report_count: int = 0
    report_rules: list[str] = field(default_factory=list)
    # What reporters wrote, personal data masked (a moderator had to open the audit log for it)
    report_notes: list[str] = field(default_factory=list)
    reading: str = ""  # the NLP model's tone, for the moderator (never shown to the public)
    where_title: str = ""
    where_url: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind_label}:{self.instance.pk}"

    @property
    def state_label(self) -> str:
        if self.state == ItemState.HELD and self.automatic_outcome in _PASSED:
            # Held although screening passed it: a kind that always waits (petitions).
            return _("Awaiting review")
        return QUEUE_STATE_LABELS.get(self.state, self.state)

    @property
    def automatic_outcome_label(self) -> str:
        if self.automatic_outcome == Outcome.PUBLISH:
            return _("No problem found")
        if self.automatic_outcome == Outcome.PUBLISH_MASKED:
            # Not "published": a petition waits for a moderator whatever screening found.
            return _("Personal data masked; nothing else found")
        return Outcome(self.automatic_outcome).label if self.automatic_outcome else ""

    @property
    def automatic_rule_titles(self) -> list[str]:
        return _rule_titles(reason.get("rule") for reason in self.automatic_reasons)

    @property
    def report_rule_titles(self) -> list[str]:
        return _rule_titles(self.report_rules)


_PASSED = {Outcome.PUBLISH, Outcome.PUBLISH_MASKED}
QUEUE_STATE_LABELS = {
    "held": _("Held by screening"),
    "hidden": _("Hidden after reports"),
    "reported": _("Reported, still visible"),
}


def _rule_titles(codes) -> list[str]:
    titles = []
    for code in codes:
        title = RULES[code].title if code in RULES else (code or "")
        if title and title not in titles:
            titles.append(title)
    return titles


def moderation_queue(*, kind: str = "", state: str = "", rule: str = "") -> list[QueueItem]:
    """Held, hidden and reported items, oldest first (a fair queue: first in, first decided).

    Queries: one per moderated kind, one for open reports, one per kind with reported visible
    items, and one for the screening records.
    """
    instances: dict[tuple[int, int], tuple[object, object]] = {}
    for moderated in moderated_kinds():
        if kind and moderated.label != kind:
            continue
        content_type = ContentType.objects.get_for_model(moderated.review_queryset().model)
        for instance in moderated.review_queryset():
            instances[(content_type.pk, instance.pk)] = (instance, moderated)

    reports: dict[tuple[int, int], list[Report]] = {}
    for report in Report.objects.filter(status=ReportStatus.OPEN).order_by("created_at"):
        reports.setdefault((report.content_type_id, report.object_id), []).append(report)
    missing: dict[int, list[int]] = {}
    for content_type_id, object_id in reports:
        if (content_type_id, object_id) not in instances:
            missing.setdefault(content_type_id, []).append(object_id)
    for content_type_id, ids in missing.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        moderated = moderated_kind(model._meta.label_lower)
        if kind and moderated.label != kind:
            continue
        for instance in moderated.review_queryset().model._default_manager.filter(pk__in=ids):
            instances[(content_type_id, instance.pk)] = (instance, moderated)

    submissions: dict[tuple[int, int], Submission] = {}
    if instances:
        condition = Q()
        for content_type_id, object_id in instances:
            condition |= Q(content_type_id=content_type_id, object_id=object_id)
        for submission in Submission.objects.filter(condition).order_by("submitted_at", "pk"):
            submissions[(submission.content_type_id, submission.object_id)] = submission

    items = []
    for key, (instance, moderated) in instances.items():
        item_state = moderated.get_state(instance)
        if item_state == ItemState.WITHDRAWN:
            continue
        item_reports = reports.get(key, [])
        if item_state == ItemState.HIDDEN and not item_reports:
            # Hidden by a moderator's decision (which resolved the reports): decided, not waiting.
            continue
        submission = submissions.get(key)
        item = QueueItem(
            instance=instance,
            kind_label=moderated.label,
            noun_zh=moderated.noun_zh,
            state="reported" if item_state == ItemState.VISIBLE else item_state,
            text=moderated.get_text(instance),
            author=moderated.author_user(instance),
            submitted_at=submission.submitted_at if submission else None,
            automatic_outcome=submission.outcome if submission else "",
            automatic_reasons=submission.reasons if submission else [],
            report_count=len(item_reports),
            report_rules=sorted({report.rule for report in item_reports}),
            report_notes=[
                personal_data_mask(text=report.note) for report in item_reports if report.note
            ],  # masked again: reports filed before notes were masked on the way in
            reading=moderated.reading_of(instance) if moderated.reading_of else "",
        )
        if moderated.where is not None:
            item.where_title, item.where_url = moderated.where(instance)
        if state and item.state != state:
            continue
        if (
            rule
            and rule not in item.report_rules
            and rule not in {reason.get("rule") for reason in item.automatic_reasons}
        ):
            continue
        items.append(item)
    items.sort(key=lambda item: (item.submitted_at is None, item.submitted_at))
    return items


def user_has_reported(*, user, instance) -> bool:
    """Whether ``user`` has reported ``instance`` already (one report per person and item)."""
    return Report.objects.filter(
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        reporter=user,
    ).exists()


def moderation_waiting_count() -> int:
    """How many items wait for a moderator now: exactly what the queue lists (the desk panel
    on the dashboard and the metrics page both say this number)."""
    return len(moderation_queue())


def moderation_items(
    *, kind_label: str, state: str = "", consultation: str = "", query: str = "", pk: str = ""
) -> QuerySet:
    """Every item of one kind, whatever its state, newest first (the moderators' full list)."""
    kind = moderated_kind(kind_label)
    review = kind.review_queryset()
    items = review.model._default_manager.all()
    # The same joins as the queue's queryset (author, consultation), without its state filter.
    items.query.select_related = review.query.select_related
    if pk.isdigit():
        items = items.filter(pk=int(pk))
    if state and kind.state_field and kind.state_values:
        items = items.filter(**{f"{kind.state_field}__in": kind.state_values.get(state, [])})
    if consultation.isdigit() and kind.consultation_field:
        items = items.filter(**{f"{kind.consultation_field}_id": int(consultation)})
    query = " ".join(query.split())
    if query and kind.search_fields:
        condition = Q()
        for name in kind.search_fields:
            condition |= Q(**{f"{name}__icontains": query})
        items = items.filter(condition)
    return items.order_by("-pk")


def moderation_consultations() -> list[tuple[int, str]]:
    """Consultations items can belong to (found through the kinds, without importing them)."""
    choices: dict[int, str] = {}
    for kind in moderated_kinds():
        if not kind.consultation_field:
            continue
        model = kind.review_queryset().model
        related = model._meta.get_field(kind.consultation_field).related_model
        for pk, title in related._default_manager.order_by("-pk").values_list("pk", "title"):
            choices.setdefault(pk, title)
    return list(choices.items())


def open_appeals() -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(outcome="")
        .select_related("decision__moderator", "author", "decision__content_type")
        .order_by("created_at")
    )


def author_decisions(*, user) -> QuerySet[Decision]:
    """Decisions on the user's own content, newest first, with any appeal."""
    return (
        Decision.objects.filter(author=user)
        .select_related("content_type", "appeal")
        .order_by("-decided_at", "-pk")
    )


def screening_rule_titles(*, instances) -> dict[int, list[str]]:
    """For items of one kind: the house rules screening named when each was last submitted
    (in the reader's language), by primary key; one query. What an author reads next to a
    contribution that was not published."""
    instances = list(instances)
    if not instances:
        return {}
    content_type = ContentType.objects.get_for_model(instances[0])
    latest: dict[int, list] = {}
    for submission in Submission.objects.filter(
        content_type=content_type, object_id__in=[item.pk for item in instances]
    ).order_by("submitted_at", "pk"):
        latest[submission.object_id] = submission.reasons
    return {
        pk: titles
        for pk, reasons in latest.items()
        if (titles := _rule_titles(reason.get("rule") for reason in reasons))
    }


@dataclass
class WaitingItemRow:
    noun_zh: str
    text: str  # as it would be published (personal data already masked)
    rule_titles: list[str]
    where_title: str = ""
    where_url: str = ""
    submitted_at: datetime | None = None
    noun: str = ""  # in the reader's language


def author_waiting_items(*, user) -> list[WaitingItemRow]:
    """The author's items that screening held (or that wait for approval, as petitions do):
    they vanished from the author's sight with one message, and nowhere said what waited."""
    rows: list[WaitingItemRow] = []
    for kind in moderated_kinds():
        if not kind.author_lookup:
            continue
        held = [
            instance
            for instance in kind.review_queryset().filter(**{kind.author_lookup: user})
            if kind.get_state(instance) == ItemState.HELD
        ]
        if not held:
            continue
        content_type = ContentType.objects.get_for_model(held[0])
        screened = {
            submission.object_id: submission
            for submission in Submission.objects.filter(
                content_type=content_type, object_id__in=[item.pk for item in held]
            ).order_by("submitted_at", "pk")
        }
        for instance in held:
            submission = screened.get(instance.pk)
            row = WaitingItemRow(
                noun_zh=kind.noun_zh,
                noun=kind.noun,
                text=kind.get_text(instance),
                rule_titles=_rule_titles(
                    reason.get("rule") for reason in (submission.reasons if submission else [])
                ),
                submitted_at=submission.submitted_at if submission else None,
            )
            if kind.where is not None:
                row.where_title, row.where_url = kind.where(instance)
            rows.append(row)
    rows.sort(key=lambda row: (row.submitted_at is None, row.submitted_at), reverse=True)
    return rows


@dataclass
class AuthorDecisionRow:
    decision: Decision
    rule: object | None
    noun_zh: str = ""
    noun: str = ""  # in the reader's language
    text: str = ""  # the item as it stands now (published or masked; never the raw original)
    where_title: str = ""
    where_url: str = ""
    can_appeal: bool = False


def author_decision_rows(*, user) -> list[AuthorDecisionRow]:
    """The author's decisions with the item's text, where it belongs and whether to offer an
    appeal: only the latest adverse decision on an item, once."""
    rows: list[AuthorDecisionRow] = []
    latest_seen: set[tuple[int, int]] = set()
    for decision in author_decisions(user=user):
        key = (decision.content_type_id, decision.object_id)
        is_latest = key not in latest_seen
        latest_seen.add(key)
        row = AuthorDecisionRow(decision=decision, rule=RULES.get(decision.rule))
        instance = decision.content_object
        if instance is not None:
            kind = moderated_kind(instance)
            row.noun_zh = kind.noun_zh
            row.noun = kind.noun
            row.text = kind.get_text(instance)
            if kind.where is not None:
                row.where_title, row.where_url = kind.where(instance)
        row.can_appeal = (
            is_latest
            and decision.action in DecisionAction.adverse()
            and not Appeal.objects.filter(decision=decision).exists()
        )
        rows.append(row)
    return rows


def audit_log(*, action: str = "", object_key: str = "") -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.select_related("actor", "content_type")
    if action:
        entries = entries.filter(action=action)
    if object_key:
        label, _sep, pk = object_key.partition(":")
        app_label, _dot, model = label.partition(".")
        entries = entries.filter(
            content_type__app_label=app_label, content_type__model=model, object_id=pk or 0
        )
    return entries


@dataclass
class AuditRow:
    entry: AuditEntry
    noun_zh: str = ""
    where_title: str = ""
    where_url: str = ""

    @property
    def actor_name(self) -> str:
        """Who acted, by the name the site shows (never an e-mail address)."""
        actor = self.entry.actor
        return actor.public_name if actor else str(_("system"))

    @property
    def action_label(self) -> str:
        return str(self.entry.get_action_display())

    @property
    def item_label(self) -> str:
        """「留言 #9」: the kind in words and the item's number."""
        return f"{self.noun_zh or self.entry.content_type.model} #{self.entry.object_id}"

    @property
    def rule_title(self) -> str:
        rule = RULES.get(self.entry.rule)
        return rule.title_zh if rule else self.entry.rule

    @property
    def note(self) -> str:
        """The note with personal data masked (entries written before notes were masked)."""
        return personal_data_mask(text=self.entry.note or "")

    @property
    def before_label(self) -> str:
        return str(ITEM_STATE_LABELS.get((self.entry.before or {}).get("state"), ""))

    @property
    def after_label(self) -> str:
        return str(ITEM_STATE_LABELS.get((self.entry.after or {}).get("state"), ""))


def audit_rows(entries) -> list[AuditRow]:
    """Entries with human labels and the item they concern: one query per kind of item."""
    entries = list(entries)
    wanted: dict[int, set[int]] = {}
    for entry in entries:
        wanted.setdefault(entry.content_type_id, set()).add(entry.object_id)
    instances: dict[tuple[int, int], object] = {}
    for content_type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            continue
        for instance in model._default_manager.filter(pk__in=ids):
            instances[(content_type_id, instance.pk)] = instance
    rows = []
    for entry in entries:
        row = AuditRow(entry=entry)
        instance = instances.get((entry.content_type_id, entry.object_id))
        try:
            kind = moderated_kind(instance) if instance is not None else None
        except LookupError:
            kind = None
        if kind is not None:
            row.noun_zh = kind.noun_zh
            if kind.where is not None:
                row.where_title, row.where_url = kind.where(instance)
        rows.append(row)
    return rows


AUDIT_EXPORT_CHUNK = 500


def audit_export_header() -> list[str]:
    """The audit log file's columns: the screen's, in the reader's language."""
    return [
        str(_("When (民國, Taipei time)")),
        str(_("When (ISO 8601, Taipei time +08:00)")),
        str(_("Who")),
        str(_("Action")),
        str(_("Item")),
        str(_("Belongs to")),
        str(_("House rule")),
        str(_("Note")),
        str(_("State before")),
        str(_("State after")),
        str(_("Text as published now")),
    ]


def audit_export_rows(*, action: str = "", object_key: str = "") -> Iterator[list[str]]:
    """The audit log as the screen words it, one list per entry, for a file that leaves the
    platform: display names, never e-mail addresses; the text as published now, never the
    text a moderator removed; notes masked for personal data. Entries are read in chunks, each
    labelled with :func:`audit_rows`' one query per kind."""
    from minyi.home.dates import format_minguo_datetime, iso_value
    from minyi.publishing import publishable_texts

    def published_now(entries: list[AuditEntry]) -> dict[tuple[str, int], str]:
        wanted: dict[str, set[int]] = {}
        for entry in entries:
            label = f"{entry.content_type.app_label}.{entry.content_type.model}"
            wanted.setdefault(label, set()).add(entry.object_id)
        texts: dict[tuple[str, int], str] = {}
        for label, pks in wanted.items():
            try:
                found = publishable_texts(label, pks)
            except LookupError:  # a kind without a public text
                continue
            texts.update({(label, pk): text for pk, text in found.items()})
        return texts

    def labelled(entries: list[AuditEntry]):
        texts = published_now(entries)
        for row in audit_rows(entries):
            entry = row.entry
            label = f"{entry.content_type.app_label}.{entry.content_type.model}"
            yield [
                format_minguo_datetime(entry.created_at),
                iso_value(entry.created_at),
                row.actor_name,
                row.action_label,
                row.item_label,
                row.where_title,
                row.rule_title,
                row.note,
                row.before_label,
                row.after_label,
                texts.get((label, entry.object_id), ""),
            ]

    def all_rows(language: str):
        # A streamed file is written after the view returns, maybe in another thread: in the
        # language of the request that asked for it.
        with translation.override(language):
            chunk: list[AuditEntry] = []
            for entry in audit_log(action=action, object_key=object_key).iterator(
                chunk_size=AUDIT_EXPORT_CHUNK
            ):
                chunk.append(entry)
                if len(chunk) == AUDIT_EXPORT_CHUNK:
                    yield from labelled(chunk)
                    chunk = []
            yield from labelled(chunk)

    return all_rows(translation.get_language())


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def moderation_metrics() -> dict:
    """Figures for administrators: what waits now (``waiting``, the queue's count), then since
    the start: screening outcomes (a held item stays counted as held after it is decided),
    reasons, decision times, agreement."""
    outcomes = dict(Submission.objects.values_list("outcome").annotate(n=Count("pk")).order_by())
    rejected_by_rule: dict[str, int] = {}
    held_by_rule: dict[str, int] = {}
    for outcome, reasons in Submission.objects.filter(
        outcome__in=[Outcome.REJECT, Outcome.HOLD]
    ).values_list("outcome", "reasons"):
        target = rejected_by_rule if outcome == Outcome.REJECT else held_by_rule
        for rule in {reason.get("rule") for reason in reasons or []}:
            target[rule] = target.get(rule, 0) + 1

    decisions = list(Decision.objects.all())
    seconds = [decision.seconds_to_decision for decision in decisions]
    # Agreement: did the final human decision match what screening did on its own?
    # Held items count as agreeing with rejection, since screening doubted them.
    compared = agreed = 0
    latest: dict[tuple[int, int], Decision] = {}
    for decision in sorted(decisions, key=lambda d: d.decided_at):
        latest[(decision.content_type_id, decision.object_id)] = decision
    for decision in latest.values():
        if not decision.automatic_outcome:
            continue
        compared += 1
        human_publishes = decision.action in {DecisionAction.APPROVE, DecisionAction.MASK}
        machine_publishes = decision.automatic_outcome in {Outcome.PUBLISH, Outcome.PUBLISH_MASKED}
        agreed += human_publishes == machine_publishes
    return {
        "waiting": moderation_waiting_count(),
        "screened": sum(outcomes.values()),
        "outcomes": outcomes,
        "held_by_rule": dict(sorted(held_by_rule.items())),
        "rejected_by_rule": dict(sorted(rejected_by_rule.items())),
        "decisions": len(decisions),
        "median_seconds_to_decision": statistics.median(seconds) if seconds else None,
        "p95_seconds_to_decision": _percentile(seconds, 0.95),
        "agreement": (agreed / compared) if compared else None,
        "agreement_compared": compared,
        "open_reports": Report.objects.filter(status=ReportStatus.OPEN).count(),
        "open_appeals": Appeal.objects.filter(outcome="").count(),
    }


def house_rules_url() -> str:
    """Where the house rules are published ("" before an editor has published them)."""
    from .models import HouseRulesPage

    page = HouseRulesPage.objects.live().public().first()
    return (page.url or "") if page else ""


def reports_filed_export(user) -> list[dict]:
    """The reports (檢舉) a person filed, for their personal data export."""
    from .models import Report
    from .rules import RULES

    return [
        {
            "item": f"{report.content_type.model} #{report.object_id}",
            "rule": RULES[report.rule].title_zh if report.rule in RULES else report.rule,
            "note": report.note,
            "status": str(report.get_status_display()),
            "created_at": report.created_at.isoformat(),
            "resolved_at": report.resolved_at.isoformat() if report.resolved_at else None,
        }
        for report in Report.objects.filter(reporter=user)
        .select_related("content_type")
        .order_by("created_at")
    ]
