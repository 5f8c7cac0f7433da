"""Writes for consultations: participants, statements and votes.

Every write validates first and stores nothing on error; messages are in
Traditional Chinese because citizens read them.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Case, Count, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.accounts.models import User
from minyi.accounts.selectors import assurance_require, user_identity_key
from minyi.agencies.models import Agency
from minyi.agencies.selectors import agency_member_ids, user_can_manage_agency
from minyi.agencies.services import agency_staff_notify
from minyi.home.dates import format_minguo_date
from minyi.live.events import live_event_send
from minyi.notifications.services import notifications_send, notifications_settle
from minyi.publishing import published_item_changed
from minyi.ratelimit import configured_limits, rate_limit_check
from moderation.models import Outcome
from moderation.services import ModerationVerdict, screen_text, submission_record
from sentiment.models import SentimentLabel
from sentiment.services import text_analysis_request

from . import notification_kinds
from .follows import follow_add
from .models import (
    COMMENT_EDIT_WINDOW_MINUTES,
    COMMENT_MAX_LENGTH,
    PETITION_BODY_MAX_LENGTH,
    PETITION_TITLE_MAX_LENGTH,
    PETITION_TITLE_MIN_LENGTH,
    RESPONSE_MAX_LENGTH,
    STATEMENT_MAX_LENGTH,
    Comment,
    CommentRevision,
    CommentState,
    ConsultationEarlyClose,
    ConsultationPage,
    ConsultationResponse,
    ConsultationSection,
    ConsultationStatus,
    ModerationState,
    Participant,
    Petition,
    PetitionEndorsement,
    PetitionModeration,
    PetitionResponseEarlier,
    PetitionState,
    ResponseState,
    SectionResponse,
    Stance,
    Statement,
    Vote,
    VoteValue,
)
from .response_rules import section_answer_errors, section_decision
from .selectors import (
    consultation_participant_users,
    participation_settings,
    section_stance_counts,
    user_can_close_early,
)

_COUNT_FIELD = {
    VoteValue.AGREE: "agree_count",
    VoteValue.DISAGREE: "disagree_count",
    VoteValue.PASS: "pass_count",
}


def consultation_stream(consultation: ConsultationPage) -> str:
    return consultation.live_stream


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


def _require_citizen(user: User, *, action: str | None = None) -> None:
    """Signed in and active; with ``action``, also at the identity level the policy asks for it
    (raises minyi.accounts.selectors.AssuranceRequired, a ValidationError)."""
    if not user.is_authenticated or not user.is_active:
        raise ValidationError(_("Please sign in to take part."))
    if action is not None:
        assurance_require(user=user, action=action)


def _require_within_rate(
    *, user: User, kind: str, per_minute: int, per_hour: int, message: str | None = None
) -> None:
    """Raise RateLimited (answered with 429, not a form error) past the user's limit for ``kind``.

    The defaults given here can be changed per kind in settings.MINYI_RATE_LIMITS.
    """
    rate_limit_check(
        key=f"{kind}:user:{user.pk}",
        limits=configured_limits(kind, per_minute=per_minute, per_hour=per_hour),
        message=message or _("You are posting too quickly. Please wait a moment and try again."),
    )


def _rejection_message(verdict: ModerationVerdict) -> str:
    return _("This cannot be published under the house rules: %(reasons)s") % {
        "reasons": verdict.reasons_text
    }


def _all_checked(**checks: Callable[[], Any]) -> dict[str, Any]:
    """Each check's value by name; when some fail, one ValidationError with all their
    messages, so that a form says everything that is wrong at once."""
    values, errors = {}, []
    for name, check in checks.items():
        try:
            values[name] = check()
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return values


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
        # Written by the consultation's agency's staff (as the agency_voice template tag decides):
        # the page marks it with the agency's badge at once, not only after a reload.
        "agency_voice": comment.author_id in agency_member_ids(comment.consultation.agency),
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
    _require_citizen(user, action="comment")
    _require_open(consultation)
    if section is not None and section.page_id != consultation.pk:
        raise ValidationError(_("That section is not part of this consultation."))
    if parent is not None:
        if parent.consultation_id != consultation.pk or parent.parent_id is not None:
            raise ValidationError(_("You can only reply to a comment in this consultation."))
        if not parent.is_visible:
            raise ValidationError(_("That comment can no longer be replied to."))
        stance, section = "", parent.section
    text = _all_checked(
        text=lambda: _comment_text(body, reply=parent is not None),
        stance=lambda: _comment_stance(stance, reply=parent is not None),
    )["text"]
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
    text_analysis_request(instance=comment)
    follow_add(user=user, consultation=consultation)  # hear about the response and deadline
    comment.moderation_verdict = verdict  # for the view: tell the author why
    if comment.is_visible:
        live_event_send(consultation_stream(consultation), _comment_event(comment))
        if parent is not None and parent.author_id not in (None, user.pk):
            _reply_notify(reply=comment, parent=parent)
    return comment


def _comment_text(body: str, *, reply: bool) -> str:
    """A comment's or a reply's text, cleaned; the refusal names which of the two it is."""
    if reply:
        return _clean_text(
            body,
            limit=COMMENT_MAX_LENGTH,
            empty_message=_("A reply cannot be empty."),
            long_message=_("A reply has at most %(limit)d characters; this one has %(length)d."),
        )
    return _clean_text(
        body,
        limit=COMMENT_MAX_LENGTH,
        empty_message=_("A comment cannot be empty."),
        long_message=_("A comment has at most %(limit)d characters; this one has %(length)d."),
    )


def _comment_stance(stance: str, *, reply: bool) -> str:
    if not reply and stance not in Stance.values:
        raise ValidationError(_("Choose a stance: support, oppose or other suggestion."))
    return stance


def _reply_notify(*, reply: Comment, parent: Comment) -> None:
    title = _("%(name)s replied to your comment on “%(title)s”") % {
        "name": reply.author.public_name,
        "title": reply.consultation.title,
    }
    notifications_send(
        users=[parent.author],
        kind=notification_kinds.REPLY,
        title=title,
        url=reverse("participation:comment_link", args=[reply.pk]),
    )


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
    text = _comment_text(body, reply=comment.parent_id is not None)
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
    published_item_changed(comment)  # re-analysed; reports that quoted the old text regenerate
    live_event_send(consultation_stream(comment.consultation), _comment_event(comment))
    return comment


@transaction.atomic
def comment_withdraw(*, comment: Comment, user: User) -> Comment:
    if comment.author_id != user.pk:
        raise ValidationError(_("Only the author can withdraw this comment."))
    Comment.objects.filter(pk=comment.pk).update(state=CommentState.WITHDRAWN)
    comment.state = CommentState.WITHDRAWN
    published_item_changed(comment)
    live_event_send(
        consultation_stream(comment.consultation), {"kind": "withdrawn", "id": comment.pk}
    )
    return comment


@transaction.atomic
def statement_create(*, consultation: ConsultationPage, user: User, text: str) -> Statement:
    _require_citizen(user, action="statement")
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
    text_analysis_request(instance=statement)
    follow_add(user=user, consultation=consultation)
    if verdict.visible:
        # As in Pol.is, whoever writes a statement agrees with it: the author is not asked to
        # vote on their own words before seeing where they stand.
        votes_cast_batch(
            votes=[
                VoteRequest(
                    statement_id=statement.pk,
                    participant_id=participant.pk,
                    consultation_id=consultation.pk,
                    value=VoteValue.AGREE,
                )
            ]
        )
        statement.refresh_from_db()
        live_event_send(
            consultation_stream(consultation),
            {"kind": "statement", "id": statement.pk, "text": statement.text},
        )
    statement.moderation_verdict = verdict  # for the view: tell the author what was masked
    return statement


def vote_rate_check(*, user_id: int) -> None:
    """The vote limit of one person (settings.MINYI_RATE_LIMITS["vote"]), across processes: the
    page, the API and the vote WebSocket's connections all count here."""
    rate_limit_check(
        key=f"vote:user:{user_id}",
        limits=configured_limits("vote"),
        message=_("You are voting too quickly. Please wait a moment and try again."),
    )


