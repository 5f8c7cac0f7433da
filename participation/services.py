"""Writes for consultations: participants, statements and votes.

Every write validates first and stores nothing on error; messages are in
Traditional Chinese because citizens read them.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.accounts.models import User
from minyi.live.events import live_event_send
from minyi.ratelimit import rate_limit_exceeded
from moderation.models import Outcome
from moderation.services import ModerationVerdict, screen_text, submission_record

from .models import (
    COMMENT_EDIT_WINDOW_MINUTES,
    COMMENT_MAX_LENGTH,
    STATEMENT_MAX_LENGTH,
    Comment,
    CommentRevision,
    CommentState,
    ConsultationPage,
    ConsultationSection,
    ModerationState,
    Participant,
    Stance,
    Statement,
    Vote,
    VoteValue,
)

_COUNT_FIELD = {
    VoteValue.AGREE: "agree_count",
    VoteValue.DISAGREE: "disagree_count",
    VoteValue.PASS: "pass_count",
}


def consultation_stream(consultation: ConsultationPage) -> str:
    return f"consultation.{consultation.pk}"


def participant_get_or_create(*, consultation: ConsultationPage, user: User) -> Participant:
    """The user's participant record in this consultation (safe under concurrency)."""
    try:
        return Participant.objects.get(consultation=consultation, user=user)
    except Participant.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            return Participant.objects.create(consultation=consultation, user=user)
    except IntegrityError:
        return Participant.objects.get(consultation=consultation, user=user)


def _require_open(consultation: ConsultationPage) -> None:
    if not consultation.is_open:
        raise ValidationError(_("This consultation is not open: it no longer accepts input."))


def _require_citizen(user: User) -> None:
    if not user.is_authenticated or not user.is_active:
        raise ValidationError(_("Please sign in to take part."))


def _require_within_rate(*, user: User, kind: str, per_minute: int, per_hour: int) -> None:
    for limit, window in ((per_minute, 60), (per_hour, 3600)):
        if rate_limit_exceeded(key=f"{kind}:user:{user.pk}", limit=limit, window_seconds=window):
            raise ValidationError(
                _("You are posting too quickly. Please wait a moment and try again.")
            )


def _rejection_message(verdict: ModerationVerdict) -> str:
    details = "；".join(dict.fromkeys(reason["message"] for reason in verdict.reasons))
    return _("This cannot be published under the house rules: %(reasons)s") % {"reasons": details}


