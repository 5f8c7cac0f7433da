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

from .models import (
    STATEMENT_MAX_LENGTH,
    ConsultationPage,
    ModerationState,
    Participant,
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


@transaction.atomic
def statement_create(*, consultation: ConsultationPage, user: User, text: str) -> Statement:
    _require_citizen(user)
    _require_open(consultation)
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError(_("A statement cannot be empty."))
    if len(text) > STATEMENT_MAX_LENGTH:
        raise ValidationError(
            _("A statement has at most %(limit)d characters; this one has %(length)d.")
            % {"limit": STATEMENT_MAX_LENGTH, "length": len(text)}
        )
    participant = participant_get_or_create(consultation=consultation, user=user)
    statement = Statement.objects.create(consultation=consultation, author=participant, text=text)
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
