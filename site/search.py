"""Site search's shared parts: the hit, the snippet and score helpers, and the registry through
which an app adds what it holds (performance: programmes) to the one search page, which lives
in participation, without either app importing the other."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class SearchHit:
    kind: str  # "consultation" | "comment" | "statement" | "petition" | a registered kind
    title: str
    snippet: str
    url: str
    score: float
    kind_label: str = ""  # what the result list calls a registered kind (translated)


SearchFinder = Callable[[list[str]], list[SearchHit]]
_FINDERS: dict[str, SearchFinder] = {}


def search_source_register(kind: str, find: SearchFinder) -> None:
    """``find(terms)`` returns the hits of one kind in which every term appears."""
    _FINDERS[kind] = find


def search_sources_find(terms: list[str]) -> list[SearchHit]:
    return [hit for find in _FINDERS.values() for hit in find(terms)]


def text_snippet(text: str, terms: list[str], width: int = 80) -> str:
    """About ``width`` characters of ``text`` around the first term found."""
    lowered = text.lower()
    positions = [lowered.find(term) for term in terms if lowered.find(term) >= 0]
    start = max(0, min(positions) - width // 4) if positions else 0
    piece = text[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def text_score(fields: list[tuple[str, float]], terms: list[str]) -> float:
    """Occurrences of the terms, weighted by the field they occur in."""
    return sum(weight * text.lower().count(term) for text, weight in fields for term in terms)
