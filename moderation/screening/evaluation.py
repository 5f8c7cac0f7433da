"""Precision and recall of the screening checks on a labelled JSON Lines set.

Each line: ``{"id": ..., "text": ..., "labels": [...]}`` with labels among ``CATEGORIES``; an
empty list is a clean comment. A category is predicted for an item when any reason's rule maps to
it (``category_of``). Used by the benchmark script and by the quality-gate test.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from moderation.screening import screen
from moderation.screening.types import Reason

CATEGORIES = ("personal_data", "abuse", "hate", "threat", "spam")


def category_of(reason: Reason) -> str | None:
    if reason.rule == "personal-data":
        return "personal_data"
    if reason.rule in ("abuse", "hate", "threat"):
        return reason.rule
    if reason.rule.startswith("spam-"):
        return "spam"
    return None


@dataclass(frozen=True, slots=True)
class Score:
    category: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


def load_items(path: Path) -> list[dict]:
    with Path(path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def predicted_categories(text: str) -> set[str]:
    return {c for r in screen(text).reasons if (c := category_of(r)) is not None}


def evaluate(items: Iterable[dict]) -> tuple[dict[str, Score], list[tuple[dict, set[str]]]]:
    """Per-category scores and the misclassified items with what was predicted."""
    counts = {c: [0, 0, 0] for c in CATEGORIES}
    errors = []
    for item in items:
        gold = set(item["labels"])
        predicted = predicted_categories(item["text"])
        if gold != predicted:
            errors.append((item, predicted))
        for c in CATEGORIES:
            if c in predicted and c in gold:
                counts[c][0] += 1
            elif c in predicted:
                counts[c][1] += 1
            elif c in gold:
                counts[c][2] += 1
    return {c: Score(c, *v) for c, v in counts.items()}, errors
