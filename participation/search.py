"""Search that understands Chinese: 計程車 finds the consultations, comments, statements and
petitions that say it, and what other apps register (``minyi.search``: programmes).

The query is normalised like every text the engine reads (full-width folding, Simplified →
Taiwan Traditional, so 出租车 finds 計程車) and segmented with the project's jieba dictionary
into words; every word must appear (AND), as a substring of the title, summary, draft text or
comment, which works identically on SQLite and PostgreSQL (where trigram indexes keep it fast,
see migration 0007). Results are ranked by where and how often the words occur.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from minyi.search import SearchHit, search_sources_find, text_score, text_snippet

from .models import (
    Comment,
    CommentState,
    ConsultationPage,
    ConsultationSection,
    ModerationState,
    Petition,
    PetitionModeration,
    Statement,
)

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
CANDIDATES = 300


def query_terms(query: str) -> list[str]:
    """The words of a query that carry meaning, in order, without duplicates."""
    from sentiment.nlp.lexicons import load_stopwords
    from sentiment.nlp.normalize import normalize_text
    from sentiment.nlp.segment import get_segmenter

    text = normalize_text(query[:MAX_QUERY_LENGTH]).lower()
    if not text:
        return []
    stopwords = load_stopwords()
    words = [
        word
        for word in get_segmenter().cut(text)
        if word.strip() and any(char.isalnum() for char in word)
    ]
    meaningful = [word for word in words if word not in stopwords] or words
    return list(dict.fromkeys(meaningful))[:MAX_TERMS]


def site_search(query: str, *, limit: int | None = None) -> tuple[list[str], list[SearchHit]]:
    """Every public match of every term, best first (at most ``CANDIDATES`` of each kind)."""
    terms = query_terms(query)
    if not terms:
        return [], []

    consultation_q = Q()
    for term in terms:
        section_pages = ConsultationSection.objects.filter(
            Q(text__icontains=term) | Q(explanation__icontains=term) | Q(number__icontains=term)
        ).values("page_id")
        consultation_q &= (
            Q(title__icontains=term)
            | Q(summary__icontains=term)
            | Q(background__icontains=term)
            | Q(pk__in=section_pages)
        )
    consultations = list(
        ConsultationPage.objects.live()
        .public()
        .filter(consultation_q)
        .select_related("agency")
        .prefetch_related("sections")[:CANDIDATES]
    )
    hits = []
    for page in consultations:
        draft = " ".join(f"{s.text} {s.explanation}" for s in page.sections.all())
        hits.append(
            SearchHit(
                kind="consultation",
                title=page.title,
                snippet=text_snippet(page.summary, terms),
                url=page.url or "",
                score=10 + text_score([(page.title, 5), (page.summary, 2), (draft, 1)], terms),
            )
        )

    comment_q = Q()
    for term in terms:
        comment_q &= Q(body__icontains=term)
    public_pages = ConsultationPage.objects.live().public().values("pk")
    comments = (
        Comment.objects.filter(comment_q, state=CommentState.PUBLISHED)
        .filter(consultation_id__in=public_pages)
        .select_related("consultation", "author")
        .order_by("-created_at")[:CANDIDATES]
    )
    for comment in comments:
        hits.append(
            SearchHit(
                kind="comment",
                title=f"{comment.author.public_name} · {comment.consultation.title}",
                snippet=text_snippet(comment.body, terms),
                url=reverse("participation:comment_link", args=[comment.pk]),
                score=text_score([(comment.body, 1)], terms),
            )
        )
    statement_q = Q()
    for term in terms:
        statement_q &= Q(text__icontains=term)
    statements = (
        Statement.objects.filter(statement_q, consultation_id__in=public_pages)
        .exclude(
            moderation_state__in=[
                ModerationState.REJECTED,
                ModerationState.HELD,
                ModerationState.HIDDEN,
            ]
        )
        .select_related("consultation")
        .order_by("-created_at")[:CANDIDATES]
    )
    for statement in statements:
        hits.append(
            SearchHit(
                kind="statement",
                title=statement.consultation.title,
                snippet=text_snippet(statement.text, terms),
                url=f"{statement.consultation.url or ''}#statement-{statement.pk}",
                score=text_score([(statement.text, 1)], terms),
            )
        )
    hits += _petition_hits(terms)
    hits += search_sources_find(terms)  # what other apps hold (performance: programmes)
    hits.sort(key=lambda hit: -hit.score)
    return terms, hits if limit is None else hits[:limit]


def _petition_hits(terms: list[str]) -> list[SearchHit]:
    """Petitions a moderator approved (the board's; pending and rejected ones are private)."""
    petition_q = Q()
    for term in terms:
        petition_q &= Q(title__icontains=term) | Q(body__icontains=term)
    petitions = Petition.objects.filter(
        petition_q, moderation_state=PetitionModeration.APPROVED
    ).order_by("-created_at")[:CANDIDATES]
    return [
        SearchHit(
            kind="petition",
            title=petition.title,
            snippet=text_snippet(petition.body, terms),
            url=petition.get_absolute_url(),
            score=5 + text_score([(petition.title, 3), (petition.body, 1)], terms),
        )
        for petition in petitions
    ]


@dataclass(frozen=True)
class SearchKind:
    kind: str
    label: str
    count: int


def search_kinds(hits: list[SearchHit]) -> list[SearchKind]:
    """The kinds among the results, each with its name and count, in a fixed order."""
    counts = Counter(hit.kind for hit in hits)
    labels = {hit.kind: hit.kind_label for hit in hits if hit.kind_label}
    labels |= {
        "consultation": _("Consultation"),
        "petition": _("Petition"),
        "statement": _("Statement"),
        "comment": _("Comment"),
    }
    order = [
        "consultation",
        "petition",
        *sorted(k for k in counts if k not in BUILT_IN),
        "statement",
        "comment",
    ]
    return [SearchKind(kind, str(labels[kind]), counts[kind]) for kind in order if counts[kind]]


BUILT_IN = {"consultation", "petition", "statement", "comment"}
