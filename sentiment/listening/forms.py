"""The upload forms of an upload source: the file, then which column holds each field."""

from django import forms

from minyi.forms import TextField

from .connectors.upload import FIELDS


class UploadFileForm(forms.Form):
    """A CSV or JSON Lines file; its size and encoding are checked when it is stored."""

    file = forms.FileField()


class UploadMappingForm(forms.Form):
    """``map_<field>``: the column that holds each of :data:`FIELDS` ("" when none)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in FIELDS:
            self.fields[f"map_{field}"] = TextField()

    def mapping(self) -> dict[str, str]:
        return {field: self.cleaned_data.get(f"map_{field}") or "" for field in FIELDS}
