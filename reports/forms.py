"""Forms of the report pages."""

from django import forms


class ReportPublishForm(forms.Form):
    """Make a report public ("1", the default) or take it back ("0")."""

    published = forms.ChoiceField(choices=[("1", "1"), ("0", "0")], required=False)

    def clean_published(self) -> bool:
        return self.cleaned_data.get("published", "1") != "0"
