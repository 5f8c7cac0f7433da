"""The one entry point every citizen submission passes through.

Participation (comments, statements, petitions) calls :func:`submission_screen`
before showing anything; it returns what to publish and whether to show it now.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.accounts.models import User
from minyi.ratelimit import RateLimited, configured_limits, rate_limit_check

from .models import (
    Appeal,
    AppealOutcome,
    AuditAction,
    AuditEntry,
    Decision,
    DecisionAction,
    HouseRulesPage,
    HouseRuleText,
    Outcome,
    Report,
    ReportStatus,
    Submission,
)
from .rules import REPORTABLE_RULES, RULES
from .screening import apply_masks, screen
from .screening.personal_data import find_personal_data
from .screening.text import clean_text, strip_invisible
from .targets import ItemState, moderated_kind


@dataclass(frozen=True)
class ModerationVerdict:
    outcome: Outcome
    published_text: str
    reasons: list[dict]

    @property
    def visible(self) -> bool:
        return self.outcome in {Outcome.PUBLISH, Outcome.PUBLISH_MASKED}

    @property
    def reasons_text(self) -> str:
        """The reasons as one paragraph, each said once (see ``reasons_sentences``)."""
        return reasons_sentences(reason.get("message", "") for reason in self.reasons)


_SENTENCE_ENDS = ("。", "！", "？", "!", "?", ".")


def reasons_sentences(messages) -> str:
    """Screening messages as one paragraph: each is a whole sentence (「內容含有…。」), so
    they follow one another without a separator; one without its full stop gets 「。」.

    Not 「；」: that would give 「…攻擊。；內容含有…」.
    """
    sentences = []
    for message in dict.fromkeys(message.strip() for message in messages):
        if message:
            sentences.append(message if message.endswith(_SENTENCE_ENDS) else f"{message}。")
    return "".join(sentences)


def screen_text(*, text: str, author: User | None = None) -> ModerationVerdict:
    """Screen without storing (for previews and validation)."""
    result = screen(text, context={"user_id": getattr(author, "pk", None)})
    return ModerationVerdict(
        outcome=Outcome(result.outcome),
        published_text=result.published_text,
        reasons=[
            {
                "check": r.check,
                "rule": r.rule,
                "span": [r.span[0], r.span[1]],
                "message": r.message_zh,
            }
            for r in result.reasons
        ],
    )


def personal_data_mask(*, text: str) -> str:
    """The text with personal data (ID and resident certificate numbers, phones, e-mail, cards,
    bank accounts, addresses) masked exactly as screening masks a citizen's comment.

    For texts stored without a moderator (social posts), so they are never kept unmasked.
    """
    visible = strip_invisible(text)
    return apply_masks(visible, find_personal_data(visible))


@transaction.atomic
def submission_record(
    *, content_object: models.Model, author: User | None, text: str, verdict: ModerationVerdict
) -> Submission:
    """Store the screening of a saved object (in the caller's transaction).

    Personal data is not kept unmasked even here, for moderators: the text as submitted is
    stored with the same masks as the published one (data minimisation under 個資法).
    """
    if any(reason.get("rule") == "personal-data" for reason in verdict.reasons):
        text = verdict.published_text
    # PostgreSQL text cannot hold NUL; U+FFFD keeps every other character at its offset.
    text = text.replace("\x00", "\ufffd")
    submission = Submission.objects.create(
        content_type=ContentType.objects.get_for_model(content_object),
        object_id=content_object.pk,
        author=author,
        original_text=text,
        published_text=verdict.published_text,
        outcome=verdict.outcome,
        reasons=verdict.reasons,
    )
    if verdict.outcome == Outcome.HOLD:
        # The system's own hold is a moderation action too: the audit log must show it.
        audit_record(
            actor=None,
            action=AuditAction.HOLD,
            instance=content_object,
            rule=next((r["rule"] for r in verdict.reasons if r.get("rule") in RULES), ""),
            note=verdict.reasons_text[:1000],
            after={"state": ItemState.HELD, "text": verdict.published_text},
        )
    return submission


# ---------------------------------------------------------------------------
# Reports, decisions, appeals: every step goes through one function here, which
# also writes the audit log and tells the author.
# ---------------------------------------------------------------------------

REPORT_THRESHOLD_DEFAULT = 3
# The authors' notice of a decision (a kind registered in apps.py).
NOTIFICATION_KIND = "moderation"
# A reporter whose reports were dismissed this often in 30 days may report once a day.
BAD_FAITH_DISMISSALS = 3


def report_threshold() -> int:
    return int(getattr(settings, "MODERATION_REPORT_THRESHOLD", REPORT_THRESHOLD_DEFAULT))


def user_is_moderator(user: User) -> bool:
    from minyi.agencies.roles import Role
    from minyi.agencies.selectors import user_has_role

    return bool(
        user.is_authenticated
        and (
            user.is_superuser
            or user_has_role(user, Role.MODERATOR)
            or user_has_role(user, Role.ADMINISTRATOR)
        )
    )


def _require_moderator(user: User) -> None:
    if not user_is_moderator(user):
        raise ValidationError(_("Only moderators can do this."))


def _snapshot(instance: models.Model) -> dict:
    kind = moderated_kind(instance)
    return {"state": kind.get_state(instance), "text": kind.get_text(instance)}


def audit_record(
    *,
    actor: User | None,
    action: str,
    instance: models.Model,
    rule: str = "",
    note: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=instance.pk,
        rule=rule,
        note=note,
        before=before or {},
        after=after or {},
    )


def _author_notify(*, instance: models.Model, title: str, public: bool = False) -> None:
    """Tell the author; ``public``: the item can be seen now, so the notice opens it (else
    the decision page: a hidden item is not there to see, the appeal is)."""
    from minyi.notifications.services import notifications_send

    kind = moderated_kind(instance)
    author = kind.author_user(instance)
    if author is None:
        return
    notifications_send(
        users=[author],
        kind=NOTIFICATION_KIND,
        title=title,
        url=kind.url(instance) if public else reverse("moderation:my_decisions"),
    )


def _rule_required(rule: str) -> str:
    if rule not in RULES:
        raise ValidationError(_("Choose the house rule this is about."))
    return rule


def _require_report_rate(user: User) -> None:
    now = timezone.now()
    dismissed = Report.objects.filter(
        reporter=user, status=ReportStatus.DISMISSED, resolved_at__gte=now - timedelta(days=30)
    ).count()
    message = _("You have sent many reports recently. Please try again later.")
    if dismissed >= BAD_FAITH_DISMISSALS:
        last = (
            Report.objects.filter(reporter=user, created_at__gte=now - timedelta(days=1))
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if last is not None:
            wait = last + timedelta(days=1) - now
            raise RateLimited(message, retry_after=int(wait.total_seconds()) + 1)
    else:
        # Limits per kind can be changed in settings.MINYI_RATE_LIMITS["report"].
        rate_limit_check(
            key=f"report:user:{user.pk}",
            limits=configured_limits("report", per_minute=5, per_day=30),
            message=message,
        )


@transaction.atomic
def report_create(*, reporter: User, instance: models.Model, rule: str, note: str = "") -> Report:
    """A citizen reports an item; enough distinct reporters hide it until a moderator decides."""
    if not reporter.is_authenticated or not reporter.is_active:
        raise ValidationError(_("Sign in to report content."))
    kind = moderated_kind(instance)
    instance = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if kind.get_state(instance) != ItemState.VISIBLE:
        raise ValidationError(_("This content is already being reviewed."))
    author = kind.author_user(instance)
    if author is not None and author.pk == reporter.pk:
        raise ValidationError(_("You cannot report your own content."))
    if rule not in REPORTABLE_RULES:
        raise ValidationError(_("Choose the house rule this is about."))
    note = " ".join(clean_text(note or "").split())
    if len(note) > 500:
        raise ValidationError(_("A note has at most 500 characters."))
    # Kept as screening keeps a comment: a phone number in a note is not needed to decide.
    note = personal_data_mask(text=note)
    content_type = ContentType.objects.get_for_model(instance)
    if Report.objects.filter(
        content_type=content_type, object_id=instance.pk, reporter=reporter
    ).exists():
        raise ValidationError(_("You have already reported this."))
    _require_report_rate(reporter)
    report = Report.objects.create(
        content_type=content_type, object_id=instance.pk, reporter=reporter, rule=rule, note=note
    )
    audit_record(actor=reporter, action="report", instance=instance, rule=rule, note=note)
    reporters = Report.objects.filter(
        content_type=content_type, object_id=instance.pk, status=ReportStatus.OPEN
    ).count()
    if reporters >= report_threshold():
        before = _snapshot(instance)
        kind.set_state(instance, ItemState.HIDDEN)
        audit_record(
            actor=None,
            action="hide-after-reports",
            instance=instance,
            rule=rule,
            note=f"{reporters} 位使用者檢舉",
            before=before,
            after=_snapshot(instance),
        )
        _author_notify(
            instance=instance,
            title=f"您的{kind.noun_zh}因多位使用者檢舉，已暫時隱藏，待審核員審查。",
        )
    return report


_ACTION_STATE = {
    DecisionAction.APPROVE: ItemState.VISIBLE,
    DecisionAction.MASK: ItemState.VISIBLE,
    DecisionAction.REJECT: ItemState.REJECTED,
    DecisionAction.HIDE: ItemState.HIDDEN,
}


@transaction.atomic
def item_decide(
    *,
    moderator: User,
    instance: models.Model,
    action: str,
    rule: str = "",
    note: str = "",
    masked_text: str | None = None,
) -> Decision:
    """A moderator approves, rejects, masks or hides an item (held or reported)."""
    _require_moderator(moderator)
    kind = moderated_kind(instance)
    instance = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if action not in DecisionAction.values:
        raise ValidationError(_("Choose a decision."))
    if kind.get_state(instance) == ItemState.WITHDRAWN:
        raise ValidationError(_("The author has withdrawn this content."))
    if action in DecisionAction.adverse() or rule:
        _rule_required(rule)
    content_type = ContentType.objects.get_for_model(instance)
    submission = (
        Submission.objects.filter(content_type=content_type, object_id=instance.pk)
        .order_by("-submitted_at", "-pk")
        .first()
    )
    before = _snapshot(instance)
    if action == DecisionAction.MASK:
        masked = (masked_text or "").strip()
        if not masked or masked == before["text"]:
            raise ValidationError(
                _("Give the text as it should be published, with the part masked.")
            )
        kind.set_text(instance, masked)
    kind.set_state(instance, _ACTION_STATE[action])
    decision = Decision.objects.create(
        content_type=content_type,
        object_id=instance.pk,
        moderator=moderator,
        author=kind.author_user(instance),
        action=action,
        rule=rule,
        note=clean_text(note).strip()[:500],
        automatic_outcome=submission.outcome if submission else "",
        submitted_at=submission.submitted_at if submission else timezone.now(),
    )
    if submission is not None and submission.decided_at is None:
        Submission.objects.filter(pk=submission.pk).update(decided_at=decision.decided_at)
    upheld = action in DecisionAction.adverse()
    Report.objects.filter(
        content_type=content_type, object_id=instance.pk, status=ReportStatus.OPEN
    ).update(
        status=ReportStatus.UPHELD if upheld else ReportStatus.DISMISSED,
        resolved_at=decision.decided_at,
    )
    audit_record(
        actor=moderator,
        action=f"decide-{action}",
        instance=instance,
        rule=rule,
        note=decision.note,
        before=before,
        after=_snapshot(instance),
    )
    _author_notify(
        instance=instance, title=_decision_message(decision, kind, instance), public=not upheld
    )
    return decision


def _decision_message(decision: Decision, kind, instance: models.Model) -> str:
    noun = kind.noun_zh
    rule = f"（{RULES[decision.rule].title_zh}）" if decision.rule in RULES else ""
    messages = {
        DecisionAction.APPROVE: f"您的{noun}經審查後已公開。",
        DecisionAction.MASK: f"您的{noun}已公開，但部分內容已遮蔽{rule}。",
        DecisionAction.REJECT: f"您的{noun}經審查後不予公開{rule}。",
        DecisionAction.HIDE: f"您的{noun}經審查後已隱藏{rule}。",
    }
    if kind.label == "participation.petition":
        # What matters to a proposer is that people can now endorse it (and which one).
        title = kind.get_text(instance).split("\n", 1)[0]
        messages[DecisionAction.APPROVE] = f"您的提議「{title}」經審查後已公開，即日起開放附議。"
    text = messages[DecisionAction(decision.action)]
    if decision.note:
        text += f"說明：{decision.note}"
        text += "" if decision.note[-1] in "。！？.!?" else "。"
    if decision.action in DecisionAction.adverse():
        text += "如有異議，可提出一次申訴。"
    return text


@transaction.atomic
def appeal_create(*, author: User, decision: Decision, reason: str) -> Appeal:
    """The author appeals an adverse decision, once."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    instance = decision.content_object
    kind = moderated_kind(instance)
    item_author = kind.author_user(instance)
    if item_author is None or item_author.pk != author.pk:
        raise ValidationError(_("Only the author can appeal this decision."))
    if decision.action not in DecisionAction.adverse():
        raise ValidationError(_("Only a decision against your content can be appealed."))
    latest = (
        Decision.objects.filter(content_type=decision.content_type, object_id=decision.object_id)
        .order_by("-decided_at", "-pk")
        .first()
    )
    if latest.pk != decision.pk:
        raise ValidationError(_("This decision has since been replaced."))
    if Appeal.objects.filter(decision=decision).exists():
        raise ValidationError(_("A decision can be appealed only once."))
    reason = clean_text(reason or "").strip()
    if not reason:
        raise ValidationError(_("Tell us why the decision should change."))
    if len(reason) > 1000:
        raise ValidationError(_("An appeal has at most 1,000 characters."))
    reason = personal_data_mask(text=reason)  # data minimisation, as for comments
    appeal = Appeal.objects.create(decision=decision, author=author, reason=reason)
    audit_record(
        actor=author, action="appeal", instance=instance, rule=decision.rule, note=reason[:1000]
    )
    return appeal


@transaction.atomic
def appeal_decide(*, moderator: User, appeal: Appeal, outcome: str, note: str = "") -> Appeal:
    """A moderator other than the one who decided settles the appeal; the author is told."""
    _require_moderator(moderator)
    appeal = Appeal.objects.select_for_update().select_related("decision").get(pk=appeal.pk)
    if appeal.outcome:
        raise ValidationError(_("This appeal has already been decided."))
    if appeal.decision.moderator_id == moderator.pk:
        raise ValidationError(_("Another moderator must decide an appeal against your decision."))
    if outcome not in AppealOutcome.values:
        raise ValidationError(_("Choose whether the decision is upheld or overturned."))
    instance = appeal.decision.content_object
    kind = moderated_kind(instance)
    before = _snapshot(instance)
    if outcome == AppealOutcome.OVERTURNED:
        if appeal.decision.action == DecisionAction.MASK:
            previous = AuditEntry.objects.filter(
                content_type=appeal.decision.content_type,
                object_id=appeal.decision.object_id,
                action="decide-mask",
            ).first()
            if previous and previous.before.get("text"):
                kind.set_text(instance, previous.before["text"])
        kind.set_state(instance, ItemState.VISIBLE)
    appeal.outcome = outcome
    appeal.decided_by = moderator
    appeal.note = clean_text(note).strip()[:500]
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["outcome", "decided_by", "note", "decided_at"])
    audit_record(
        actor=moderator,
        action=f"appeal-{outcome}",
        instance=instance,
        rule=appeal.decision.rule,
        note=appeal.note,
        before=before,
        after=_snapshot(instance),
    )
    noun = kind.noun_zh
    title = (
        f"您的申訴成立，{noun}已恢復公開。"
        if outcome == AppealOutcome.OVERTURNED
        else "您的申訴經另一位審核員審查後，維持原決定。"
    )
    if appeal.note:
        title += f"說明：{appeal.note}"
    _author_notify(instance=instance, title=title, public=outcome == AppealOutcome.OVERTURNED)
    return appeal


HOUSE_RULES_INTRO = (
    "<p>民意平台歡迎不同意見。為了讓討論聚焦、保護每個人的個人資料，"
    "所有留言、意見陳述與提議都適用以下規範。</p>"
)
HOUSE_RULES_INTRO_EN = (
    "<p>Minyi welcomes differing views. To keep discussions focused and everyone's personal "
    "data safe, these rules apply to every comment, statement and petition.</p>"
)


# no caller: the page's default text for seed_demo; on a new site an administrator adds it
def house_rules_page_ensure(*, parent) -> HouseRulesPage:
    """Publish the house rules page with every rule's default text, once (seed and setup)."""
    page = HouseRulesPage.objects.first()
    if page is not None:
        return page
    page = HouseRulesPage(
        title="留言規範",
        slug="house-rules",
        intro=HOUSE_RULES_INTRO,
        title_en="House rules",
        intro_en=HOUSE_RULES_INTRO_EN,
    )
    for order, rule in enumerate(RULES.values()):
        page.rules.add(
            HouseRuleText(
                code=rule.code,
                title=rule.title_zh,
                explanation=rule.summary_zh,
                title_en=rule.title_en,
                explanation_en=rule.summary_en,
                sort_order=order,
            )
        )
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page
