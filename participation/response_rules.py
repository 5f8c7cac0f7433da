"""What one article's answer in the agency response (對照表) must hold: the rule that the
response form checks on every save and the services check again before a version is stored,
submitted or approved."""

from django.utils.translation import gettext as _

from .models import COMMENT_MAX_LENGTH, AdoptionDecision

# Partly adopting or not adopting what people asked for must be explained to them.
REASON_REQUIRED = frozenset({AdoptionDecision.PARTLY, AdoptionDecision.NOT_ADOPTED})
# What the agency decides on an article that received comments.
COMMENTED_DECISIONS = (
    AdoptionDecision.ADOPTED,
    AdoptionDecision.PARTLY,
    AdoptionDecision.NOT_ADOPTED,
)


def section_decision(*, decision: str, has_comments: bool) -> str:
    """The decision to store: as chosen, except that an article nobody commented on is always
    「未收到意見」 (there is nothing to adopt or refuse, and the table must not claim otherwise)."""
    return (decision or "").strip() if has_comments else AdoptionDecision.NO_COMMENTS


def section_answer_errors(
    *, number: str, decision: str, reason: str, has_comments: bool, complete: bool
) -> dict[str, str]:
    """What is wrong with one article's answer: ``{"decision" or "reason": message}``, the
    message naming the article; empty when nothing is.

    ``complete`` is False for a draft being saved, which may still leave a commented article
    without a decision; True before it goes to the approver. ``decision`` is the one
    ``section_decision`` gives; an article without comments needs no reason (a note may say
    more).
    """
    decision, reason = (decision or "").strip(), (reason or "").strip()
    named = {"section": number}
    choose = _("%(section)s: choose adopted, partly adopted or not adopted.")
    unknown = bool(decision) and decision not in COMMENTED_DECISIONS
    if has_comments and (unknown or (complete and not decision)):
        return {"decision": choose % named}
    if decision in REASON_REQUIRED and not reason:
        return {"reason": _("%(section)s: give the reason for this decision.") % named}
    if len(reason) > COMMENT_MAX_LENGTH:
        return {
            "reason": _("%(section)s: a reason has at most %(limit)d characters.")
            % {**named, "limit": COMMENT_MAX_LENGTH}
        }
    return {}
