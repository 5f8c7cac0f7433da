"""Forms of the citizens' actions on a consultation (the services keep the rules)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from minyi.forms import NextUrlForm, TextField

from .models import Comment, ConsultationPage


def _pk(value) -> int | None:
    value = str(value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


class CommentForm(forms.Form):
    """A comment on the whole text or on one section (``section``), or a reply (``parent``)."""

    body = TextField()
    stance = TextField()
    section = TextField()
    parent = TextField()

    def __init__(self, data=None, *, consultation: ConsultationPage, **kwargs):
        self.consultation = consultation
        super().__init__(data, **kwargs)

    def clean_section(self):
        # A section of another consultation, or none: a comment on the whole text.
        pk = _pk(self.cleaned_data.get("section"))
        return self.consultation.sections.filter(pk=pk).first() if pk is not None else None

    def clean_parent(self):
        if not self.cleaned_data.get("parent"):
            return None
        pk = _pk(self.cleaned_data["parent"])
        parent = (
            Comment.objects.filter(pk=pk, consultation=self.consultation).first()
            if pk is not None
            else None
        )
        if parent is None:
            raise ValidationError(_("That comment does not exist."), code="no_parent")
        return parent


class CommentEditForm(forms.Form):
    """The author's new text (and stance, for a comment that is not a reply)."""

    body = TextField()
    stance = TextField()

    def __init__(self, data=None, *, comment: Comment, **kwargs):
        self.comment = comment
        super().__init__(data, **kwargs)

    def clean_stance(self):
        # A reply has no stance of its own.
        return self.cleaned_data.get("stance", "") if self.comment.parent_id is None else None


class StatementForm(forms.Form):
    text = TextField()


class FollowForm(NextUrlForm):
    """``follow=1`` follows, anything else stops following; ``next`` is where to go back to."""

    follow = TextField()

    def clean_follow(self) -> bool:
        return self.cleaned_data.get("follow") == "1"


class VoteForm(NextUrlForm):
    """A vote from the card (``card=1``: answer with the next card) or from the statements page
    (``next``); the value is the service's to check, with the API's message."""

    value = TextField()
    card = TextField()

    def clean_card(self) -> bool:
        return self.cleaned_data.get("card") == "1"


class PetitionForm(forms.Form):
    """A proposal: the title, the text and the agency it is addressed to (a code, or none)."""

    title = TextField()
    body = TextField()
    agency = TextField()


class PetitionResponseForm(forms.Form):
    """The agency's answer to a petition; what it must hold is the service's rule."""

    response = TextField()


class ResponseDraftForm(forms.Form):
    """The agency response's draft: the overall answer and, per article, the decision and its
    reason (``decision-<pk>``, ``reason-<pk>``). What a complete answer holds is the service's
    rule (``consultation_response_draft_save``)."""

    overall = TextField()
    correction_note = TextField()
    action = TextField()  # "preview": save, then show the draft as the public will see it

    def __init__(self, data=None, *, section_ids: list[int], **kwargs):
        super().__init__(data, **kwargs)
        self.section_ids = section_ids
        for pk in section_ids:
            self.fields[f"decision-{pk}"] = TextField()
            self.fields[f"reason-{pk}"] = TextField()

    def answers(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {pk: (data[f"decision-{pk}"], data[f"reason-{pk}"]) for pk in self.section_ids}


class ResponseReturnForm(forms.Form):
    note = TextField()
