"""Reads for consultations and their statements."""

from collections import Counter
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from moderation.selectors import screening_rule_titles

from .models import (
    Comment,
    CommentState,
    ConsultationPage,
    ConsultationResponse,
    ConsultationStatus,
    ModerationState,
    Participant,
    ParticipationSettings,
    Petition,
    PetitionEndorsement,
    PetitionModeration,
    PetitionState,
    ResponseState,
    SectionResponse,
    Stance,
    Statement,
    Vote,
    VoteValue,
    consultation_status_q,
)


def consultation_list() -> QuerySet[ConsultationPage]:
    return ConsultationPage.objects.live().public().select_related("agency").order_by("-opens_at")


def consultation_topics() -> list:
    """Topics used by published consultations, with how many use each, most used first."""
    from taggit.models import Tag

    return list(
        Tag.objects.filter(participation_consultationtopic_items__content_object__live=True)
        .annotate(consultation_count=Count("participation_consultationtopic_items", distinct=True))
        .order_by("-consultation_count", "name")
    )


def consultation_index_url() -> str:
    from .models import ConsultationIndexPage

    index = ConsultationIndexPage.objects.live().first()
    return (index.url or "") if index else ""


def consultation_attachments(*, consultation: ConsultationPage) -> list:
    return list(consultation.attachments.select_related("document"))


def consultation_open_list() -> QuerySet[ConsultationPage]:
    """Consultations taking comments now, closing soonest first."""
    return (
        consultation_list()
        .filter(consultation_status_q(ConsultationStatus.OPEN, moment=timezone.now()))
        .order_by("closes_at")
    )


def consultation_current_list() -> QuerySet[ConsultationPage]:
    """Consultations open now or about to open (not closed, not responded), closing soonest
    first."""
    now = timezone.now()
    return (
        consultation_list()
        .filter(
            consultation_status_q(ConsultationStatus.DRAFT, moment=now)
            | consultation_status_q(ConsultationStatus.OPEN, moment=now)
        )
        .order_by("closes_at", "pk")
    )


def consultation_past_list() -> QuerySet[ConsultationPage]:
    """The archive: closed or responded consultations, most recently closed first."""
    now = timezone.now()
    return (
        consultation_list()
        .filter(
            consultation_status_q(ConsultationStatus.CLOSED, moment=now)
            | consultation_status_q(ConsultationStatus.RESPONDED, moment=now)
        )
        .order_by("-closes_at", "-pk")
    )


def consultation_by_slug(slug: str) -> ConsultationPage:
    return ConsultationPage.objects.select_related("agency").get(slug=slug)


def consultation_statements(*, consultation: ConsultationPage | int) -> QuerySet[Statement]:
    """Statements shown to the public: neither rejected nor awaiting review."""
    return (
        Statement.objects.filter(consultation=consultation)
        .exclude(
            moderation_state__in=[
                ModerationState.REJECTED,
                ModerationState.HELD,
                ModerationState.HIDDEN,
            ]
        )
        .order_by("created_at", "pk")
    )


def statement_tallies(*, consultation: ConsultationPage) -> QuerySet[Statement]:
    return Statement.objects.filter(consultation=consultation).order_by("pk")


def _comments_with_readings(queryset):
    """Comments with author and published replies. The model's per-comment tone is not shown to
    the public (it misreads single comments); aggregates are in the decision report."""
    replies = Prefetch(
        "replies",
        queryset=Comment.objects.filter(state=CommentState.PUBLISHED).select_related("author"),
        to_attr="visible_replies",
    )
    return queryset.select_related("author", "section").prefetch_related(replies)


def consultation_comments(
    *, consultation: ConsultationPage, per_section: int = 3, general: int = 3
) -> tuple[list[Comment], dict[int | None, int]]:
    """The newest published top-level comments of each section (and on the whole
    consultation), oldest first within that window, and how many each has in all.

    A page shows a bounded window so it stays fast with thousands of comments; the rest are
    one click away (section_comments). Five queries whatever the number of comments.
    """
    rows = (
        Comment.objects.filter(
            consultation=consultation, parent__isnull=True, state=CommentState.PUBLISHED
        )
        .order_by("-created_at", "-pk")
        .values_list("pk", "section_id")
    )
    totals: dict[int | None, int] = {}
    chosen: list[int] = []
    for pk, section_id in rows:
        totals[section_id] = totals.get(section_id, 0) + 1
        if totals[section_id] <= (general if section_id is None else per_section):
            chosen.append(pk)
    comments = list(_comments_with_readings(Comment.objects.filter(pk__in=chosen)))
    comments.sort(key=lambda comment: (comment.created_at, comment.pk))
    return comments, totals