@transaction.atomic
def statement_vote_cast(*, statement: Statement, user: User, value: int) -> Vote:
    """Record the user's vote; a later vote replaces the earlier one.

    The rules are :func:`votes_cast_batch`'s, the one place they are written (the batched paths
    of the API and the WebSocket use it too); a refused vote leaves nothing behind (the
    participant record made for it is rolled back with it). Tallies stay exact under concurrent
    voting (:func:`_votes_store`).
    """
    _require_citizen(user, action="vote")
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ValidationError(_("A vote is agree, disagree or pass.")) from None
    vote_rate_check(user_id=user.pk)
    participant = participant_get_or_create(consultation=statement.consultation, user=user)
    result = votes_cast_batch(
        votes=[
            VoteRequest(
                statement_id=statement.pk,
                participant_id=participant.pk,
                consultation_id=statement.consultation_id,
                value=value,
            )
        ]
    )
    if result.errors[0]:
        raise ValidationError(result.errors[0])
    tally = result.tallies[statement.pk]
    statement.agree_count, statement.disagree_count, statement.pass_count = (
        tally["agree"],
        tally["disagree"],
        tally["pass"],
    )
    return Vote.objects.get(statement=statement, participant=participant)


@dataclass(frozen=True)
class VoteRequest:
    """One vote to store (the participant is resolved by the caller)."""

    statement_id: int
    participant_id: int
    consultation_id: int
    value: int


@dataclass(frozen=True)
class VoteBatchResult:
    errors: list[str | None]  # per vote: None when stored, else why it was refused
    tallies: dict[int, dict[str, int]]  # statement → its tally after the batch


_CLOSED_STATES = {ModerationState.REJECTED, ModerationState.HIDDEN, ModerationState.HELD}


def _vote_refusal(vote: VoteRequest, statement: dict | None, open_consultations: set) -> str | None:
    """Why this vote may not be stored, or None: the vote rules, written once."""
    if statement is None or statement["consultation_id"] != vote.consultation_id:
        return _("This statement does not exist.")
    if statement["moderation_state"] in _CLOSED_STATES:
        return _("This statement has been removed.")
    if vote.consultation_id not in open_consultations:
        return _("This consultation is not open: it no longer accepts input.")
    if vote.value not in VoteValue.values:
        return _("A vote is agree, disagree or pass.")
    return None


def votes_cast_batch(*, votes: list[VoteRequest]) -> VoteBatchResult:
    """Store many votes in one transaction (the API and the WebSocket batch what arrives within a
    few milliseconds; the page sends one); per vote, None when stored or the reason it was
    refused, and the new tallies of the statements voted on.

    Rules (:func:`_vote_refusal`): an open consultation, a statement still in the conversation,
    agree/disagree/pass; the last vote of a participant on a statement wins (votes are applied in
    list order); tallies move by the difference. One live event per consultation carries the new
    tallies of every statement touched.
    """
    # One query for the statements and whether their consultations are open; plain values, not
    # page instances (building Wagtail pages cost more than storing the votes).
    now = timezone.now()
    statements, open_consultations = {}, set()
    for row in Statement.objects.filter(pk__in={v.statement_id for v in votes}).values(
        "pk",
        "consultation_id",
        "moderation_state",
        "consultation__live",
        "consultation__opens_at",
        "consultation__closes_at",
        "consultation__responded_at",
    ):
        statements[row["pk"]] = row
        status = ConsultationPage.status_of(
            now,
            live=row["consultation__live"],
            opens_at=row["consultation__opens_at"],
            closes_at=row["consultation__closes_at"],
            responded_at=row["consultation__responded_at"],
        )
        if status == ConsultationStatus.OPEN:
            open_consultations.add(row["consultation_id"])
    errors: list[str | None] = []
    latest: dict[tuple[int, int], VoteValue] = {}
    for vote in votes:
        errors.append(_vote_refusal(vote, statements.get(vote.statement_id), open_consultations))
        if errors[-1] is None:
            latest[(vote.statement_id, vote.participant_id)] = VoteValue(vote.value)
    touched = _votes_store(latest) if latest else {}
    by_consultation: dict[int, list[dict]] = defaultdict(list)
    for statement_id, tally in sorted(touched.items()):
        by_consultation[statements[statement_id]["consultation_id"]].append(
            {"statement": statement_id, **tally}
        )
    for consultation_id, rows in by_consultation.items():
        # One statement: the plain "tally" event, as readers' pages and the fan-out expect it.
        event = (
            {"kind": "tally", **rows[0]} if len(rows) == 1 else {"kind": "tallies", "tallies": rows}
        )
        live_event_send(ConsultationPage.stream_of(consultation_id), event)
    return VoteBatchResult(errors=errors, tallies=touched)


# PostgreSQL (production) gets set-based statements over arrays; elsewhere the ORM does the same
# work with a few more queries.


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _votes_lock(pairs: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[int, int]]:
    """Lock the existing votes of ``pairs`` (in pair order): ``{pair: (vote pk, value)}``."""
    if _pg():
        with connection.cursor() as cursor:
            cursor.execute(
                # Table and column names come from the models, never from input.
                f"SELECT id, statement_id, participant_id, value FROM {_table(Vote)} "  # noqa: S608
                "WHERE (statement_id, participant_id) IN "
                "(SELECT * FROM unnest(%s::bigint[], %s::bigint[])) "
                "ORDER BY statement_id, participant_id FOR UPDATE",
                [[s for s, _p in pairs], [p for _s, p in pairs]],
            )
            return {(s, p): (pk, value) for pk, s, p, value in cursor.fetchall()}
    match = Q(*(Q(statement_id=s, participant_id=p) for s, p in pairs), _connector=Q.OR)
    return {
        (s, p): (pk, value)
        for pk, s, p, value in Vote.objects.select_for_update()
        .filter(match)
        .order_by("statement_id", "participant_id")
        .values_list("pk", "statement_id", "participant_id", "value")
    }


