"""Forms of the citizens' moderation actions: report an item, appeal a decision."""

from django import forms

from minyi.forms import TextField


class ReportForm(forms.Form):
    """A report names a house rule (``rule``) and may add a note; the service checks both."""

    rule = TextField()
    note = TextField()


class AppealForm(forms.Form):
    reason = TextField()
