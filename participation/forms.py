"""Forms of the citizens' actions on a consultation (the services keep the rules)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from minyi.forms import NextUrlForm, TextField, form_value

from .models import Comment, ConsultationPage
from .response_rules import section_answer_errors, section_decision


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
    """The agency's answer to a petition, or a colleague's decision on it; what each action
    needs is the services' rule."""

    response = TextField()
    note = TextField()  # the correction's reason, or why it is sent back
    action = TextField()  # "submit" (the default), "approve" or "return"


class ResponseDraftForm(forms.Form):
    """The agency response's draft: the overall answer and, per article, the decision and its
    reason (``decision-<pk>``, ``reason-<pk>``). Each article is checked on every save by the
    rule the services share (``participation.response_rules``), so a half-written answer is
    refused next to its field before anything is stored."""

    overall = TextField()
    correction_note = TextField()
    action = TextField()  # "preview": save, then show the draft as the public will see it

    def __init__(self, data=None, *, sections: list, **kwargs):
        """``sections``: the articles as ``response_form_sections`` gives them (``pk``,
        ``number``, ``has_comments``)."""
        super().__init__(data, **kwargs)
        self.sections = sections
        for section in sections:
            self.fields[f"decision-{section.pk}"] = TextField()
            self.fields[f"reason-{section.pk}"] = TextField()

    def clean(self):
        cleaned = super().clean()
        for section in self.sections:
            decision_field = f"decision-{section.pk}"
            cleaned[decision_field] = section_decision(
                decision=cleaned.get(decision_field, ""), has_comments=section.has_comments
            )
            problems = section_answer_errors(
                number=section.number,
                decision=cleaned[decision_field],
                reason=cleaned.get(f"reason-{section.pk}", ""),
                has_comments=section.has_comments,
                complete=False,
            )
            for field, message in problems.items():
                self.add_error(f"{field}-{section.pk}", message)
        return cleaned

    def answers(self) -> dict[int, tuple[str, str]]:
        """Each article's (decision, reason) as typed, also when the form is invalid."""
        return {
            section.pk: (
                self._typed(f"decision-{section.pk}"),
                self._typed(f"reason-{section.pk}"),
            )
            for section in self.sections
        }

    def _typed(self, name: str) -> str:
        # A field with an error is not in cleaned_data: show it again as it was sent.
        return self.cleaned_data.get(name, form_value(self, name))

    def section_errors(self, pk: int) -> dict[str, list[str]]:
        """The errors shown next to one article's fields: ``{"decision": [...], ...}``."""
        return {field: self.errors.get(f"{field}-{pk}", []) for field in ("decision", "reason")}


class ResponseReturnForm(forms.Form):
    note = TextField()


class EarlyCloseForm(forms.Form):
    """Why staff close a consultation before its announced time (提前截止); the service checks
    the rest."""

    reason = forms.CharField(
        label=_("Reason for closing early"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Kept in the consultation's record and sent to its participants and followers."
        ),
        error_messages={"required": _("Say why the consultation closes early.")},
    )