def section_comments(
    *,
    consultation: ConsultationPage,
    section_id: int | None,
    stance: str | None = None,
    newest_first: bool = False,
):
    """Every published top-level comment of one section (None: the whole consultation),
    of one stance when given, oldest first unless ``newest_first``."""
    comments = Comment.objects.filter(
        consultation=consultation,
        parent__isnull=True,
        state=CommentState.PUBLISHED,
        section_id=section_id,
    )
    if stance:
        comments = comments.filter(stance=stance)
    order = ("-created_at", "-pk") if newest_first else ("created_at", "pk")
    return _comments_with_readings(comments.order_by(*order))


def section_stance_counts(*, consultation: ConsultationPage) -> dict[int | None, dict[str, int]]:
    """Published top-level comments per section and stance; None is the whole consultation."""
    counts: dict[int | None, dict[str, int]] = {}
    rows = (
        Comment.objects.filter(
            consultation=consultation, parent__isnull=True, state=CommentState.PUBLISHED
        )
        .values("section_id", "stance")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        bucket = counts.setdefault(row["section_id"], dict.fromkeys(Stance.values, 0))
        bucket[row["stance"]] = row["n"]
    return counts


# How the statements page sorts (?sort=). Kept to the tallies every statement carries, so each
# sort is one indexed-free ORDER BY over a consultation's statements:
# - "divisive": most votes on the smaller side, min(agree, disagree): many agree AND many
#   disagree;
# - "consensus": most agrees over disagrees, agree − disagree: broadly agreed.
STATEMENT_SORTS = ("newest", "votes", "divisive", "consensus")
# ?show=: every statement, those the reader has not voted on yet, or the reader's votes.
STATEMENT_FILTERS = ("all", "unvoted", "mine")


def statement_list(
    *, consultation: ConsultationPage, user, sort: str = "newest", show: str = "all"
) -> QuerySet[Statement]:
    """Visible statements, sorted and filtered for the statements page; for a signed-in reader
    each carries ``my_vote`` (-1, 0, 1, or None when not voted)."""
    from django.db.models.functions import Least

    statements = consultation_statements(consultation=consultation).annotate(
        total_votes=models.F("agree_count") + models.F("disagree_count") + models.F("pass_count"),
        divisiveness=Least("agree_count", "disagree_count"),
        consensus=models.F("agree_count") - models.F("disagree_count"),
    )
    if user.is_authenticated:
        mine = Vote.objects.filter(statement=models.OuterRef("pk"), participant__user=user).values(
            "value"
        )[:1]
        statements = statements.annotate(my_vote=models.Subquery(mine))
        if show == "unvoted":
            statements = statements.filter(my_vote__isnull=True)
        elif show == "mine":
            statements = statements.filter(my_vote__isnull=False)
    order = {
        "votes": ("-total_votes", "-created_at", "-pk"),
        "divisive": ("-divisiveness", "-total_votes", "-pk"),
        "consensus": ("-consensus", "-total_votes", "-pk"),
    }.get(sort, ("-created_at", "-pk"))
    return statements.order_by(*order)


def statement_highlights(*, consultation: ConsultationPage, limit: int = 5) -> list[Statement]:
    """The few statements a consultation page shows: the most voted (the rest are on the
    statements page)."""
    total = models.F("agree_count") + models.F("disagree_count") + models.F("pass_count")
    return list(
        consultation_statements(consultation=consultation)
        .annotate(total_votes=total)
        .order_by("-total_votes", "-created_at", "-pk")[:limit]
    )


def statement_vote_order(*, consultation: ConsultationPage | int) -> list[tuple[int, str]]:
    """Visible statements (id, text) in the order they are offered for voting: fewest votes
    first, so that new statements surface (Pol.is shows under-voted statements first)."""
    return list(
        consultation_statements(consultation=consultation)
        .annotate(
            total=models.F("agree_count") + models.F("disagree_count") + models.F("pass_count")
        )
        .order_by("total", "created_at", "pk")
        .values_list("pk", "text")
    )


@dataclass(frozen=True)
class ReaderParts:
    """What of one consultation page is the reader's own."""

    follows: bool = False
    comment_ids: frozenset[int] = frozenset()
    voted_statement_ids: frozenset[int] = frozenset()
    # The reader's comments still within the edit window (offered 編輯).
    editable_comment_ids: frozenset[int] = frozenset()
    # For the header's bell, read in the same query.
    unread_notifications: int = 0


def reader_parts(*, consultation: ConsultationPage | int, user) -> ReaderParts:
    """The reader's follow, comments and votes on one consultation, in one query.

    Plain SQL: it runs on every signed-in read of a cached consultation page, and building the
    same union with the ORM cost more than running it.
    """
    if not user.is_authenticated:
        return ReaderParts()
    from django.db import connection

    from minyi.notifications.models import Notification

    from .models import Follow

    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    def column(model, field: str) -> str:
        return connection.ops.quote_name(model._meta.get_field(field).column)

    from .models import CommentState, comment_edit_cutoff

    follow, comment, vote, editable, unread = 0, 1, 2, 3, 4
    # Identifiers come from model metadata; every value is a parameter.
    sql = (
        f"SELECT {follow}, id FROM {table(Follow)}"  # noqa: S608
        f" WHERE {column(Follow, 'user')} = %s AND {column(Follow, 'consultation')} = %s"
        f" UNION ALL SELECT {comment}, id FROM {table(Comment)}"
        f" WHERE {column(Comment, 'author')} = %s AND {column(Comment, 'consultation')} = %s"
        f" UNION ALL SELECT {vote}, v.{column(Vote, 'statement')}"
        f" FROM {table(Vote)} v JOIN {table(Participant)} p"
        f" ON p.id = v.{column(Vote, 'participant')}"
        f" WHERE p.{column(Participant, 'user')} = %s"
        f" AND p.{column(Participant, 'consultation')} = %s"
        f" UNION ALL SELECT {editable}, id FROM {table(Comment)}"
        f" WHERE {column(Comment, 'author')} = %s AND {column(Comment, 'consultation')} = %s"
        f" AND {column(Comment, 'state')} = %s AND {column(Comment, 'created_at')} > %s"
        f" UNION ALL SELECT {unread}, COUNT(*) FROM {table(Notification)}"
        f" WHERE {column(Notification, 'user')} = %s AND {column(Notification, 'read_at')} IS NULL"
    )
    consultation_id = getattr(consultation, "pk", consultation)
    ids: dict[int, set[int]] = {k: set() for k in (follow, comment, vote, editable, unread)}
    params = [user.pk, consultation_id] * 4 + [CommentState.PUBLISHED, comment_edit_cutoff()]
    params.append(user.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, pk in cursor.fetchall():
            ids[kind].add(pk)
    return ReaderParts(
        follows=bool(ids[follow]),
        comment_ids=frozenset(ids[comment]),
        voted_statement_ids=frozenset(ids[vote]),
        editable_comment_ids=frozenset(ids[editable]),
        unread_notifications=max(ids[unread], default=0),
    )


# --- Settings -----------------------------------------------------------------------------


def participation_settings() -> "ParticipationSettings":
    """The default site's participation settings (unsaved defaults when none are stored)."""
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    stored = ParticipationSettings.objects.filter(site=site).first() if site else None
    return stored or ParticipationSettings(site=site)


# --- Petitions ----------------------------------------------------------------------------


def _petition_state_q(state: str, now) -> Q:
    """The database filter matching Petition.state_at(now) == state (plus "overdue")."""
    approved = Q(moderation_state=PetitionModeration.APPROVED, closes_at__isnull=False)
    waiting = Q(responded_at__isnull=True)
    if state == PetitionState.PENDING:
        return Q(moderation_state=PetitionModeration.PENDING)
    if state == PetitionState.REJECTED:
        return Q(moderation_state=PetitionModeration.REJECTED)
    if state == PetitionState.WITHDRAWN:
        return Q(moderation_state=PetitionModeration.WITHDRAWN)
    if state == PetitionState.RESPONDED:
        return approved & Q(responded_at__isnull=False)
    if state == PetitionState.REACHED:
        return approved & waiting & Q(reached_at__isnull=False)
    if state == "overdue":
        return approved & waiting & Q(reached_at__isnull=False, response_due_at__lt=now)
    if state == PetitionState.EXPIRED:
        return approved & waiting & Q(reached_at__isnull=True, closes_at__lte=now)
    if state == PetitionState.OPEN:
        return approved & waiting & Q(reached_at__isnull=True, closes_at__gt=now)
    raise ValueError(f"Unknown petition state: {state!r}")


def petition_board(
    *, state: str | None = None, agency_code: str | None = None
) -> QuerySet[Petition]:
    """Public petitions (past moderation), newest first, optionally by state and agency.

    States are computed from dates on every read, so expiry and overdue responses
    need no scheduled job.
    """
    now = timezone.now()
    petitions = Petition.objects.filter(moderation_state=PetitionModeration.APPROVED)
    if state:
        petitions = petitions.filter(_petition_state_q(state, now))
    if agency_code:
        petitions = petitions.filter(agency__code=agency_code)
    return petitions.select_related("agency").order_by("-opened_at", "-pk")


def petition_state_counts() -> dict[str, int]:
    """How many public petitions are in each state, and how many responses are overdue."""
    now = timezone.now()
    keys = [*PetitionState.public_values(), "overdue"]
    totals = Petition.objects.aggregate(
        **{str(key): Count("pk", filter=_petition_state_q(key, now)) for key in keys}
    )
    return {str(key): totals[str(key)] for key in keys}


def petition_overdue_list() -> QuerySet[Petition]:
    """Petitions past the threshold whose response deadline has passed."""
    return petition_board(state="overdue").order_by("response_due_at")


def petition_visible_to(*, pk: int, user) -> Petition | None:
    """The petition if this user may see it: public ones to all, pending ones to the author."""
    petition = Petition.objects.select_related("agency", "author").filter(pk=pk).first()
    if petition is None or petition.is_public:
        return petition
    if user.is_authenticated and petition.author_id == user.pk:
        return petition
    return None


def user_has_endorsed(*, petition: Petition, user) -> bool:
    if not user.is_authenticated:
        return False
    return PetitionEndorsement.objects.filter(petition=petition, user=user).exists()


# --- Agency responses ---------------------------------------------------------------------


def _response_versions(consultation: ConsultationPage) -> QuerySet[ConsultationResponse]:
    return (
        ConsultationResponse.objects.filter(consultation=consultation)
        .select_related("published_by", "drafted_by", "submitted_by")
        .prefetch_related(
            Prefetch(
                "section_responses",
                queryset=SectionResponse.objects.select_related("section").order_by(
                    "section__sort_order", "section__pk"
                ),
            )
        )
    )


def consultation_response_for(*, consultation: ConsultationPage) -> ConsultationResponse | None:
    """The version in force, with its rows in the order of the draft's sections."""
    return _response_versions(consultation).filter(state=ResponseState.PUBLISHED).first()


def consultation_response_draft_for(
    *, consultation: ConsultationPage
) -> ConsultationResponse | None:
    """The version being written or waiting for approval (staff only ever see it)."""
    return (
        _response_versions(consultation)
        .filter(state__in=[ResponseState.DRAFT, ResponseState.SUBMITTED])
        .first()
    )


def consultation_response_history(*, consultation: ConsultationPage) -> list[ConsultationResponse]:
    """Every version that was published, newest first (the one in force and those it replaced)."""
    return list(
        _response_versions(consultation)
        .filter(state__in=[ResponseState.PUBLISHED, ResponseState.SUPERSEDED])
        .order_by("-version")
    )


def user_can_respond_to_consultation(*, consultation: ConsultationPage, user) -> bool:
    from minyi.agencies.selectors import user_can_manage_agency

    return user.is_authenticated and user_can_manage_agency(user, consultation.agency)


def user_can_close_early(*, consultation: ConsultationPage, user) -> bool:
    """Whether ``user`` may close this open consultation before its time (提前截止): staff of its
    agency (or an administrator) who may edit the page."""
    return (
        consultation.status == ConsultationStatus.OPEN
        and user_can_respond_to_consultation(consultation=consultation, user=user)
        and consultation.permissions_for_user(user).can_edit()
    )


def user_can_respond_now(*, consultation: ConsultationPage, user) -> bool:
    """Whether ``user`` is offered the response form: the consultation has closed (or been
    answered, for corrections) and it is their agency's."""
    return consultation.status in (
        ConsultationStatus.CLOSED,
        ConsultationStatus.RESPONDED,
    ) and user_can_respond_to_consultation(consultation=consultation, user=user)


def consultation_response_context(*, consultation: ConsultationPage, user) -> dict:
    """What the consultation page needs: the 對照表 in force and, for staff, the next step."""
    response = consultation_response_for(consultation=consultation)
    can_respond = user_can_respond_now(consultation=consultation, user=user)
    return {
        "agency_response": response,
        "can_respond": can_respond,
        "response_draft": (
            consultation_response_draft_for(consultation=consultation) if can_respond else None
        ),
    }


RESPONSE_FORM_COMMENTS_PER_STANCE = 10


def response_form_sections(
    *, consultation: ConsultationPage, response: ConsultationResponse | None
) -> list:
    """The draft's sections for the response form: each with its comment counts, the newest
    published comments of each stance (the full list is linked) and what the response says."""
    sections = list(consultation.sections.all())
    counts = section_stance_counts(consultation=consultation)
    rows = {row.section_id: row for row in response.section_responses.all()} if response else {}
    # Keys first, then only the chosen comments: the form stays light with 100,000 comments.
    keys = (
        Comment.objects.filter(
            consultation=consultation,
            parent__isnull=True,
            state=CommentState.PUBLISHED,
            section__isnull=False,
        )
        .order_by("-created_at", "-pk")
        .values_list("pk", "section_id", "stance")
    )
    taken: dict[tuple[int, str], int] = {}
    chosen = []
    for pk, section_id, stance in keys:
        taken[section_id, stance] = taken.get((section_id, stance), 0) + 1
        if taken[section_id, stance] <= RESPONSE_FORM_COMMENTS_PER_STANCE:
            chosen.append(pk)
    grouped: dict[tuple[int, str], list[Comment]] = {}
    for comment in Comment.objects.filter(pk__in=chosen).order_by("-created_at", "-pk"):
        grouped.setdefault((comment.section_id, comment.stance), []).append(comment)
    for section in sections:
        section.stance_counts = counts.get(section.pk, dict.fromkeys(Stance.values, 0))
        section.has_comments = any(section.stance_counts.values())
        section.comments_by_stance = [
            {
                "stance": value,
                "label": label,
                "count": section.stance_counts.get(value, 0),
                "comments": grouped.get((section.pk, value), []),
            }
            for value, label in Stance.choices
        ]
        row = rows.get(section.pk)
        section.decision = row.decision if row else ""
        section.reason = row.reason if row else ""
    return sections


def consultation_participant_users(*, consultation: ConsultationPage) -> QuerySet:
    """Active users who commented on, voted in or added statements to this consultation."""
    from minyi.accounts.models import User

    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(pk__in=Comment.objects.filter(consultation=consultation).values("author_id"))
            | Q(
                pk__in=Participant.objects.filter(
                    consultation=consultation, user__isnull=False
                ).values("user_id")
            )
        )
        .order_by("pk")
    )


