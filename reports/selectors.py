"""Reads for decision reports: the stored reports, who may see them, and the raw inputs of a
generation (plain lists and arrays, so that reports.builder stays free of the ORM)."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.accounts.models import User
from minyi.agencies.roles import Role
from minyi.agencies.selectors import agencies_for_user, user_can_manage_agency, user_has_role
from minyi.publishing import publishable_texts
from participation.models import (
    Comment,
    ConsultationPage,
    ConsultationResponse,
    ConsultationStatus,
    Participant,
    Petition,
    PetitionModeration,
    ResponseState,
    SectionResponse,
    Statement,
    Vote,
)

from .models import Report, ReportStatus

# --- stored reports and access ----------------------------------------------------------------


def user_can_see_drafts(*, user: User, consultation: ConsultationPage) -> bool:
    """Analysts and the consultation's agency staff (and administrators) see every version."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user_has_role(user, Role.ANALYST) or user_can_manage_agency(user, consultation.agency)


def user_can_publish(*, user: User, consultation: ConsultationPage) -> bool:
    """The agency publishes: its staff (and administrators)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user_can_manage_agency(user, consultation.agency)


def report_list(*, consultation: ConsultationPage, user: User) -> list[Report]:
    """Versions ``user`` may see, newest first (without their figures)."""
    reports = Report.objects.filter(consultation=consultation).defer("data").order_by("-version")
    if not user_can_see_drafts(user=user, consultation=consultation):
        reports = reports.filter(published=True, status=ReportStatus.DONE)
    return list(reports)


def report_get(*, consultation: ConsultationPage, version: int, user: User) -> Report | None:
    """The version if it exists and ``user`` may see it, else None."""
    report = Report.objects.filter(consultation=consultation, version=version).first()
    if report is None:
        return None
    if report.published and report.is_done:
        return report
    return report if user_can_see_drafts(user=user, consultation=consultation) else None


def report_latest_published(*, consultation: ConsultationPage) -> Report | None:
    return (
        Report.objects.filter(consultation=consultation, published=True, status=ReportStatus.DONE)
        .defer("data")
        .order_by("-version")
        .first()
    )


def report_superseded_by_moderation(*, report: Report) -> bool:
    """Moderation changed what this version quotes or counts: it may no longer be public."""
    return report.outdated


def report_moderation_update_pending(*, consultation: ConsultationPage) -> bool:
    """A replacement of the published report is being generated after a moderator's decision."""
    return Report.objects.filter(
        consultation=consultation,
        replaces__isnull=False,
        status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING],
    ).exists()


def consultation_for_report(pk: int) -> ConsultationPage | None:
    return ConsultationPage.objects.select_related("agency").filter(pk=pk).first()


# --- generation inputs --------------------------------------------------------------------------


def local_tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@dataclass
class ReportInputs:
    """Everything a report is computed from, read at ``cutoff``."""

    cutoff: datetime
    consultation: dict
    sections: list[dict]
    # every comment created up to the cut-off, any state (the builder filters)
    comments: list[dict]
    statements: list[dict]
    # votes as parallel arrays (participant pk, statement pk, value)
    vote_participants: np.ndarray
    vote_statements: np.ndarray
    vote_values: np.ndarray
    # participant pk → user pk (None for imported voters)
    participant_users: dict[int, int | None]
    # local date (ISO) → count
    votes_per_day: dict[str, int]
    petitions: list[dict]
    submissions: list[dict]
    decisions: list[dict]
    sentiment_models: dict[str, int] = field(default_factory=dict)
    # section pk → {"decision": AdoptionDecision code, "reason"} of the agency's response in
    # force at the cut-off (see agency_decisions); empty before it publishes one
    agency_decisions: dict[int, dict] = field(default_factory=dict)
    # social listening on the consultation's linked topics (see social_inputs)
    social: dict = field(default_factory=lambda: {"topics": [], "window": {}, "post_tokens": []})


def opinion_group_statement_ids(statements: list[dict]) -> list[int]:
    """Statements in the vote matrix: all but the rejected, held and hidden (Pol.is leaves out
    moderated-out statements)."""
    return [s["id"] for s in statements if s["in_groups"]]


