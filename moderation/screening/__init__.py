"""Automatic pre-screening of citizen submissions: a pipeline of small, pure checks.

    from moderation.screening import screen
    result = screen("我的手機是0912-345-678", context={"user_recent_submissions": 1})
    result.outcome         # "publish_masked"
    result.published_text  # "我的手機是0912-***-678"
    result.reasons         # (Reason(check="personal_data", rule="personal-data", span=(5, 17), …),)

Each check has a ``name`` and ``check(text, context) -> list[Reason]``; reasons carry a house-rule
code (``moderation.rules``), a span in the ORIGINAL text, a severity (1 recorded, 2 hold, 3
extreme) and a Traditional Chinese message for the author. No database, no request.

Checks (``DEFAULT_CHECKS``): ``unsafe_text`` (control, bidi and zero-width characters; over-long
text), ``personal_data`` (IDs, phones, e-mail, cards, bank accounts, addresses; masked),
``lexicon`` (abuse, hate, threats; see ``lexicon.py`` for the evasion folding), ``spam`` (links,
repetition, spam domains) and ``submission_rate`` (counts supplied by the caller in ``context``).

Outcome rules, first match wins:

====  ==========================================================  ================
#     reasons present                                             outcome
====  ==========================================================  ================
1     a spam rule (spam-domain, spam-links, spam-repetition,      reject
      spam-flood, spam-duplicate) at severity 3: known spam
      domain, ≥ 10 links, text that is almost only repetition,
      flooding at ≥ 3 × the limit
2     any threat (any severity)                                   hold
3     any other reason at severity ≥ 2 (severe abuse or hate,     hold
      link-heavy text, mostly repetition, over a rate limit)
4     personal data (masked in ``published_text``)                publish_masked
5     otherwise (mild abuse such as 靠北 or a lone 幹, unsafe       publish
      characters removed, nothing found)
====  ==========================================================  ================

Abuse and hate are never rejected automatically: a moderator decides. ``published_text`` is always
the original with personal data masked and unsafe characters removed (``clean_text``), whatever
the outcome, so a held item can later be published as is.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from moderation.screening.lexicon import LexiconCheck
from moderation.screening.personal_data import PersonalDataCheck
from moderation.screening.spam import SpamCheck, SubmissionRateCheck
from moderation.screening.text import MAX_LENGTH, clean_text, find_unsafe, strip_invisible
from moderation.screening.types import (
    EXTREME,
    HOLD,
    NOTE,
    OUTCOMES,
    PUBLISH,
    PUBLISH_MASKED,
    REJECT,
    SEVERE,
    Check,
    Reason,
    ScreeningResult,
)

__all__ = [
    "DEFAULT_CHECKS",
    "HOLD",
    "OUTCOMES",
    "PUBLISH",
    "PUBLISH_MASKED",
    "REJECT",
    "Check",
    "Reason",
    "ScreeningResult",
    "UnsafeTextCheck",
    "apply_masks",
    "clean_text",
    "decide_outcome",
    "screen",
]

REJECTABLE_RULES = frozenset(
    {"spam-domain", "spam-links", "spam-repetition", "spam-flood", "spam-duplicate"}
)

_UNSAFE_MESSAGES = {
    "bidi": "內容含有雙向文字覆寫字元，公開時已移除。",
    "zero-width": "內容含有零寬字元，公開時已移除。",
    "control": "內容含有控制字元，公開時已移除。",
    "too-long": f"內容超過 {MAX_LENGTH:,} 字的長度上限，超出部分不會公開。",
}


class UnsafeTextCheck:
    name = "unsafe_text"

    def check(self, text: str, context: Mapping[str, Any]) -> list[Reason]:
        reasons = [
            Reason(
                check=self.name,
                rule="unsafe-text",
                span=(start, end),
                severity=NOTE,
                mask=False,
                message_zh=_UNSAFE_MESSAGES[kind],
                kind=kind,
            )
            for start, end, kind in find_unsafe(text[:MAX_LENGTH])
        ]
        if len(text) > MAX_LENGTH:
            reasons.append(
                Reason(
                    check=self.name,
                    rule="unsafe-text",
                    span=(MAX_LENGTH, len(text)),
                    severity=NOTE,
                    mask=False,
                    message_zh=_UNSAFE_MESSAGES["too-long"],
                    kind="too-long",
                )
            )
        return reasons


DEFAULT_CHECKS: tuple[Check, ...] = (
    UnsafeTextCheck(),
    PersonalDataCheck(),
    LexiconCheck(),
    SpamCheck(),
    SubmissionRateCheck(),
)


def decide_outcome(reasons: Iterable[Reason]) -> str:
    """The outcome table of this module's docstring."""
    reasons = list(reasons)
    if any(r.rule in REJECTABLE_RULES and r.severity >= EXTREME for r in reasons):
        return REJECT
    if any(r.rule == "threat" for r in reasons):
        return HOLD
    if any(r.severity >= SEVERE for r in reasons):
        return HOLD
    if any(r.mask for r in reasons):
        return PUBLISH_MASKED
    return PUBLISH


def apply_masks(text: str, reasons: Iterable[Reason]) -> str:
    """The text with every masking reason's span replaced by its masked form."""
    masks = sorted(
        (r for r in reasons if r.mask and r.replacement is not None), key=lambda r: r.span
    )
    out: list[str] = []
    pos = 0
    for r in masks:
        start, end = r.span
        if start < pos:  # overlapping masks: the earlier one wins
            continue
        out.append(text[pos:start])
        out.append(r.replacement)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def screen(
    text: str,
    *,
    context: Mapping[str, Any] | None = None,
    checks: Iterable[Check] = DEFAULT_CHECKS,
) -> ScreeningResult:
    """Screen one submission. Pure: no database, no request; ``context`` carries counts."""
    context = context or {}
    bounded = text[:MAX_LENGTH]
    # The other checks read the text as it will be published: with invisible characters
    # removed, so that "0<U+200B>A123456789" cannot hide an ID from the personal-data check
    # and publish it once the zero-width space is gone. Their spans index that visible text,
    # which is the submitted text itself whenever it had no such characters.
    visible = strip_invisible(bounded)
    reasons: list[Reason] = []
    for check in checks:
        reasons.extend(check.check(text if check.name == "unsafe_text" else visible, context))
    reasons.sort(key=lambda r: (r.span, r.check))
    return ScreeningResult(
        outcome=decide_outcome(reasons),
        reasons=tuple(reasons),
        published_text=clean_text(apply_masks(visible, reasons)),
    )