def _votes_update(changes: dict[int, int], now) -> None:
    """Set ``{vote pk: value}`` and the time of each."""
    if not changes:
        return
    if _pg():
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_table(Vote)} AS v SET value = c.value, updated_at = %s "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::smallint[]) AS c(id, value) WHERE v.id = c.id",
                [now, list(changes), list(changes.values())],
            )
        return
    Vote.objects.bulk_update(
        [Vote(pk=pk, value=value, updated_at=now) for pk, value in changes.items()],
        ["value", "updated_at"],
        batch_size=500,
    )


def _votes_insert(votes: list[Vote]) -> None:
    """Insert new votes (a concurrent first vote on the same pair raises IntegrityError)."""
    if not votes:
        return
    if _pg():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_table(Vote)} "  # noqa: S608
                "(statement_id, participant_id, value, updated_at) "
                "SELECT s, p, v, %s FROM unnest(%s::bigint[], %s::bigint[], %s::smallint[]) "
                "AS t(s, p, v)",
                [
                    votes[0].updated_at,
                    [v.statement_id for v in votes],
                    [v.participant_id for v in votes],
                    [int(v.value) for v in votes],
                ],
            )
        return
    Vote.objects.bulk_create(votes)


def _tallies_read(statement_ids: list[int]) -> dict[int, dict[str, int]]:
    if _pg():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, agree_count, disagree_count, pass_count "  # noqa: S608
                f"FROM {_table(Statement)} WHERE id = ANY(%s)",
                [statement_ids],
            )
            rows = cursor.fetchall()
    else:
        rows = Statement.objects.filter(pk__in=statement_ids).values_list(
            "pk", "agree_count", "disagree_count", "pass_count"
        )
    return {pk: {"agree": a, "disagree": d, "pass": p} for pk, a, d, p in rows}


def _tallies_move(deltas: dict[int, Counter]) -> dict[int, dict[str, int]]:
    """Add ``{statement: {count field: n}}`` to the statements' tallies, after locking the rows
    in pk order (so concurrent batches wait for each other, never deadlock); returns the new
    tallies of the statements moved (PostgreSQL; other engines: nothing, read them after).

    On PostgreSQL locking, adding and reading are one statement: a popular statement's row is
    then held from this statement to the commit only, not across two more round trips (each of
    which may also wait for the process's GIL).
    """
    moved = sorted(pk for pk, d in deltas.items() if any(d.values()))
    if not moved:
        return {}
    fields = ["agree_count", "disagree_count", "pass_count"]  # the order of the tally's keys
    if _pg():
        with connection.cursor() as cursor:
            cursor.execute(
                # MATERIALIZED: the rows are locked first, in id order, then updated.
                f"WITH locked AS MATERIALIZED (SELECT id FROM {_table(Statement)} "  # noqa: S608
                "WHERE id = ANY(%s) ORDER BY id FOR UPDATE) "
                f"UPDATE {_table(Statement)} AS s SET "
                + ", ".join(f"{f} = s.{f} + d.{f}" for f in fields)
                + " FROM locked, unnest(%s::bigint[], %s::int[], %s::int[], %s::int[]) AS d(id, "
                + ", ".join(fields)
                + ") WHERE s.id = locked.id AND s.id = d.id RETURNING s.id, "
                + ", ".join(f"s.{f}" for f in fields),
                [moved, moved, *([deltas[pk][f] for pk in moved] for f in fields)],
            )
            rows = cursor.fetchall()
        return {pk: {"agree": a, "disagree": d, "pass": p} for pk, a, d, p in rows}
    list(Statement.objects.select_for_update().filter(pk__in=moved).order_by("pk").values("pk"))
    updates = {}
    for field in fields:
        whens = [When(pk=pk, then=Value(deltas[pk][field])) for pk in moved if deltas[pk][field]]
        if whens:
            updates[field] = F(field) + Case(*whens, default=Value(0))
    Statement.objects.filter(pk__in=moved).update(**updates)
    return {}


def _votes_store(latest: dict[tuple[int, int], VoteValue]) -> dict[int, dict[str, int]]:
    """Upsert ``{(statement, participant): value}``; returns the new tallies of the statements.

    Rows are locked in (statement, participant) order and statements updated in pk order, so
    concurrent batches never deadlock; a concurrent first vote on the same pair makes the insert
    fail, and the whole batch is tried again (it then finds that row and updates it).
    """
    pairs = sorted(latest)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                existing = _votes_lock(pairs)
                now = timezone.now()
                deltas: dict[int, Counter] = defaultdict(Counter)
                created, changes = [], {}
                for pair in pairs:
                    statement_id, participant_id = pair
                    value = latest[pair]
                    if pair not in existing:
                        created.append(
                            Vote(
                                statement_id=statement_id,
                                participant_id=participant_id,
                                value=value,
                                updated_at=now,
                            )
                        )
                        deltas[statement_id][_COUNT_FIELD[value]] += 1
                        continue
                    pk, old = existing[pair]
                    if old != value:
                        deltas[statement_id][_COUNT_FIELD[VoteValue(old)]] -= 1
                        deltas[statement_id][_COUNT_FIELD[value]] += 1
                    changes[pk] = int(value)
                _votes_insert(created)
                _votes_update(changes, now)
                tallies = _tallies_move(deltas)
                unmoved = sorted({s for s, _p in pairs} - tallies.keys())
                if unmoved:
                    tallies.update(_tallies_read(unmoved))
                return tallies
        except IntegrityError:
            continue  # a concurrent first vote on one of the pairs: it is an update now
        except OperationalError as error:
            if "deadlock" not in str(error).lower():
                raise
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


# --- Petitions (提點子) -------------------------------------------------------------------


def petition_stream(petition: Petition) -> str:
    return f"petition.{petition.pk}"


def _petition_event(petition: Petition) -> dict:
    return {
        "kind": "petition",
        "id": petition.pk,
        "state": str(petition.state),
        "endorsements": petition.endorsement_count,
        "threshold": petition.threshold,
    }


def _require_moderator(user: User) -> None:
    from minyi.agencies.roles import Role
    from minyi.agencies.selectors import user_has_role

    allowed = user.is_authenticated and (
        user.is_superuser
        or user_has_role(user, Role.MODERATOR)
        or user_has_role(user, Role.ADMINISTRATOR)
    )
    if not allowed:
        raise ValidationError(_("Only moderators can review petitions."))


@transaction.atomic
def _petition_agency(agency: Agency | None) -> Agency:
    if not isinstance(agency, Agency) or agency.pk is None:
        raise ValidationError(_("Choose the agency responsible for this proposal."))
    return agency


