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


#: Other names files exported from forums and spreadsheets commonly give each field's column
#: (the source form's own example maps 發文時間), compared without case or spaces.
COLUMN_ALIASES = {
    "id": ("編號", "貼文編號", "文章編號", "post_id", "ID"),
    "text": ("內容", "內文", "貼文內容", "文字", "content", "body", "message"),
    "published_at": (
        "發文時間",
        "發布時間",
        "發佈時間",
        "時間",
        "日期",
        "date",
        "time",
        "datetime",
        "created_at",
        "timestamp",
    ),
    "author": ("作者", "發文者", "帳號", "user", "username"),
    "url": ("網址", "連結", "link", "URL"),
    "title": ("標題", "主旨", "subject"),
    "likes": ("按讚數", "讚數", "推文數", "like_count"),
    "shares": ("分享數", "轉發數", "share_count"),
    "parent_id": ("回覆對象", "回覆編號", "parent", "reply_to"),
}


def _normalised(name: str) -> str:
    return "".join(name.split()).casefold()


def _column_guess(field: str, columns: list[str], mapping: dict[str, str]) -> str:
    """The column chosen last time, else one named as the field (text), its label (內容) or
    a common other name of it (發文時間)."""
    if mapping.get(field) in columns:
        return mapping[field]
    by_name = {_normalised(column): column for column in reversed(columns)}
    for candidate in (field, str(FIELD_LABELS[field][0]), *COLUMN_ALIASES.get(field, ())):
        if _normalised(candidate) in by_name:
            return by_name[_normalised(candidate)]
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