def _statement_rows(consultation: ConsultationPage, cutoff: datetime | None) -> list[dict]:
    tz = local_tz()
    rows = Statement.objects.filter(consultation=consultation)
    if cutoff is not None:
        rows = rows.filter(created_at__lte=cutoff)
    rows = list(
        rows.order_by("created_at", "pk").values(
            "pk", "text", "moderation_state", "created_at", "external_id", "author_id"
        )
    )
    # Only what is published now keeps its words (minyi.publishing).
    texts = publishable_texts("participation.statement", [row["pk"] for row in rows])
    return [
        {
            "id": row["pk"],
            "text": texts.get(row["pk"], ""),
            "state": row["moderation_state"],
            "date": row["created_at"].astimezone(tz).date().isoformat(),
            "external_id": row["external_id"],
            "author_participant_id": row["author_id"],
            "in_groups": row["pk"] in texts,
        }
        for row in rows
    ]


def _vote_queryset(consultation: ConsultationPage, cutoff: datetime | None):
    votes = Vote.objects.filter(statement__consultation=consultation)
    return votes.filter(updated_at__lte=cutoff) if cutoff is not None else votes


def _vote_triples(votes) -> np.ndarray:
    return np.array(
        list(votes.values_list("participant_id", "statement_id", "value")), dtype=np.int64
    ).reshape(-1, 3)


def consultation_vote_matrix(*, consultation: ConsultationPage, cutoff: datetime | None = None):
    """The consultation's vote matrix for opinion groups (rows: participant pks)."""
    from participation.opinion_groups import vote_matrix

    statements = _statement_rows(consultation, cutoff)
    triples = _vote_triples(_vote_queryset(consultation, cutoff))
    return vote_matrix(
        triples[:, 0].tolist(),
        triples[:, 1].tolist(),
        triples[:, 2].tolist(),
        statements=opinion_group_statement_ids(statements),
    )


def participant_external_ids(*, consultation: ConsultationPage) -> dict[int, str]:
    """Participant pk → Pol.is voter id, for imported participants."""
    return dict(
        Participant.objects.filter(consultation=consultation)
        .exclude(external_id="")
        .values_list("pk", "external_id")
    )


def _analyses(model, pks) -> dict[int, dict]:
    """The engine's current readings of the items that are published now (minyi.publishing):
    a reading of text a moderator has since masked, or of a hidden item, is never used."""
    from sentiment.selectors import text_analyses_current

    rows = text_analyses_current(
        model=model, pks=pks, fields=("sentiment", "model_version", "tokens", "keywords")
    )
    return {
        pk: {
            "sentiment": row["sentiment"],
            "model_version": row["model_version"],
            "tokens": row["tokens"],
            "keywords": row["keywords"],
        }
        for pk, row in rows.items()
    }


def public_comment_texts(comments: list[tuple[int, int | None]]) -> dict[int, str]:
    """pk → text of the ``(pk, parent pk)`` comments the public sees now: published, and for
    a reply its comment too (the consultation page shows replies only under a published
    comment, so a reply under a hidden one is not public, even an agency's)."""
    parent_of = dict(comments)
    texts = publishable_texts("participation.comment", list(parent_of))
    outside = {p for p in parent_of.values() if p is not None and p not in parent_of}
    public_parents = set(texts) | set(publishable_texts("participation.comment", outside))
    return {
        pk: text
        for pk, text in texts.items()
        if parent_of[pk] is None or parent_of[pk] in public_parents
    }