def _petition_title(title: str | None) -> str:
    title = _clean_text(
        " ".join((title or "").split()),
        limit=PETITION_TITLE_MAX_LENGTH,
        empty_message=_("A petition needs a title."),
        long_message=_(
            "A petition title has at most %(limit)d characters; this one has %(length)d."
        ),
    )
    if len(title) < PETITION_TITLE_MIN_LENGTH:
        raise ValidationError(
            _("A petition title needs at least %(minimum)d characters: say what you propose.")
            % {"minimum": PETITION_TITLE_MIN_LENGTH}
        )
    return title


def _petition_checked(*, title: str, body: str, agency: Agency | None) -> tuple[str, str]:
    """The proposal's title and text, cleaned; every problem with them at once."""
    checked = _all_checked(
        title=lambda: _petition_title(title),
        agency=lambda: _petition_agency(agency),  # in the form's order
        body=lambda: _clean_text(
            body,
            limit=PETITION_BODY_MAX_LENGTH,
            empty_message=_("Describe your proposal."),
            long_message=_("A proposal has at most %(limit)d characters; this one has %(length)d."),
        ),
    )
    return checked["title"], checked["body"]


@dataclass(frozen=True)
class _ScreenedPetition:
    text: str  # as submitted, for the moderation record
    verdict: ModerationVerdict
    title: str  # as published (personal data masked)
    body: str


def _petition_screened(*, user: User, title: str, body: str) -> _ScreenedPetition:
    """One screening of title and body together, for proposing and for correcting: the title
    holds no line break, so the published text splits back at the first one."""
    text = f"{title}\n{body}"
    verdict = screen_text(text=text, author=user)
    if verdict.outcome == Outcome.REJECT:
        raise ValidationError(_rejection_message(verdict))
    published_title, _sep, published_body = verdict.published_text.partition("\n")
    return _ScreenedPetition(
        text=text,
        verdict=verdict,
        title=published_title[:PETITION_TITLE_MAX_LENGTH] or title,
        body=published_body or body,
    )


def petition_create(*, user: User, title: str, body: str, agency: Agency | None) -> Petition:
    """Propose a petition; it opens after moderation (see Petition.state)."""
    _require_citizen(user, action="petition_propose")
    title, body = _petition_checked(title=title, body=body, agency=agency)
    _require_within_rate(user=user, kind="petition", per_minute=2, per_hour=10)
    screened = _petition_screened(user=user, title=title, body=body)
    petition = Petition.objects.create(
        author=user, agency=agency, title=screened.title, body=screened.body
    )
    submission_record(
        content_object=petition, author=user, text=screened.text, verdict=screened.verdict
    )
    text_analysis_request(instance=petition)
    follow_add(user=user, petition=petition)  # hear about endorsements and the response
    petition.moderation_verdict = screened.verdict  # for the view: what happens next
    return petition


def _petition_pending_of(petition: Petition, user: User) -> Petition:
    """The author's own proposal, locked, while it still awaits a moderator."""
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if not user.is_authenticated or petition.author_id != user.pk:
        raise ValidationError(_("Only the proposer can change this proposal."))
    if petition.moderation_state != PetitionModeration.PENDING:
        raise ValidationError(
            _("This proposal is no longer awaiting review: it can no longer be changed.")
        )
    return petition


@transaction.atomic
def petition_proposal_edit(
    *, petition: Petition, user: User, title: str, body: str, agency: Agency | None
) -> Petition:
    """The proposer corrects a proposal before a moderator has reviewed it. It is screened
    again, and the moderator reviews the corrected text (the latest submission)."""
    petition = _petition_pending_of(petition, user)
    title, body = _petition_checked(title=title, body=body, agency=agency)
    _require_within_rate(user=user, kind="petition_edit", per_minute=5, per_hour=30)
    screened = _petition_screened(user=user, title=title, body=body)
    petition.title, petition.body, petition.agency = screened.title, screened.body, agency
    petition.save(update_fields=["title", "body", "agency"])
    submission_record(
        content_object=petition, author=user, text=screened.text, verdict=screened.verdict
    )
    text_analysis_request(instance=petition)
    petition.moderation_verdict = screened.verdict  # for the view, as after petition_create
    return petition


@transaction.atomic
def petition_proposal_withdraw(*, petition: Petition, user: User) -> Petition:
    """The proposer takes back a proposal before review: it leaves the moderators' queue and
    is never published; the proposer still sees it (marked withdrawn) in 我的參與."""
    petition = _petition_pending_of(petition, user)
    petition.moderation_state = PetitionModeration.WITHDRAWN
    petition.save(update_fields=["moderation_state"])
    return petition


# no caller: moderators decide petitions in the moderation queue (moderation.item_decide, which
# calls petition_moderation_state_set); this is the same decision for the demo seed and scripts
@transaction.atomic
def petition_moderation_approve(*, petition: Petition, moderator: User) -> Petition:
    """Open a petition awaiting review for endorsements, as the queue's 核准 does (recorded in
    the audit log, the proposer told)."""
    from moderation.services import item_decide

    if petition.moderation_state != PetitionModeration.PENDING:
        raise ValidationError(_("This petition is not awaiting review."))
    item_decide(moderator=moderator, instance=petition, action="approve")
    petition.refresh_from_db()
    return petition


def petition_moderation_state_set(petition: Petition, state: str) -> None:
    """Moderation's hook (see moderated_kinds_register): open a petition or take it down.

    Opening starts the endorsement period under the current settings; a petition opened
    before (an appeal that overturns a rejection) keeps its period and threshold.
    """
    if state == "visible":
        petition.moderation_state = PetitionModeration.APPROVED
        if petition.opened_at is None:
            rules = participation_settings()
            now = timezone.now()
            petition.opened_at = now
            petition.closes_at = now + timezone.timedelta(days=rules.petition_open_days)
            petition.threshold = rules.petition_threshold
    elif state in {"hidden", "rejected"}:
        # A petition has no "hidden" state of its own: taken down, it is rejected.
        petition.moderation_state = PetitionModeration.REJECTED
    else:
        petition.moderation_state = PetitionModeration.PENDING
    petition.save(update_fields=["moderation_state", "opened_at", "closes_at", "threshold"])
    published_item_changed(petition)  # analysed now that it is public
    live_event_send(petition_stream(petition), _petition_event(petition))


def _require_petition_open(petition: Petition) -> None:
    if petition.state != PetitionState.OPEN:
        raise ValidationError(_("This petition is not open for endorsement."))