def _clean_text(text: str | None, *, limit: int, empty_message: str, long_message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(empty_message)
    if len(text) > limit:
        raise ValidationError(long_message % {"limit": limit, "length": len(text)})
    return text


def _comment_event(comment: Comment) -> dict:
    return {
        "kind": "comment",
        "id": comment.pk,
        "section": comment.section_id,
        "parent": comment.parent_id,
        "stance": comment.stance,
        "author": comment.author.public_name,
        "body": comment.body,
    }


@transaction.atomic
def comment_create(
    *,
    consultation: ConsultationPage,
    user: User,
    body: str,
    stance: str = "",
    section: ConsultationSection | None = None,
    parent: Comment | None = None,
) -> Comment:
    """Post a comment (or a reply) through moderation; see Comment.state for the outcome."""
    _require_citizen(user)
    _require_open(consultation)
    text = _clean_text(
        body,
        limit=COMMENT_MAX_LENGTH,
        empty_message=_("A comment cannot be empty."),
        long_message=_("A comment has at most %(limit)d characters; this one has %(length)d."),
    )
    if section is not None and section.page_id != consultation.pk:
        raise ValidationError(_("That section is not part of this consultation."))
    if parent is not None:
        if parent.consultation_id != consultation.pk or parent.parent_id is not None:
            raise ValidationError(_("You can only reply to a comment in this consultation."))
        if not parent.is_visible:
            raise ValidationError(_("That comment can no longer be replied to."))
        stance, section = "", parent.section
    elif stance not in Stance.values:
        raise ValidationError(_("Choose a stance: support, oppose or other suggestion."))
    _require_within_rate(user=user, kind="comment", per_minute=5, per_hour=60)

    verdict = screen_text(text=text, author=user)
    state = {
        Outcome.PUBLISH: CommentState.PUBLISHED,
        Outcome.PUBLISH_MASKED: CommentState.PUBLISHED,
        Outcome.HOLD: CommentState.HELD,
        Outcome.REJECT: CommentState.REJECTED,
    }[verdict.outcome]
    comment = Comment.objects.create(
        consultation=consultation,
        section=section,
        parent=parent,
        author=user,
        stance=stance,
        body=verdict.published_text,
        state=state,
    )
    submission_record(content_object=comment, author=user, text=text, verdict=verdict)
    comment.moderation_verdict = verdict  # for the view: tell the author why
    if comment.is_visible:
        live_event_send(consultation_stream(consultation), _comment_event(comment))
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, user: User, body: str, stance: str | None = None) -> Comment:
    """The author may edit for 15 minutes; every earlier text is kept as a revision."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != user.pk:
        raise ValidationError(_("Only the author can edit this comment."))
    if comment.state != CommentState.PUBLISHED:
        raise ValidationError(_("This comment can no longer be edited."))
    if timezone.now() - comment.created_at > timezone.timedelta(
        minutes=COMMENT_EDIT_WINDOW_MINUTES
    ):
        raise ValidationError(
            _("Comments can only be edited within %(minutes)d minutes of posting.")
            % {"minutes": COMMENT_EDIT_WINDOW_MINUTES}
        )
    _require_open(comment.consultation)
    text = _clean_text(
        body,
        limit=COMMENT_MAX_LENGTH,
        empty_message=_("A comment cannot be empty."),
        long_message=_("A comment has at most %(limit)d characters; this one has %(length)d."),
    )
    new_stance = comment.stance if stance is None or comment.parent_id else stance
    if comment.parent_id is None and new_stance not in Stance.values:
        raise ValidationError(_("Choose a stance: support, oppose or other suggestion."))
    verdict = screen_text(text=text, author=user)
    if not verdict.visible:
        raise ValidationError(_rejection_message(verdict))
    CommentRevision.objects.create(comment=comment, body=comment.body, stance=comment.stance)
    comment.body = verdict.published_text
    comment.stance = new_stance
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "stance", "edited_at"])
    submission_record(content_object=comment, author=user, text=text, verdict=verdict)
    live_event_send(consultation_stream(comment.consultation), _comment_event(comment))
    return comment


@transaction.atomic
def comment_withdraw(*, comment: Comment, user: User) -> Comment:
    if comment.author_id != user.pk:
        raise ValidationError(_("Only the author can withdraw this comment."))
    Comment.objects.filter(pk=comment.pk).update(state=CommentState.WITHDRAWN)
    comment.state = CommentState.WITHDRAWN
    live_event_send(
        consultation_stream(comment.consultation), {"kind": "withdrawn", "id": comment.pk}
    )
    return comment


@transaction.atomic
def statement_create(*, consultation: ConsultationPage, user: User, text: str) -> Statement:
    _require_citizen(user)
    _require_open(consultation)
    text = _clean_text(
        " ".join((text or "").split()),
        limit=STATEMENT_MAX_LENGTH,
        empty_message=_("A statement cannot be empty."),
        long_message=_("A statement has at most %(limit)d characters; this one has %(length)d."),
    )
    _require_within_rate(user=user, kind="statement", per_minute=3, per_hour=20)
    verdict = screen_text(text=text, author=user)
    if verdict.outcome == Outcome.REJECT:
        raise ValidationError(_rejection_message(verdict))
    participant = participant_get_or_create(consultation=consultation, user=user)
    statement = Statement.objects.create(
        consultation=consultation,
        author=participant,
        text=verdict.published_text,
        moderation_state=(ModerationState.UNMODERATED if verdict.visible else ModerationState.HELD),
    )
    submission_record(content_object=statement, author=user, text=text, verdict=verdict)
    if verdict.visible:
        live_event_send(
            consultation_stream(consultation),
            {"kind": "statement", "id": statement.pk, "text": statement.text},
        )
    return statement


def statement_vote_cast(*, statement: Statement, user: User, value: int) -> Vote:
    """Record the user's vote; a later vote replaces the earlier one.

    Tallies stay exact under concurrent voting: the unique constraint on
    (statement, participant) serialises the first vote, the row lock on the
    existing vote serialises changes, and counts move by atomic F() updates.
    """
    _require_citizen(user)
    try:
        value = VoteValue(int(value))
    except (TypeError, ValueError):
        raise ValidationError(_("A vote is agree, disagree or pass.")) from None
    consultation = statement.consultation
    _require_open(consultation)
    if statement.moderation_state == ModerationState.REJECTED:
        raise ValidationError(_("This statement has been removed."))
    participant = participant_get_or_create(consultation=consultation, user=user)
    vote = _vote_store(statement_id=statement.pk, participant_id=participant.pk, value=value)
    statement.refresh_from_db(fields=["agree_count", "disagree_count", "pass_count"])
    live_event_send(
        consultation_stream(consultation),
        {
            "kind": "tally",
            "statement": statement.pk,
            "agree": statement.agree_count,
            "disagree": statement.disagree_count,
            "pass": statement.pass_count,
        },
    )
    return vote


def _vote_store(*, statement_id: int, participant_id: int, value: VoteValue) -> Vote:
    for _attempt in range(3):
        try:
            with transaction.atomic():
                vote = (
                    Vote.objects.select_for_update()
                    .filter(statement_id=statement_id, participant_id=participant_id)
                    .first()
                )
                if vote is None:
                    vote = Vote.objects.create(
                        statement_id=statement_id, participant_id=participant_id, value=value
                    )
                    Statement.objects.filter(pk=statement_id).update(
                        **{_COUNT_FIELD[value]: F(_COUNT_FIELD[value]) + 1}
                    )
                    return vote
                if vote.value != value:
                    old = VoteValue(vote.value)
                    Statement.objects.filter(pk=statement_id).update(
                        **{
                            _COUNT_FIELD[old]: F(_COUNT_FIELD[old]) - 1,
                            _COUNT_FIELD[value]: F(_COUNT_FIELD[value]) + 1,
                        }
                    )
                    vote.value = value
                vote.updated_at = timezone.now()
                vote.save(update_fields=["value", "updated_at"])
                return vote
        except IntegrityError:
            # A concurrent first vote by the same participant won the insert: update it.
            continue
    raise ValidationError(_("Your vote could not be saved; please try again."))


@transaction.atomic
def statement_tallies_recount(*, consultation: ConsultationPage) -> None:
    """Recompute every statement's counts from the votes (after bulk imports)."""
    statements = Statement.objects.filter(consultation=consultation).annotate(
        agrees=Count("votes", filter=Q(votes__value=VoteValue.AGREE)),
        disagrees=Count("votes", filter=Q(votes__value=VoteValue.DISAGREE)),
        passes=Count("votes", filter=Q(votes__value=VoteValue.PASS)),
    )
    changed = []
    for statement in statements:
        statement.agree_count = statement.agrees
        statement.disagree_count = statement.disagrees
        statement.pass_count = statement.passes
        changed.append(statement)
    Statement.objects.bulk_update(
        changed, ["agree_count", "disagree_count", "pass_count"], batch_size=500
    )
