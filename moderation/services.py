"""The one entry point every citizen submission passes through.

Participation (comments, statements, petitions) calls :func:`submission_screen`
before showing anything; it returns what to publish and whether to show it now.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from minyi.accounts.models import User

from .models import Outcome, Submission
from .screening import screen


@dataclass(frozen=True)
class ModerationVerdict:
    outcome: Outcome
    published_text: str
    reasons: list[dict]

    @property
    def visible(self) -> bool:
        return self.outcome in {Outcome.PUBLISH, Outcome.PUBLISH_MASKED}


def screen_text(*, text: str, author: User | None = None) -> ModerationVerdict:
    """Screen without storing (for previews and validation)."""
    result = screen(text, context={"user_id": getattr(author, "pk", None)})
    return ModerationVerdict(
        outcome=Outcome(result.outcome),
        published_text=result.published_text,
        reasons=[
            {
                "check": r.check,
                "rule": r.rule,
                "span": [r.span[0], r.span[1]],
                "message": r.message_zh,
            }
            for r in result.reasons
        ],
    )


@transaction.atomic
def submission_record(
    *, content_object: models.Model, author: User | None, text: str, verdict: ModerationVerdict
) -> Submission:
    """Store the screening of a saved object (in the caller's transaction)."""
    return Submission.objects.create(
        content_type=ContentType.objects.get_for_model(content_object),
        object_id=content_object.pk,
        author=author,
        original_text=text,
        published_text=verdict.published_text,
        outcome=verdict.outcome,
        reasons=verdict.reasons,
    )