@transaction.atomic
def petition_endorse(*, petition: Petition, user: User) -> PetitionEndorsement:
    """Endorse (附議) once; reaching the threshold starts the agency's response deadline.

    The unique constraint on (petition, user) stops a second endorsement, the
    count moves by atomic F() updates, and the conditional update on reached_at
    makes exactly one endorsement mark the petition as reached.
    """
    _require_citizen(user, action="petition_endorse")
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    _require_petition_open(petition)
    if petition.author_id == user.pk:
        # The count measures support beyond the proposer (join.gov.tw counts seconders).
        raise ValidationError(_("You proposed this petition: it needs others to endorse it."))
    if PetitionEndorsement.objects.filter(petition=petition, user=user).exists():
        raise ValidationError(_("You have already endorsed this petition."))
    identity_key = user_identity_key(user)
    twice = _(
        "This mobile number (or identity) has already endorsed this petition from another account."
    )
    if (
        identity_key
        and PetitionEndorsement.objects.filter(
            petition=petition, identity_key=identity_key
        ).exists()
    ):
        raise ValidationError(twice, code="identity_used")
    _require_within_rate(user=user, kind="endorse", per_minute=10, per_hour=100)
    try:
        with transaction.atomic():
            endorsement = PetitionEndorsement.objects.create(
                petition=petition, user=user, identity_key=identity_key
            )
    except IntegrityError:
        raise ValidationError(_("You have already endorsed this petition.")) from None
    Petition.objects.filter(pk=petition.pk).update(endorsement_count=F("endorsement_count") + 1)
    petition.refresh_from_db(fields=["endorsement_count"])
    follow_add(user=user, petition=petition)  # listed in 我的追蹤, as commenting follows
    if petition.endorsement_count >= petition.threshold:
        now = timezone.now()
        due = now + timezone.timedelta(days=participation_settings().petition_response_days)
        reached_now = Petition.objects.filter(pk=petition.pk, reached_at__isnull=True).update(
            reached_at=now, response_due_at=due
        )
        petition.refresh_from_db(fields=["reached_at", "response_due_at"])
        if reached_now:
            _petition_reached_notify(petition)
    live_event_send(petition_stream(petition), _petition_event(petition))
    return endorsement


def _petition_reached_notify(petition: Petition) -> None:
    """The responsible agency's staff learn that a petition awaits their answer, and by when."""
    title = _("The petition “%(title)s” reached its threshold: answer it by %(due)s") % {
        "title": petition.title,
        "due": format_minguo_date(petition.response_due_at),
    }
    agency_staff_notify(agency=petition.agency, title=title, url=petition.get_absolute_url())


@transaction.atomic
def petition_endorsement_withdraw(*, petition: Petition, user: User) -> None:
    """Withdraw one's endorsement while the petition is still open."""
    _require_citizen(user)
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    _require_petition_open(petition)
    deleted, _by_model = PetitionEndorsement.objects.filter(petition=petition, user=user).delete()
    if not deleted:
        raise ValidationError(_("You have not endorsed this petition."))
    Petition.objects.filter(pk=petition.pk, endorsement_count__gt=0).update(
        endorsement_count=F("endorsement_count") - 1
    )
    petition.refresh_from_db(fields=["endorsement_count"])
    live_event_send(petition_stream(petition), _petition_event(petition))


def _require_agency_staff(user: User, agency: Agency, message: str) -> None:
    if not user.is_authenticated or not user_can_manage_agency(user, agency):
        raise ValidationError(message)


def _petition_for_response(petition: Petition, user: User) -> Petition:
    petition = Petition.objects.select_for_update().select_related("agency").get(pk=petition.pk)
    _require_agency_staff(
        user, petition.agency, _("Only staff of the responsible agency can respond.")
    )
    return petition


def _response_reviewers(agency: Agency, *, writers: list[int | None]) -> list[User]:
    """Who approves an agency's response: its other staff, never those who wrote it (the same
    rule for consultation and petition responses)."""
    from minyi.agencies.selectors import agency_staff_users

    return list(agency_staff_users(agency).exclude(pk__in=[pk for pk in writers if pk]))


@transaction.atomic
def petition_response_submit(
    *, petition: Petition, user: User, text: str, correction_note: str = ""
) -> Petition:
    """Write the agency's answer (or a correction of it) and send it to a colleague of the same
    agency for approval, as consultation responses are; nothing is public before that."""
    petition = _petition_for_response(petition, user)
    correcting = petition.state == PetitionState.RESPONDED
    if petition.state != PetitionState.REACHED and not correcting:
        raise ValidationError(_("Only a petition that reached its threshold can be answered."))
    checked = _all_checked(
        response=lambda: _clean_text(
            text,
            limit=RESPONSE_MAX_LENGTH,
            empty_message=_("The response cannot be empty."),
            long_message=_("A response has at most %(limit)d characters; this one has %(length)d."),
        ),
        correction_note=lambda: (
            _clean_text(
                correction_note,
                limit=RESPONSE_MAX_LENGTH,
                empty_message=_("Say what the correction changes and why."),
                long_message=_("A note has at most %(limit)d characters; this one has %(length)d."),
            )
            if correcting
            else ""
        ),
    )
    petition.response_draft = checked["response"]
    petition.response_draft_note = checked["correction_note"]
    petition.response_drafted_by = user
    petition.response_submitted_at = timezone.now()
    petition.response_return_note = ""
    petition.save(
        update_fields=[
            "response_draft",
            "response_draft_note",
            "response_drafted_by",
            "response_submitted_at",
            "response_return_note",
        ]
    )
    notifications_send(
        users=_response_reviewers(petition.agency, writers=[user.pk]),
        kind=notification_kinds.PETITION_RESPONSE,
        title=_("Awaiting your approval: the response to the petition “%(title)s”")
        % {"title": petition.title},
        url=reverse("participation:petition_response", args=[petition.pk]),
        duty=True,
    )
    return petition


def _petition_response_notices_settle(petition: Petition) -> None:
    notifications_settle(
        kind=notification_kinds.PETITION_RESPONSE,
        url=reverse("participation:petition_response", args=[petition.pk]),
    )


def _require_petition_reviewer(petition: Petition, user: User) -> None:
    if petition.response_submitted_at is None:
        raise ValidationError(_("No response is waiting for approval."))
    if petition.response_drafted_by_id == user.pk:
        raise ValidationError(
            _("Another staff member of the agency approves the response, not its writer.")
        )


@transaction.atomic
def petition_response_return(*, petition: Petition, user: User, note: str) -> Petition:
    """A colleague sends the written response back to its writer, saying what to change."""
    petition = _petition_for_response(petition, user)
    _require_petition_reviewer(petition, user)
    petition.response_return_note = _clean_text(
        note,
        limit=RESPONSE_MAX_LENGTH,
        empty_message=_("Say what should change before it is published."),
        long_message=_("A note has at most %(limit)d characters; this one has %(length)d."),
    )
    petition.response_submitted_at = None
    petition.save(update_fields=["response_return_note", "response_submitted_at"])
    _petition_response_notices_settle(petition)
    if petition.response_drafted_by_id:
        notifications_send(
            users=[petition.response_drafted_by],
            kind=notification_kinds.PETITION_RESPONSE,
            title=_("Returned for changes: the response to the petition “%(title)s”")
            % {"title": petition.title},
            url=reverse("participation:petition_response", args=[petition.pk]),
        )
    return petition