def petition_board_page():
    from .models import PetitionIndexPage

    return PetitionIndexPage.objects.live().public().first()


def _votes_export(user) -> list[dict]:
    """The user's votes. Statements are other people's words: only their text as published
    now (minyi.publishing), none when a moderator has since removed one."""
    from minyi.publishing import publishable_texts

    votes = list(
        Vote.objects.filter(participant__user=user)
        .order_by("updated_at")
        .values_list("statement_id", "value", "updated_at")
    )
    texts = publishable_texts("participation.statement", {v[0] for v in votes})
    return [
        {
            "statement": texts.get(statement_id, ""),
            "vote": value,
            "vote_label": str(VoteValue(value).label),
            "at": at.isoformat(),
        }
        for statement_id, value, at in votes
    ]


def participant_data_export(user) -> dict:
    """The user's own contributions, for the personal data export (as published). Each code
    (``support``, ``published``) comes with its label in the reader's language beside it."""
    return {
        "comments": [
            {
                "consultation": comment.consultation.title,
                "section": comment.section.number if comment.section else None,
                "stance": comment.stance,
                "stance_label": str(comment.get_stance_display()),
                "text": comment.body,
                "state": comment.state,
                "state_label": str(comment.get_state_display()),
                "created_at": comment.created_at.isoformat(),
                "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
            }
            for comment in Comment.objects.filter(author=user)
            .select_related("consultation", "section")
            .order_by("created_at")
        ],
        "statements": [
            {
                "consultation": statement.consultation.title,
                "text": statement.text,
                "state": statement.moderation_state,
                "state_label": str(statement.get_moderation_state_display()),
                "created_at": statement.created_at.isoformat(),
            }
            for statement in Statement.objects.filter(author__user=user)
            .select_related("consultation")
            .order_by("created_at")
        ],
        "votes": _votes_export(user),
        "petitions": [
            {
                "title": petition.title,
                "text": petition.body,
                "state": petition.state,
                "state_label": str(PetitionState(petition.state).label),
                "created_at": petition.created_at.isoformat(),
            }
            for petition in Petition.objects.filter(author=user).order_by("created_at")
        ],
        "petition_endorsements": [
            {"petition": endorsement.petition.title, "at": endorsement.created_at.isoformat()}
            for endorsement in PetitionEndorsement.objects.filter(user=user)
            .select_related("petition")
            .order_by("created_at")
        ],
        "follows": [
            {
                "consultation": follow.consultation.title if follow.consultation else None,
                "petition": follow.petition.title if follow.petition else None,
                "since": follow.created_at.isoformat(),
            }
            for follow in reversed(follows_of(user))
        ],
    }


