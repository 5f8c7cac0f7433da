"""Value types shared by the screening checks."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

PUBLISH = "publish"
PUBLISH_MASKED = "publish_masked"
HOLD = "hold"
REJECT = "reject"
OUTCOMES = (PUBLISH, PUBLISH_MASKED, HOLD, REJECT)

# Severity scale used by every check.
NOTE = 1  # recorded for moderators and metrics; does not stop publication by itself
SEVERE = 2  # held for a moderator
EXTREME = 3  # held, or rejected where the rule allows rejection (unambiguous spam only)


@dataclass(frozen=True, slots=True)
class Reason:
    """One finding of one check.

    ``span`` is (start, end) in the ORIGINAL submitted text (Python string indices, end exclusive).
    ``mask`` is true when the span must be masked in what is published; ``replacement`` is the
    masked form of the span (only meaningful when ``mask`` is true).
    """

    check: str
    rule: str
    span: tuple[int, int]
    severity: int
    mask: bool
    message_zh: str
    replacement: str | None = field(default=None, compare=False)
    kind: str = field(default="", compare=False)  # finer type, e.g. "national-id", "mobile"


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    outcome: str
    reasons: tuple[Reason, ...]
    published_text: str

    def as_dict(self) -> dict[str, Any]:
        """The command-line contract's shape (without the id)."""
        return {
            "outcome": self.outcome,
            "reasons": [
                {"check": r.check, "rule": r.rule, "span": [r.span[0], r.span[1]]}
                for r in self.reasons
            ],
            "published_text": self.published_text,
        }


class Check(Protocol):
    name: str

    def check(self, text: str, context: Mapping[str, Any]) -> list[Reason]: ...