@transaction.atomic
def petition_response_approve(*, petition: Petition, user: User) -> Petition:
    """A colleague of the writer approves: the response (or correction) is published; a
    corrected one stays readable, and those who follow the petition are told."""
    petition = _petition_for_response(petition, user)
    _require_petition_reviewer(petition, user)
    _petition_response_notices_settle(petition)
    now = timezone.now()
    correcting = petition.responded_at is not None
    if correcting:
        PetitionResponseEarlier.objects.create(
            petition=petition, text=petition.response, published_at=petition.responded_at
        )
    petition.response = petition.response_draft
    petition.response_correction_note = petition.response_draft_note
    petition.responded_at = now
    petition.responded_by = user
    petition.response_draft = petition.response_draft_note = ""
    petition.response_submitted_at = None
    petition.save()
    recipients = User.objects.filter(
        Q(pk=petition.author_id)
        | Q(petition_endorsements__petition=petition)
        | Q(follows__petition=petition),
        is_active=True,
    ).distinct()
    if correcting:
        title = _("%(agency)s corrected its response to the petition “%(title)s”")
    else:
        title = _("%(agency)s responded to the petition “%(title)s”")
    notifications_send(
        users=list(recipients),
        kind=notification_kinds.PETITION_RESPONSE,
        title=title % {"agency": petition.agency.name_zh, "title": petition.title},
        url=f"{petition.get_absolute_url()}#response",
    )
    live_event_send(petition_stream(petition), _petition_event(petition))
    return petition


# --- Agency responses to consultations (對照表) --------------------------------------------


def _sections_with_comments(consultation: ConsultationPage) -> set[int]:
    """The articles that received published comments (what the response form shows)."""
    return {pk for pk in section_stance_counts(consultation=consultation) if pk is not None}


def _section_answers_clean(
    *, consultation: ConsultationPage, sections: dict
) -> list[tuple[ConsultationSection, str, str]]:
    """Each section's (decision, reason) as typed; a draft may still leave a decision blank.

    An article without comments is answered 「未收到意見」 (NO_COMMENTS) whatever was sent.
    """
    answers = {int(key): value for key, value in (sections or {}).items()}
    draft = list(consultation.sections.all())
    unknown = set(answers) - {section.pk for section in draft}
    if unknown:
        raise ValidationError(_("The response names a section that is not in this consultation."))
    commented = _sections_with_comments(consultation)
    rows, errors = [], []
    for section in draft:
        decision, reason = answers.get(section.pk, ("", ""))
        has_comments = section.pk in commented
        decision = section_decision(decision=decision, has_comments=has_comments)
        reason = (reason or "").strip()
        errors += section_answer_errors(
            number=section.number,
            decision=decision,
            reason=reason,
            has_comments=has_comments,
            complete=False,
        ).values()
        rows.append((section, decision, reason))
    if errors:
        raise ValidationError(errors)
    return rows


def _response_completeness_errors(response: ConsultationResponse) -> list[str]:
    """What a version still lacks before it can go to the approver."""
    errors = []
    if not response.overall.strip():
        errors.append(_("The overall response cannot be empty."))
    answered = {row.section_id: row for row in response.section_responses.all()}
    commented = _sections_with_comments(response.consultation)
    for section in response.consultation.sections.all():
        row = answered.get(section.pk)
        errors += section_answer_errors(
            number=section.number,
            decision=row.decision if row else "",
            reason=row.reason if row else "",
            has_comments=section.pk in commented,
            complete=True,
        ).values()
    if response.version > 1 and not response.correction_note.strip():
        errors.append(_("Say what this correction changes and why."))
    return errors


def _response_locked(response: ConsultationResponse) -> ConsultationResponse:
    return (
        ConsultationResponse.objects.select_for_update()
        .select_related("consultation__agency")
        .get(pk=response.pk)
    )


def _require_response_staff(user: User, consultation: ConsultationPage) -> None:
    _require_agency_staff(
        user,
        consultation.agency,
        _("Only staff of the consultation's agency can write or approve its response."),
    )


@transaction.atomic
def consultation_response_draft_save(
    *,
    consultation: ConsultationPage,
    user: User,
    overall: str,
    sections: dict[int, tuple[str, str]],
    correction_note: str = "",
) -> ConsultationResponse:
    """Write the response (or a correction of the published one) as a draft.

    Editing a version that waits for approval takes it back to draft: the approver must see
    what will be published.
    """
    consultation = (
        ConsultationPage.objects.select_for_update()
        .select_related("agency")
        .get(pk=consultation.pk)
    )
    _require_response_staff(user, consultation)
    if consultation.status not in (ConsultationStatus.CLOSED, ConsultationStatus.RESPONDED):
        raise ValidationError(_("A response can be written only after the consultation closes."))
    overall = (overall or "").strip()
    correction_note = (correction_note or "").strip()
    if len(overall) > RESPONSE_MAX_LENGTH:
        raise ValidationError(
            _("A response has at most %(limit)d characters; this one has %(length)d.")
            % {"limit": RESPONSE_MAX_LENGTH, "length": len(overall)}
        )
    if len(correction_note) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            _("The correction note has at most %(limit)d characters.")
            % {"limit": COMMENT_MAX_LENGTH}
        )
    rows = _section_answers_clean(consultation=consultation, sections=sections)
    versions = ConsultationResponse.objects.filter(consultation=consultation)
    draft = versions.filter(state__in=[ResponseState.DRAFT, ResponseState.SUBMITTED]).first()
    if draft is None:
        latest = versions.order_by("-version").values_list("version", flat=True).first()
        draft = ConsultationResponse(consultation=consultation, version=(latest or 0) + 1)
    draft.state = ResponseState.DRAFT
    draft.submitted_by = draft.submitted_at = None
    draft.overall = overall
    draft.correction_note = correction_note if draft.version > 1 else ""
    draft.drafted_by = user
    draft.updated_at = timezone.now()
    draft.save()
    SectionResponse.objects.filter(response=draft).delete()
    SectionResponse.objects.bulk_create(
        SectionResponse(response=draft, section=section, decision=decision, reason=reason)
        for section, decision, reason in rows
    )
    return draft


@transaction.atomic
def consultation_response_submit(
    *, response: ConsultationResponse, user: User
) -> ConsultationResponse:
    """Send a complete draft to the agency's other staff for approval."""
    response = _response_locked(response)
    consultation = response.consultation
    _require_response_staff(user, consultation)
    if response.state != ResponseState.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for approval."))
    errors = _response_completeness_errors(response)
    if errors:
        raise ValidationError(errors)
    response.state = ResponseState.SUBMITTED
    response.submitted_by = user
    response.submitted_at = timezone.now()
    response.return_note = ""
    response.save()
    notifications_send(
        users=_response_reviewers(consultation.agency, writers=[user.pk, response.drafted_by_id]),
        kind=notification_kinds.CONSULTATION_RESPONSE,
        title=_("Awaiting your approval: the response to “%(title)s”")
        % {"title": consultation.title},
        url=reverse("participation:consultation_response_review", args=[consultation.pk]),
        duty=True,
    )
    return response


def _consultation_response_notices_settle(consultation: ConsultationPage) -> None:
    notifications_settle(
        kind=notification_kinds.CONSULTATION_RESPONSE,
        url=reverse("participation:consultation_response_review", args=[consultation.pk]),
    )


