"""Consultation endpoints of the public API (mounted by minyi.api at /api/v1/).

Nothing personal leaves through it: authors appear only by their public display name.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import django_auth

from minyi.api_auth import AsyncSessionAuth

from .models import (
    Comment,
    CommentState,
    ConsultationPage,
    ConsultationStatus,
    Petition,
    consultation_status_q,
)
from .selectors import consultation_list, consultation_statements, petition_board
from .services import comment_create
from .voting import vote_submit, voter_admit

router = Router(tags=["consultations"])


class Page20(PageNumberPagination):
    class Input(PageNumberPagination.Input):
        page_size: int = Field(20, ge=1, le=100)


class AgencyOut(Schema):
    code: str
    name_zh: str
    name_en: str


class SectionOut(Schema):
    id: int
    number: str
    text: str
    explanation: str


class ConsultationOut(Schema):
    id: int
    slug: str
    title: str
    summary: str
    agency: AgencyOut
    status: str
    opens_at: datetime
    closes_at: datetime
    url: str
    topics: list[str]

    @staticmethod
    def resolve_status(obj: ConsultationPage) -> str:
        return obj.status.value

    @staticmethod
    def resolve_topics(obj: ConsultationPage) -> list[str]:
        return sorted(tag.name for tag in obj.topics.all())

    @staticmethod
    def resolve_url(obj: ConsultationPage) -> str:
        return obj.get_url() or ""


class ConsultationDetailOut(ConsultationOut):
    sections: list[SectionOut]

    @staticmethod
    def resolve_sections(obj: ConsultationPage) -> list:
        return list(obj.sections.all())


class CommentOut(Schema):
    id: int
    section: int | None = Field(None, alias="section_id")
    parent: int | None = Field(None, alias="parent_id")
    stance: str
    body: str
    author: str
    created_at: datetime
    edited: bool

    @staticmethod
    def resolve_author(obj: Comment) -> str:
        return obj.author.public_name

    @staticmethod
    def resolve_edited(obj: Comment) -> bool:
        return obj.edited_at is not None


class StatementOut(Schema):
    id: int
    external_id: str
    text: str
    agrees: int = Field(..., alias="agree_count")
    disagrees: int = Field(..., alias="disagree_count")
    passes: int = Field(..., alias="pass_count")


class ConsultationFilter(Schema):
    agency: str | None = Field(None, description="agency code, e.g. MOTC")
    status: str | None = Field(None, description="draft, open, closed or responded")
    topic: str | None = Field(None, description="a topic, e.g. 交通")


class CommentIn(Schema):
    body: str
    stance: str = ""
    section: int | None = None
    parent: int | None = None


class CommentCreated(Schema):
    id: int
    state: str
    body: str
    reasons: list[str]


class VoteIn(Schema):
    value: int = Field(..., description="1 agree, -1 disagree, 0 pass")


class TallyOut(Schema):
    statement: int
    agrees: int
    disagrees: int
    passes: int


class PetitionOut(Schema):
    id: int
    title: str
    body: str
    agency: AgencyOut
    state: str
    endorsements: int = Field(..., alias="endorsement_count")
    threshold: int
    opened_at: datetime | None
    closes_at: datetime | None
    response_due_at: datetime | None
    response: str
    responded_at: datetime | None
    url: str

    @staticmethod
    def resolve_state(obj: Petition) -> str:
        return obj.state.value

    @staticmethod
    def resolve_url(obj: Petition) -> str:
        return obj.get_absolute_url()


class PetitionFilter(Schema):
    agency: str | None = Field(None, description="agency code, e.g. MOHW")
    state: str | None = Field(
        None, description="open, reached, responded, expired or overdue (response late)"
    )


class ErrorOut(Schema):
    detail: str


def _consultation(pk: int) -> ConsultationPage:
    return get_object_or_404(consultation_list(), pk=pk)


@router.get("/consultations", response=list[ConsultationOut])
@paginate(Page20)
def list_consultations(request, filters: Query[ConsultationFilter]):
    pages = consultation_list().prefetch_related("topics")
    if filters.topic:
        pages = pages.filter(topics__name=filters.topic.strip())
    if filters.agency:
        pages = pages.filter(agency__code=filters.agency.upper())
    if filters.status:
        if filters.status not in ConsultationStatus.values:
            return pages.none()
        pages = pages.filter(consultation_status_q(filters.status, moment=timezone.now()))
    return pages


@router.get("/consultations/{pk}", response=ConsultationDetailOut)
def get_consultation(request, pk: int):
    return _consultation(pk)


@router.get("/consultations/{pk}/comments", response=list[CommentOut])
@paginate(Page20)
def list_comments(request, pk: int, section: int | None = None):
    comments = (
        Comment.objects.filter(consultation=_consultation(pk), state=CommentState.PUBLISHED)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    if section is not None:
        comments = comments.filter(section_id=section)
    return comments


@router.get("/consultations/{pk}/statements", response=list[StatementOut])
@paginate(Page20)
def list_statements(request, pk: int):
    return consultation_statements(consultation=_consultation(pk))


@router.get("/petitions", response=list[PetitionOut], tags=["petitions"])
@paginate(Page20)
def list_petitions(request, filters: Query[PetitionFilter]):
    try:
        return petition_board(
            state=filters.state or None,
            agency_code=filters.agency.upper() if filters.agency else None,
        )
    except ValueError:
        return Petition.objects.none()


@router.get("/petitions/{pk}", response=PetitionOut, tags=["petitions"])
def get_petition(request, pk: int):
    return get_object_or_404(petition_board(), pk=pk)


@router.post(
    "/consultations/{pk}/comments",
    response={201: CommentCreated, 400: ErrorOut},
    auth=django_auth,
)
def post_comment(request, pk: int, payload: CommentIn):
    page = _consultation(pk)
    section = page.sections.filter(pk=payload.section).first() if payload.section else None
    parent = (
        get_object_or_404(Comment, pk=payload.parent, consultation=page) if payload.parent else None
    )
    comment = comment_create(
        consultation=page,
        user=request.user,
        body=payload.body,
        stance=payload.stance,
        section=section,
        parent=parent,
    )
    reasons = [reason["message"] for reason in comment.moderation_verdict.reasons]
    return Status(
        201, {"id": comment.pk, "state": comment.state, "body": comment.body, "reasons": reasons}
    )


@router.post(
    "/statements/{pk}/vote",
    response={200: TallyOut, 400: ErrorOut},
    auth=AsyncSessionAuth(admit=voter_admit),
)
async def post_vote(request, pk: int, payload: VoteIn):
    """Stored with the other votes arriving within a few milliseconds (participation.voting): one
    transaction per batch, no thread held per request."""
    answer = await vote_submit(
        user=request.auth, statement_id=pk, value=payload.value, admitted=True
    )
    if answer is None:
        raise Http404
    if answer.error:
        raise ValidationError(answer.error)
    return {
        "statement": pk,
        "agrees": answer.tally["agree"],
        "disagrees": answer.tally["disagree"],
        "passes": answer.tally["pass"],
    }