def follows_of(user) -> list:
    """What the user follows, newest first, with the consultation or petition loaded."""
    from .models import Follow

    if not user.is_authenticated:
        return []
    return list(
        Follow.objects.filter(user=user)
        .select_related("consultation", "petition")
        .order_by("-created_at", "-pk")
    )


def comment_history(*, comment_id: int):
    """A published comment and its earlier texts (oldest first), or ``None``."""
    comment = (
        Comment.objects.filter(pk=comment_id, state=CommentState.PUBLISHED)
        .select_related("author", "consultation")
        .prefetch_related("revisions")
        .first()
    )
    return comment


def user_follows(*, user, consultation=None, petition=None) -> bool:
    if not user.is_authenticated:
        return False
    from .models import Follow

    target = {"consultation": consultation} if consultation is not None else {"petition": petition}
    return Follow.objects.filter(user=user, **target).exists()


def topic_consultation_comments(*, topic, limit: int = 10) -> dict:
    """Published comments of the consultations linked to a listening topic, with their
    sentiment: the panel participation adds to the topic's page (sentiment.listening.panels)."""
    from django.contrib.contenttypes.models import ContentType

    from sentiment.models import TextAnalysis

    comments = Comment.objects.filter(
        consultation__in=topic.consultations.all(), state=CommentState.PUBLISHED
    )
    content_type = ContentType.objects.get_for_model(Comment)
    labels = Counter(
        TextAnalysis.objects.filter(
            content_type=content_type, object_id__in=comments.values("pk")
        ).values_list("sentiment", flat=True)
    )
    return {
        "count": comments.count(),
        "sentiment": {key: labels.get(key, 0) for key in ("positive", "neutral", "negative")},
        "latest": list(comments.select_related("consultation").order_by("-created_at")[:limit]),
    }