@transaction.atomic
def consultation_response_return(
    *, response: ConsultationResponse, user: User, note: str
) -> ConsultationResponse:
    """The approver sends a submitted version back to draft, saying what should change."""
    response = _response_locked(response)
    consultation = response.consultation
    _require_response_staff(user, consultation)
    if response.state != ResponseState.SUBMITTED:
        raise ValidationError(_("Only a response awaiting approval can be returned."))
    note = _clean_text(
        note,
        limit=COMMENT_MAX_LENGTH,
        empty_message=_("Say what should change before it can be approved."),
        long_message=_("A note has at most %(limit)d characters; this one has %(length)d."),
    )
    submitter = response.submitted_by
    response.state = ResponseState.DRAFT
    response.return_note = note
    response.submitted_by = response.submitted_at = None
    response.save()
    _consultation_response_notices_settle(consultation)
    if submitter is not None and submitter.pk != user.pk:
        notifications_send(
            users=[submitter],
            kind=notification_kinds.CONSULTATION_RESPONSE,
            title=_("Returned for changes: the response to “%(title)s”")
            % {"title": consultation.title},
            url=reverse("participation:consultation_response_review", args=[consultation.pk]),
        )
    return response


@transaction.atomic
def consultation_response_approve(
    *, response: ConsultationResponse, user: User
) -> ConsultationResponse:
    """A second staff member approves: the version is published and replaces the one before."""
    consultation = (
        ConsultationPage.objects.select_for_update()
        .select_related("agency")
        .get(pk=response.consultation_id)
    )
    response = _response_locked(response)
    _require_response_staff(user, consultation)
    if response.state != ResponseState.SUBMITTED:
        raise ValidationError(_("Only a response awaiting approval can be approved."))
    _consultation_response_notices_settle(consultation)
    if user.pk in {response.submitted_by_id, response.drafted_by_id}:
        raise ValidationError(
            _(
                "Another staff member of the agency must approve the response, "
                "not the person who wrote or submitted it."
            )
        )
    now = timezone.now()
    ConsultationResponse.objects.filter(
        consultation=consultation, state=ResponseState.PUBLISHED
    ).update(state=ResponseState.SUPERSEDED)
    response.state = ResponseState.PUBLISHED
    response.published_at = now
    response.published_by = user
    response.save()
    if consultation.responded_at is None:
        ConsultationPage.objects.filter(pk=consultation.pk).update(responded_at=now)
        consultation.responded_at = now
    live_event_send(
        consultation_stream(consultation),
        {
            "kind": "status",
            "status": str(consultation.status),
            "label": str(consultation.status.label),
        },
    )
    _consultation_participants_notify(consultation=consultation, response=response)
    return response


EARLY_CLOSE_REASON_MAX_LENGTH = 1000
EARLY_CLOSE_LOG_ACTION = "minyi.consultation_close_early"


@transaction.atomic
def consultation_close_early(
    *, consultation: ConsultationPage, user: User, reason: str, now=None
) -> ConsultationEarlyClose:
    """Close an open consultation now, before its announced time (提前截止).

    The page's ``closes_at`` (and its latest draft's, so that publishing the draft cannot reopen
    it) becomes now and ``closed_early_at`` keeps the moment; who closed it and why are kept in a
    :class:`ConsultationEarlyClose` and in the page's history. Readers' pages hear the new status
    as they do when a response is published, and participants and followers are told.
    """
    from wagtail.log_actions import log

    now = now or timezone.now()
    consultation = (
        ConsultationPage.objects.select_for_update()
        .select_related("agency")
        .get(pk=consultation.pk)
    )
    if consultation.status_at(now) != ConsultationStatus.OPEN:
        raise ValidationError(
            _("Only a consultation that is open for comment can be closed early.")
        )
    if not user_can_close_early(consultation=consultation, user=user):
        raise ValidationError(
            _("Only staff of %(agency)s can close this consultation early.")
            % {"agency": consultation.agency.name_zh}
        )
    reason = _clean_text(
        reason,
        limit=EARLY_CLOSE_REASON_MAX_LENGTH,
        empty_message=_("Say why the consultation closes early; it is kept in the record."),
        long_message=_("A reason has at most %(limit)d characters; this one has %(length)d."),
    )
    scheduled = consultation.closes_at
    record = ConsultationEarlyClose.objects.create(
        consultation=consultation,
        closed_at=now,
        scheduled_closes_at=scheduled,
        closed_by=user,
        reason=reason,
    )
    ConsultationPage.objects.filter(pk=consultation.pk).update(closes_at=now, closed_early_at=now)
    consultation.closes_at = consultation.closed_early_at = now
    revision = consultation.latest_revision
    if revision is not None and revision.content.get("closes_at"):
        revision.content["closes_at"] = now.isoformat()
        revision.content["closed_early_at"] = now.isoformat()
        revision.save(update_fields=["content"])
    log(
        instance=consultation,
        action=EARLY_CLOSE_LOG_ACTION,
        user=user,
        data={"reason": reason, "scheduled_closes_at": scheduled.isoformat()},
    )
    live_event_send(
        consultation_stream(consultation),
        {
            "kind": "status",
            "status": str(ConsultationStatus.CLOSED),
            "label": str(ConsultationStatus.CLOSED.label),
        },
    )
    _consultation_closed_early_notify(consultation=consultation, reason=reason, user=user)
    return record


def _consultation_closed_early_notify(
    *, consultation: ConsultationPage, reason: str, user: User
) -> None:
    recipients = {
        person.pk: person
        for person in [
            *consultation_participant_users(consultation=consultation),
            *User.objects.filter(follows__consultation=consultation, is_active=True),
        ]
        if person.pk != user.pk
    }
    if not recipients:
        return
    names = {"agency": consultation.agency.name_zh, "title": consultation.title}
    title = _("%(agency)s closed “%(title)s” for comment early") % names
    notifications_send(
        users=list(recipients.values()),
        kind=notification_kinds.CLOSING_SOON,
        title=title,
        url=consultation.url or "",
        email_text=title + "。" + _("Reason: %(reason)s") % {"reason": reason},
    )


def _consultation_participants_notify(
    *, consultation: ConsultationPage, response: ConsultationResponse
) -> None:
    """Participants and followers: in-site now, e-mail as each prefers once committed."""
    recipients = {
        user.pk: user
        for user in [
            *consultation_participant_users(consultation=consultation),
            *User.objects.filter(follows__consultation=consultation, is_active=True),
        ]
    }
    names = {"agency": consultation.agency.name_zh, "title": consultation.title}
    if response.version == 1:
        title = _("%(agency)s published its response to “%(title)s”") % names
        subject = _("[Minyi] Response published: %(title)s") % names
        text = (
            _(
                "%(agency)s has published its response to the consultation “%(title)s”, "
                "in which you took part. Read what was adopted and why:"
            )
            % names
        )
    else:
        title = _("%(agency)s corrected its response to “%(title)s”") % names
        subject = _("[Minyi] Response corrected: %(title)s") % names
        text = _(
            "%(agency)s has corrected its response to the consultation “%(title)s”, "
            "in which you took part: %(note)s Read the corrected response:"
        ) % {**names, "note": response.correction_note}
    notifications_send(
        users=list(recipients.values()),
        kind=notification_kinds.CONSULTATION_RESPONSE,
        title=title,
        url=f"{consultation.url or ''}#response",
        email_subject=subject,
        email_text=text,
    )


