"""Forms of moderation: the citizens' report and appeal, the moderators' decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from minyi.forms import TextField

from .models import DecisionAction


class ReportForm(forms.Form):
    """A report names a house rule (``rule``) and may add a note; the service checks both."""

    rule = TextField()
    note = TextField()


class AppealForm(forms.Form):
    reason = TextField()


# What a decision form hands to ``item_decide``, by name.
DECISION_FIELDS = ("action", "rule", "note", "masked_text")


class DecisionForm(forms.Form):
    """A moderator's decision on the chosen items: which items and what is decided. The
    decision's own rules (a house rule for adverse decisions, the masked text) are the service's
    (``item_decide``), checked per item."""

    action = forms.ChoiceField(
        choices=DecisionAction.choices,
        error_messages={
            "required": _("Choose a decision."),
            "invalid_choice": _("Choose a decision."),
        },
    )
    rule = TextField()
    note = TextField()
    masked_text = TextField()

    def clean_masked_text(self) -> str | None:
        return self.cleaned_data.get("masked_text") or None

    def decision(self) -> dict:
        """The keyword arguments ``item_decide`` takes from this form."""
        return {name: self.cleaned_data[name] for name in DECISION_FIELDS}


class ItemKeysField(forms.Field):
    """Every ``items`` value sent (``label:pk`` keys); each is looked up when it is decided."""

    widget = forms.MultipleHiddenInput  # reads all the values (the page's checkboxes)

    def to_python(self, value) -> list[str]:
        return [str(key) for key in value] if value else []


class QueueDecisionForm(DecisionForm):
    """The queue's form: one decision for every selected item."""

    items = ItemKeysField(error_messages={"required": _("Select at least one item.")})


class ItemDecisionForm(DecisionForm):
    """The form beside one item in the list of all items."""

    item = forms.CharField(error_messages={"required": _("Choose a decision.")})


class AppealDecisionForm(forms.Form):
    appeal = forms.IntegerField()
    outcome = TextField()
    note = TextField()
