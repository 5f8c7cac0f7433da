"""Programmes in the site search (registered with ``minyi.search`` in ``apps.py``)."""

from django.db.models import Q
from django.utils.translation import gettext as _

from minyi.search import SearchHit, text_score, text_snippet

from .models import Program
from .selectors import dashboard_page, program_url

CANDIDATES = 100


def program_search_hits(terms: list[str]) -> list[SearchHit]:
    """Programmes whose code, name, objectives, description or agency say every term."""
    page = dashboard_page()
    if page is None:  # no public dashboard: nowhere to send the reader
        return []
    query = Q()
    for term in terms:
        query &= (
            Q(code__icontains=term)
            | Q(name__icontains=term)
            | Q(objectives__icontains=term)
            | Q(description__icontains=term)
            | Q(category__icontains=term)
            | Q(agency__name_zh__icontains=term)
        )
    programs = Program.objects.filter(query).select_related("agency").order_by("code")
    label = _("Program")
    return [
        SearchHit(
            kind="program",
            kind_label=label,
            title=f"{program.name}（{program.agency.name_zh}）",
            snippet=text_snippet(program.objectives or program.description, terms),
            url=program_url(page=page, code=program.code),
            score=8
            + text_score(
                [(program.name, 5), (program.objectives, 2), (program.description, 1)], terms
            ),
        )
        for program in programs[:CANDIDATES]
    ]