# --- Moderation of comments and statements (see moderation.targets) -------------------------

_COMMENT_STATES = {
    CommentState.PUBLISHED: "visible",
    CommentState.HELD: "held",
    CommentState.HIDDEN: "hidden",
    CommentState.REJECTED: "rejected",
    CommentState.WITHDRAWN: "withdrawn",
}
_STATEMENT_STATES = {
    ModerationState.UNMODERATED: "visible",
    ModerationState.ACCEPTED: "visible",
    ModerationState.HELD: "held",
    ModerationState.HIDDEN: "hidden",
    ModerationState.REJECTED: "rejected",
}


def comment_moderation_state_set(comment: Comment, state: str) -> None:
    """Moderation moved the comment; open pages add or drop it live."""
    new = {v: k for k, v in _COMMENT_STATES.items()}[state]
    was_visible, was_held = comment.is_visible, comment.state == CommentState.HELD
    comment.state = new
    comment.save(update_fields=["state"])
    published_item_changed(comment)
    stream = consultation_stream(comment.consultation)
    if comment.is_visible:
        live_event_send(stream, _comment_event(comment))
        # A held reply approved now is published for the first time: its parent's author
        # hears of it as they would have at once (a restored one was announced before).
        parent = comment.parent
        if was_held and parent is not None and parent.author_id not in (None, comment.author_id):
            _reply_notify(reply=comment, parent=parent)
    elif was_visible:
        live_event_send(stream, {"kind": "withdrawn", "id": comment.pk})


def statement_moderation_state_set(statement: Statement, state: str) -> None:
    statement.moderation_state = (
        ModerationState.ACCEPTED
        if state == "visible"
        else {v: k for k, v in _STATEMENT_STATES.items() if v != "visible"}[state]
    )
    statement.save(update_fields=["moderation_state"])
    published_item_changed(statement)
    if state == "visible":
        live_event_send(
            consultation_stream(statement.consultation),
            {"kind": "statement", "id": statement.pk, "text": statement.text},
        )


def _tone_reading(instance) -> str:
    """The model's current reading of a published item, for moderators ("" when none)."""
    from sentiment.selectors import text_analyses_current

    row = text_analyses_current(model=type(instance), pks=[instance.pk], fields=("sentiment",))
    reading = row.get(instance.pk)
    return str(SentimentLabel(reading["sentiment"]).label) if reading else ""


_PETITION_STATES = {
    PetitionModeration.PENDING: "held",
    PetitionModeration.APPROVED: "visible",
    PetitionModeration.REJECTED: "rejected",
    PetitionModeration.WITHDRAWN: "withdrawn",
}


def _state_values(states: dict) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for stored, item_state in states.items():
        values.setdefault(item_state, []).append(str(stored))
    return values


def _petition_text_set(petition: Petition, text: str) -> None:
    # Moderation sees title and body as one text, the title on the first line.
    title, _sep, body = text.partition("\n")
    petition.title = title.strip()[:PETITION_TITLE_MAX_LENGTH] or petition.title
    petition.body = body.strip() or petition.body
    petition.save(update_fields=["title", "body"])


def _comment_text_set(comment: Comment, text: str) -> None:
    """A moderator masks part of a comment. Its earlier texts (the public edit history) may
    hold what was masked, so they go: what moderation removed never reaches any page."""
    comment.body = text
    comment.save(update_fields=["body"])
    comment.revisions.all().delete()
    published_item_changed(comment)


def moderated_kinds_register() -> None:
    from moderation.targets import ModeratedKind, moderated_kind_register

    def save_text(field: str):
        def set_text(instance, text: str) -> None:
            setattr(instance, field, text)
            instance.save(update_fields=[field])
            published_item_changed(instance)

        return set_text

    moderated_kind_register(
        ModeratedKind(
            label="participation.comment",
            noun_zh="留言",
            noun_en="comment",
            get_state=lambda comment: _COMMENT_STATES[comment.state],
            set_state=comment_moderation_state_set,
            get_text=lambda comment: comment.body,
            set_text=_comment_text_set,
            author_user=lambda comment: comment.author,
            url=lambda comment: reverse("participation:comment_link", args=[comment.pk]),
            where=lambda comment: (comment.consultation.title, comment.consultation.url or ""),
            state_field="state",
            state_values=_state_values(_COMMENT_STATES),
            search_fields=("body",),
            consultation_field="consultation",
            author_lookup="author",
            review_queryset=lambda: Comment.objects.filter(
                state__in=[CommentState.HELD, CommentState.HIDDEN]
            ).select_related("author", "consultation"),
            reading_of=_tone_reading,
        )
    )
    moderated_kind_register(
        ModeratedKind(
            label="participation.petition",
            noun_zh="提議",
            noun_en="petition",
            get_state=lambda petition: _PETITION_STATES[petition.moderation_state],
            set_state=petition_moderation_state_set,
            get_text=lambda petition: f"{petition.title}\n{petition.body}",
            set_text=_petition_text_set,
            author_user=lambda petition: petition.author,
            url=lambda petition: petition.get_absolute_url(),
            review_queryset=lambda: Petition.objects.filter(
                moderation_state=PetitionModeration.PENDING
            ).select_related("author", "agency"),
            where=lambda petition: (petition.agency.name_zh, ""),
            state_field="moderation_state",
            state_values=_state_values(_PETITION_STATES),
            search_fields=("title", "body"),
            author_lookup="author",
        )
    )
    moderated_kind_register(
        ModeratedKind(
            label="participation.statement",
            noun_zh="意見陳述",
            noun_en="statement",
            get_state=lambda statement: _STATEMENT_STATES[statement.moderation_state],
            set_state=statement_moderation_state_set,
            get_text=lambda statement: statement.text,
            set_text=save_text("text"),
            author_user=lambda statement: statement.author.user if statement.author else None,
            url=lambda statement: f"{statement.consultation.url or ''}#statement-{statement.pk}",
            where=lambda statement: (
                statement.consultation.title,
                statement.consultation.url or "",
            ),
            state_field="moderation_state",
            state_values=_state_values(_STATEMENT_STATES),
            search_fields=("text",),
            consultation_field="consultation",
            author_lookup="author__user",
            review_queryset=lambda: Statement.objects.filter(
                moderation_state__in=[ModerationState.HELD, ModerationState.HIDDEN]
            ).select_related("author__user", "consultation"),
            reading_of=_tone_reading,
        )
    )