def petitions_to_answer(*, agencies) -> QuerySet[Petition]:
    """For the admin home of agency staff: petitions to their agencies that reached the
    threshold and wait for an answer, the nearest deadline (or the longest overdue) first."""
    return (
        petition_board(state=PetitionState.REACHED)
        .filter(agency__in=agencies)
        .order_by("response_due_at", "pk")
    )


def responses_to_do(*, agencies) -> list[dict]:
    """For the admin home of agency staff: closed consultations of their agencies whose response
    is still to write, being written, or waiting for approval (oldest deadline first)."""
    from django.utils import timezone

    closed = (
        ConsultationPage.objects.live()
        .filter(agency__in=agencies)
        .filter(consultation_status_q(ConsultationStatus.CLOSED, moment=timezone.now()))
        .select_related("agency")
        .order_by("closes_at")
    )
    open_drafts = {
        response.consultation_id: response
        for response in ConsultationResponse.objects.filter(
            consultation__agency__in=agencies,
            state__in=[ResponseState.DRAFT, ResponseState.SUBMITTED],
        )
    }
    rows = [{"consultation": page, "draft": open_drafts.pop(page.pk, None)} for page in closed]
    # Corrections in the works on consultations that already have a response.
    for response in open_drafts.values():
        rows.append({"consultation": response.consultation, "draft": response})
    return rows


