"""The upload forms of an upload source: the file, then which column holds each field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .connectors.upload import FIELDS, REQUIRED

#: What each field of a post is called on the mapping step, and what it is for.
FIELD_LABELS = {
    "id": (_("Post ID"), _("Without it, each row gets an ID made from its content.")),
    "text": (_("Text"), ""),
    "published_at": (_("Published at"), _("Date and time, e.g. 2025-01-31 14:05.")),
    "author": (_("Author"), _("Stored only as a hash, never as the name.")),
    "url": (_("Link"), _("The post's address (http:// or https://).")),
    "title": (_("Title"), ""),
    "likes": (_("Likes"), ""),
    "shares": (_("Shares"), ""),
    "parent_id": (
        _("ID of the post replied to"),
        _("For comments and replies: the post ID of the post they answer."),
    ),
}


def _column_guess(field: str, columns: list[str], mapping: dict[str, str]) -> str:
    """The column chosen last time, else one named as the field (text) or its label (內容)."""
    for candidate in (mapping.get(field), field, str(FIELD_LABELS[field][0])):
        if candidate in columns:
            return candidate
    return ""


class UploadFileForm(forms.Form):
    """A CSV or JSON Lines file; its size and encoding are checked when it is stored."""

    file = forms.FileField()


class UploadMappingForm(forms.Form):
    """``map_<field>``: the column of the file that holds each of :data:`FIELDS` ("" when
    none); text and date are required, the others optional."""

    def __init__(self, *args, columns: list[str], mapping: dict[str, str] | None = None, **kw):
        super().__init__(*args, **kw)
        mapping = mapping or {}
        for field in FIELDS:
            label, help_text = FIELD_LABELS[field]
            self.fields[f"map_{field}"] = forms.ChoiceField(
                label=label,
                help_text=help_text,
                required=field in REQUIRED,
                choices=[("", _("— not in the file —")), *((c, c) for c in columns)],
                initial=_column_guess(field, columns, mapping),
                error_messages={"required": _("Choose the column that holds this field.")},
            )

    def mapping(self) -> dict[str, str]:
        return {field: self.cleaned_data.get(f"map_{field}") or "" for field in FIELDS}