def report_inputs(*, consultation: ConsultationPage, cutoff: datetime) -> ReportInputs:
    tz = local_tz()
    sections = [
        {
            "id": s.pk,
            "number": s.number,
            "text": s.text,
            "explanation": s.explanation,
        }
        for s in consultation.sections.all().order_by("sort_order", "pk")
    ]

    comment_qs = Comment.objects.filter(consultation=consultation, created_at__lte=cutoff)
    comment_rows = list(
        comment_qs.order_by("created_at", "pk").values(
            "pk", "section_id", "parent_id", "author_id", "stance", "state", "created_at"
        )
    )
    # Only what the public sees now is read with its words; the rest counts in figures only.
    bodies = public_comment_texts([(row["pk"], row["parent_id"]) for row in comment_rows])
    analyses = _analyses(Comment, list(bodies))
    comments = []
    for row in comment_rows:
        analysis = analyses.get(row["pk"])
        comments.append(
            {
                "id": row["pk"],
                "section_id": row["section_id"],
                "parent_id": row["parent_id"],
                "author_id": row["author_id"],
                "stance": row["stance"],
                "body": bodies.get(row["pk"], ""),
                "state": row["state"],
                "date": row["created_at"].astimezone(tz).date().isoformat(),
                "sentiment": analysis["sentiment"] if analysis else None,
                "model_version": analysis["model_version"] if analysis else None,
                "tokens": analysis["tokens"] if analysis else None,
                "keywords": analysis["keywords"] if analysis else None,
            }
        )

    statements = _statement_rows(consultation, cutoff)
    vote_qs = _vote_queryset(consultation, cutoff)
    triples = _vote_triples(vote_qs)
    votes_per_day = {
        row["day"].isoformat(): row["n"]
        for row in vote_qs.annotate(day=TruncDate("updated_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    }
    participant_users = dict(
        Participant.objects.filter(consultation=consultation).values_list("pk", "user_id")
    )

    # Petitions to the same agency during the comment period (petitions are not tied to a
    # consultation): a sign of what people raised with the agency meanwhile.
    until = min(consultation.closes_at, cutoff)
    petitions = [
        {"id": pk, "date": created.astimezone(tz).date().isoformat()}
        for pk, created in Petition.objects.filter(
            agency_id=consultation.agency_id,
            moderation_state=PetitionModeration.APPROVED,
            created_at__gte=consultation.opens_at,
            created_at__lte=until,
        ).values_list("pk", "created_at")
    ]

    submissions, decisions = _moderation_rows(consultation, cutoff)
    sentiment_models: dict[str, int] = {}
    for comment in comments:
        if comment["model_version"]:
            version = comment["model_version"]
            sentiment_models[version] = sentiment_models.get(version, 0) + 1

    return ReportInputs(
        cutoff=cutoff,
        consultation={
            "id": consultation.pk,
            "title": consultation.title,
            "slug": consultation.slug,
            "agency": consultation.agency.name_zh,
            "agency_code": consultation.agency.code,
            "opens_at": consultation.opens_at.isoformat(),
            "closes_at": consultation.closes_at.isoformat(),
            "url": consultation.url or "",
        },
        sections=sections,
        comments=comments,
        statements=statements,
        vote_participants=triples[:, 0],
        vote_statements=triples[:, 1],
        vote_values=triples[:, 2],
        participant_users=participant_users,
        votes_per_day=votes_per_day,
        petitions=petitions,
        submissions=submissions,
        decisions=decisions,
        sentiment_models=sentiment_models,
        agency_decisions=agency_decisions(consultation=consultation, cutoff=cutoff),
        social=social_inputs(consultation=consultation, cutoff=cutoff),
    )


def agency_decisions(*, consultation: ConsultationPage, cutoff: datetime) -> dict[int, dict]:
    """Section pk → the agency's decision (an AdoptionDecision code) and reason, from its
    response in force at the cut-off: the newest version published by then, even if a later
    correction has replaced it since (a report shows what was known at its cut-off)."""
    response = (
        ConsultationResponse.objects.filter(
            consultation=consultation,
            state__in=[ResponseState.PUBLISHED, ResponseState.SUPERSEDED],
            published_at__lte=cutoff,
        )
        .order_by("-published_at", "-version")
        .values_list("pk", flat=True)
        .first()
    )
    if response is None:
        return {}
    return {
        section_id: {"decision": decision, "reason": reason}
        for section_id, decision, reason in SectionResponse.objects.filter(
            response_id=response
        ).values_list("section_id", "decision", "reason")
    }


# Social media is read from two weeks before the consultation opens to two weeks after it
# closes: the debate starts before the draft is published and goes on after the deadline.
SOCIAL_MARGIN = timedelta(days=14)
# The keyword comparison reads the tokens of at most this many posts (the newest).
SOCIAL_POSTS_MAX = 50_000


def social_inputs(*, consultation: ConsultationPage, cutoff: datetime) -> dict:
    """Posts of the listening topics linked to the consultation, within the social window:
    per topic, counts per local day and sentiment and per source; and the tokens of every
    distinct post (each post once, even when several topics match it)."""
    from sentiment.models import Post, Topic
    from sentiment.selectors import text_analyses_current

    start = consultation.opens_at - SOCIAL_MARGIN
    end = min(cutoff, consultation.closes_at + SOCIAL_MARGIN)
    window = {"from": start.isoformat(), "to": end.isoformat()}
    topics = list(
        Topic.objects.filter(consultations=consultation)
        .order_by("name", "pk")
        .values_list("pk", "name", "query")
    )
    if not topics:
        return {"topics": [], "window": window, "post_tokens": []}
    tz = local_tz()
    in_window = {"published_at__gte": start, "published_at__lte": end}
    rows = []
    for topic_id, name, query in topics:
        posts = Post.objects.filter(topics=topic_id, **in_window)
        days = [
            {"date": row["day"].isoformat(), "sentiment": row["sentiment"], "n": row["n"]}
            for row in posts.annotate(day=TruncDate("published_at", tzinfo=tz))
            .values("day", "sentiment")
            .annotate(n=Count("pk"))
            .order_by("day", "sentiment")
        ]
        sources = [
            {"source": row["source__name"], "n": row["n"]}
            for row in posts.values("source__name").annotate(n=Count("pk")).order_by("source__name")
        ]
        rows.append(
            {"id": topic_id, "name": name, "query": query, "days": days, "sources": sources}
        )
    post_ids = (
        Post.objects.filter(topics__in=[t[0] for t in topics], **in_window)
        .order_by("-published_at", "-pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    post_ids = list(post_ids[:SOCIAL_POSTS_MAX])
    tokens = {
        pk: row["tokens"]
        for pk, row in text_analyses_current(model=Post, pks=post_ids, fields=("tokens",)).items()
    }
    return {
        "topics": rows,
        "window": window,
        "posts": len(post_ids),
        "capped": len(post_ids) == SOCIAL_POSTS_MAX,
        # None: the post is not analysed yet (no tokens to compare)
        "post_tokens": [tokens.get(pk) for pk in post_ids],
    }


def _moderation_rows(consultation: ConsultationPage, cutoff: datetime):
    from moderation.models import Decision, Submission

    kinds = {
        "comment": (Comment, Comment.objects.filter(consultation=consultation).values("pk")),
        "statement": (
            Statement,
            Statement.objects.filter(consultation=consultation).values("pk"),
        ),
    }
    submissions, decisions = [], []
    for kind, (model, ids) in kinds.items():
        content_type = ContentType.objects.get_for_model(model)
        for object_id, outcome, reasons in Submission.objects.filter(
            content_type=content_type, object_id__in=ids, submitted_at__lte=cutoff
        ).values_list("object_id", "outcome", "reasons"):
            rules = sorted({r.get("rule") for r in reasons or [] if r.get("rule")})
            submissions.append(
                {"kind": kind, "object_id": object_id, "outcome": outcome, "rules": rules}
            )
        for object_id, action, rule, appeal, appeal_at in Decision.objects.filter(
            content_type=content_type, object_id__in=ids, decided_at__lte=cutoff
        ).values_list("object_id", "action", "rule", "appeal__outcome", "appeal__decided_at"):
            overturned = appeal == "overturned" and appeal_at is not None and appeal_at <= cutoff
            decisions.append(
                {
                    "kind": kind,
                    "object_id": object_id,
                    "action": action,
                    "rule": rule,
                    "overturned": overturned,
                }
            )
    return submissions, decisions


def reports_of_consultation(*, consultation: ConsultationPage) -> QuerySet[Report]:
    return Report.objects.filter(consultation=consultation).defer("data")


def comment_readings(*, consultation: ConsultationPage) -> list[dict]:
    """For analysts and the agency's staff: each published comment with the model's reading of
    its tone (the public sees aggregates only). Newest first."""
    from sentiment.models import SentimentLabel

    comments = list(
        Comment.objects.filter(consultation=consultation)
        .select_related("section")
        .order_by("-created_at", "-pk")
    )
    texts = public_comment_texts([(c.pk, c.parent_id) for c in comments])
    readings = _analyses(Comment, list(texts))
    rows = []
    for comment in comments:
        if comment.pk not in texts:
            continue  # not public now: no words, no reading
        reading = readings.get(comment.pk)
        rows.append(
            {
                "comment": comment,
                "text": texts[comment.pk],
                "tone": str(SentimentLabel(reading["sentiment"]).label) if reading else "",
                "model": reading["model_version"] if reading else "",
            }
        )
    return rows


# --- What other apps' codes are called (for the report's tables and charts) -----------------
# The report's modules read other apps only through this module and their selectors; these
# label lookups are the reads of vocabularies that the presentation needs.


def stance_label(code: str) -> str:
    from participation.models import Stance

    return str(Stance(code).label) if code in Stance.values else code


def sentiment_label(code: str) -> str:
    from sentiment.models import SentimentLabel

    if code == "unanalysed":
        return _("Not analysed yet")
    return str(SentimentLabel(code).label) if code in SentimentLabel.values else code


def outcome_label(code: str) -> str:
    from moderation.models import Outcome

    return str(Outcome(code).label) if code in Outcome.values else code


def action_label(code: str) -> str:
    from moderation.models import DecisionAction

    return str(DecisionAction(code).label) if code in DecisionAction.values else code


def rule_title(code: str) -> str:
    from moderation.rules import RULES

    rule = RULES.get(code)
    return rule.title_zh if rule else code


# The kinds a report counts, by the keys its moderation figures use.
_STATE_KINDS = {"comment": "participation.comment", "statement": "participation.statement"}


def item_state_of(kind: str, code: str) -> str:
    """A stored state (``published``, ``accepted``…) of a report's ``comment`` or ``statement``
    as moderation names it for every kind (``visible``, ``held``, ``hidden``, ``rejected``,
    ``withdrawn``); an unknown code is returned as it is."""
    from moderation.targets import moderated_kind

    values = moderated_kind(_STATE_KINDS[kind]).state_values or {}
    return next((state for state, codes in values.items() if code in codes), code)


def item_state_label(state: str) -> str:
    """The words moderators' screens use for an item state (「已隱藏」, 「暫緩待審」)."""
    from moderation.targets import ITEM_STATE_LABELS

    return str(ITEM_STATE_LABELS[state]) if state in ITEM_STATE_LABELS else state


def adoption_decision_labels() -> list[str]:
    from participation.models import AdoptionDecision

    return [str(label) for label in AdoptionDecision.labels]


def adoption_decision_label(code: str) -> str:
    """「採納」 for ``adopted``; "" for no decision (an unknown code is shown as it is)."""
    from participation.models import AdoptionDecision

    return str(AdoptionDecision(code).label) if code in AdoptionDecision.values else code


# Items whose moderation changes what a report quoted or counted.
_REPORTED_KINDS = {"participation.comment": "Comment", "participation.statement": "Statement"}


def reported_item(model_label: str, pk: int) -> dict | None:
    """``{"consultation_id", "created_at"}`` of a comment or statement a report may have
    counted; None for other kinds or a missing item."""
    from participation import models as participation_models

    name = _REPORTED_KINDS.get(model_label.lower())
    if name is None:
        return None
    model = getattr(participation_models, name)
    return model.objects.filter(pk=pk).values("consultation_id", "created_at").first()


def consultation_get(pk: int) -> ConsultationPage:
    return ConsultationPage.objects.get(pk=pk)


def consultation_stream(consultation_id: int) -> str:
    """The consultation's live stream (its cached pages key on its version)."""
    return ConsultationPage.stream_of(consultation_id)


# --- the admin's 「決策報告」 list and home panel ----------------------------------------------


@dataclass(frozen=True)
class ConsultationReports:
    consultation: ConsultationPage
    status: ConsultationStatus
    latest: Report | None  # the newest version, draft or published
    published: Report | None  # the newest published version
    versions: int


def user_may_read_reports(user: User) -> bool:
    """Analysts, agency staff and administrators: those who see reports' drafts
    (user_can_see_drafts) for at least one consultation."""
    if not user.is_authenticated or not user.is_active:
        return False
    # By role, which the request has read already (the admin menu asks on every page); agency
    # staff hold their agency's membership with the role (minyi.agencies.services).
    readers = (Role.ANALYST, Role.AGENCY_STAFF, Role.ADMINISTRATOR)
    return user.is_superuser or any(user_has_role(user, role) for role in readers)


def consultations_with_reports(
    *, user: User, closed_only: bool = False
) -> list[ConsultationReports]:
    """The live consultations whose reports ``user`` may read (every one for analysts, their
    agencies' for staff), the most recently closing first, each with its newest reports."""
    if not user_may_read_reports(user):
        return []
    now = timezone.now()
    consultations = ConsultationPage.objects.live().select_related("agency")
    if not user_has_role(user, Role.ANALYST):
        consultations = consultations.filter(agency__in=agencies_for_user(user))
    if closed_only:
        consultations = consultations.filter(closes_at__lte=now)
    consultations = list(consultations.order_by("-closes_at", "-pk"))
    reports: dict[int, list[Report]] = {}
    for report in (
        Report.objects.filter(consultation__in=consultations).defer("data").order_by("-version")
    ):
        reports.setdefault(report.consultation_id, []).append(report)
    rows = []
    for consultation in consultations:
        versions = reports.get(consultation.pk, [])
        rows.append(
            ConsultationReports(
                consultation=consultation,
                status=consultation.status_at(now),
                latest=versions[0] if versions else None,
                published=next((r for r in versions if r.published), None),
                versions=len(versions),
            )
        )
    return rows