# --- Endorsement integrity (moderators) ---------------------------------------------------------

# An endorsement "from a new account" comes from an account opened at most this long before it.
NEW_ACCOUNT_DAYS = 7


def _integrity_counts(prefix: str = "") -> dict:
    """Counts over endorsements (``prefix`` "endorsements__" from a petition): all, verified
    when given (mobile number or government identity), by government identity, from new
    accounts."""
    created = f"{prefix}created_at"
    return {
        "total": Count(f"{prefix}pk"),
        "verified": Count(f"{prefix}pk", filter=~Q(**{f"{prefix}identity_key": ""})),
        "government": Count(
            f"{prefix}pk", filter=Q(**{f"{prefix}identity_key__startswith": "gov:"})
        ),
        "new_accounts": Count(
            f"{prefix}pk",
            filter=Q(
                **{
                    f"{prefix}user__date_joined__gte": models.F(created)
                    - timezone.timedelta(days=NEW_ACCOUNT_DAYS)
                }
            ),
        ),
    }


def _shares(row: dict) -> dict:
    total = row["total"] or 0
    for key in ("verified", "new_accounts"):
        row[f"{key}_share"] = round(100 * row[key] / total) if total else None
    return row


def petition_integrity_list() -> list[dict]:
    """Every petition past moderation with its endorsement figures, open ones first."""
    petitions = (
        Petition.objects.filter(moderation_state=PetitionModeration.APPROVED)
        .select_related("agency")
        .annotate(**_integrity_counts("endorsements__"))
        .order_by("-opened_at", "-pk")
    )
    return [
        _shares(
            {
                "petition": p,
                "total": p.total,
                "verified": p.verified,
                "government": p.government,
                "new_accounts": p.new_accounts,
            }
        )
        for p in petitions
    ]


def petition_integrity(*, petition: Petition) -> dict:
    """One petition's endorsements: totals and, per day (Taiwan time), how many came, how many
    from verified people and how many from accounts opened in the last NEW_ACCOUNT_DAYS days."""
    from django.db.models.functions import TruncDate

    endorsements = PetitionEndorsement.objects.filter(petition=petition)
    summary = _shares(endorsements.aggregate(**_integrity_counts()))
    days = (
        endorsements.annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(**_integrity_counts())
        .order_by("day")
    )
    rows = [_shares(dict(row)) for row in days]
    busiest = max((row["total"] for row in rows), default=0)
    running = 0
    for row in rows:
        running += row["total"]
        row["cumulative"] = running
        row["bar"] = round(60 * row["total"] / busiest) if busiest else 0  # px
    return {"summary": summary, "days": rows, "new_account_days": NEW_ACCOUNT_DAYS}


MY_CONTRIBUTIONS_LIMIT = 50


@dataclass(frozen=True)
class MyContributions:
    """What one person wrote and supported, newest first (each list at most the limit)."""

    comments: list
    comment_count: int
    statements: list
    statement_count: int
    petitions: list
    endorsements: list


def my_contributions(*, user) -> MyContributions:
    """The author's own comments and statements in every state (withdrawn ones left out: the
    author took them back), the petitions they proposed and those they endorsed."""
    comments = (
        Comment.objects.filter(author=user)
        .exclude(state=CommentState.WITHDRAWN)
        .select_related("consultation", "section")
        .order_by("-created_at")
    )
    statements = (
        Statement.objects.filter(author__user=user)
        .select_related("consultation")
        .order_by("-created_at")
    )
    petitions = (
        Petition.objects.filter(author=user).select_related("agency").order_by("-created_at")
    )
    endorsed = (
        Petition.objects.filter(endorsements__user=user)
        .select_related("agency")
        .order_by("-endorsements__created_at")
    )
    limit = MY_CONTRIBUTIONS_LIMIT
    shown = list(comments[:limit])
    not_published = [c for c in shown if c.state in (CommentState.REJECTED, CommentState.HELD)]
    reasons = screening_rule_titles(instances=not_published)
    for comment in shown:
        comment.screening_rules = reasons.get(comment.pk, [])
    return MyContributions(
        comments=shown,
        comment_count=comments.count(),
        statements=list(statements[:limit]),
        statement_count=statements.count(),
        petitions=list(petitions[:limit]),
        endorsements=list(endorsed[:limit]),
    )
