"""Wagtail admin: analysts manage topics and sources; administrators may also delete sources."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.views.snippets import SnippetViewSet

from minyi.admin_columns import minguo_date_column
from minyi.home.dates import format_reader_date
from sentiment.models import Source, SourceKind, Topic

from .connectors.upload import FIELDS as UPLOAD_FIELDS
from .selectors import listening_analysts

#: The configuration key that names what a source of each kind reads (none for uploads).
SOURCE_TARGET_KEYS = {
    SourceKind.PTT: "board",
    SourceKind.DCARD: "forum",
    SourceKind.FACEBOOK: "page_id",
    SourceKind.RSS: "url",
}

#: Optional settings of each kind, with an example (JSON, not translated).
SOURCE_SETTINGS_HELP = [
    (
        SourceKind.PTT,
        gettext_lazy(
            "Optional: max_pages (index pages read per run, default 3); revisit_days and "
            "revisit_limit (how many days back and how many articles are read again for late "
            "pushes, default 3 and 20)."
        ),
        '{"max_pages": 3, "revisit_days": 3, "revisit_limit": 20}',
    ),
    (
        SourceKind.DCARD,
        gettext_lazy("Optional: limit (posts read per run, default 30)."),
        '{"limit": 30}',
    ),
    (
        SourceKind.FACEBOOK,
        gettext_lazy(
            "Optional: access_token (without it, the site's token is used); max_pages (default 5)."
        ),
        '{"max_pages": 5}',
    ),
    (SourceKind.RSS, gettext_lazy("No settings needed."), "{}"),
    (
        SourceKind.UPLOAD,
        gettext_lazy(
            "format (csv or jsonl; by default from the file's extension) and mapping: which "
            "column of the file holds each field (%(fields)s). text and published_at are "
            "required; a field left out is read from the column of the same name."
        ),
        '{"format": "csv", "mapping": {"text": "內容", "published_at": "發文時間", '
        '"author": "作者"}}',
    ),
]


# What each setting may hold: a whole number of at least 1, a number of at least 0, text, one of
# some words, or an object (the upload mapping, which the upload page writes).
_COUNT, _NUMBER, _TEXT, _OBJECT = "count", "number", "text", "object"
#: The settings each kind of source reads (base_url: a mirror of the site, for tests).
SOURCE_SETTINGS: dict[str, dict[str, object]] = {
    SourceKind.PTT: {
        "max_pages": _COUNT,
        "revisit_days": _NUMBER,
        "revisit_limit": _COUNT,
        "base_url": _TEXT,
    },
    SourceKind.DCARD: {"limit": _COUNT, "base_url": _TEXT},
    SourceKind.FACEBOOK: {"access_token": _TEXT, "max_pages": _COUNT, "base_url": _TEXT},
    SourceKind.RSS: {},
    SourceKind.UPLOAD: {"format": ("csv", "jsonl"), "mapping": _OBJECT},
}
COMMON_SETTINGS = {"min_interval_seconds": _NUMBER}


def _setting_error(key: str, rule, value) -> str:
    """Why ``value`` cannot be setting ``key`` ("" when it can)."""
    if rule == _COUNT and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        return _("“%(key)s” must be a whole number of 1 or more, e.g. 3.") % {"key": key}
    if rule == _NUMBER and (
        isinstance(value, bool) or not isinstance(value, int | float) or value < 0
    ):
        return _("“%(key)s” must be a number of 0 or more, e.g. 3.") % {"key": key}
    if rule == _TEXT and not isinstance(value, str):
        return _("“%(key)s” must be text in double quotes.") % {"key": key}
    if rule == _OBJECT and not isinstance(value, dict):
        return _('“%(key)s” must be an object in braces, e.g. {"text": "內容"}.') % {"key": key}
    if isinstance(rule, tuple) and value not in rule:
        return _("“%(key)s” must be one of: %(values)s.") % {"key": key, "values": "、".join(rule)}
    return ""


def source_settings_errors(kind: str, config: dict) -> list[str]:
    """What is wrong with the other settings of a source of ``kind``, in words."""
    accepted = {**SOURCE_SETTINGS.get(kind, {}), **COMMON_SETTINGS}
    errors = []
    for key, value in config.items():
        if key not in accepted:
            errors.append(
                _("A %(kind)s source has no setting “%(key)s”. Its settings: %(keys)s.")
                % {
                    "kind": SourceKind(kind).label if kind in SourceKind.values else kind,
                    "key": key,
                    "keys": "、".join(k for k in accepted if k != "base_url"),
                }
            )
        elif message := _setting_error(key, accepted[key], value):
            errors.append(message)
    return errors


class BooleanYesNoColumn(BooleanColumn):
    """A tick or a cross, named 是 / 否 for screen readers (Wagtail's says True / False)."""

    cell_template_name = "sentiment/listening/admin/boolean_cell.html"


class ListeningTopicForm(WagtailAdminModelForm):
    """Alerts go to analysts only: citizens and other staff are not offered as recipients."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "analysts" in self.fields:
            self.fields["analysts"].queryset = listening_analysts()
        if "sources" in self.fields:
            self.fields["sources"].help_text = _(
                "Posts are counted from the chosen sources only: a topic without sources gets no posts."  # noqa: E501
            )


class ListeningSourceForm(WagtailAdminModelForm):
    """What the source reads is one field (board, forum, page or feed), kept in ``config``."""

    class Media:
        # Shows the settings of the chosen kind only (all of them without JavaScript).
        js = ["sentiment/listening/source_form.js"]

    target = forms.CharField(
        label=gettext_lazy("What to read"),
        required=False,
        max_length=500,
        help_text=gettext_lazy(
            "PTT: the board's name (e.g. Gossiping); Dcard: the forum's alias (e.g. trending); "
            "Facebook: the page's ID; RSS/Atom: the feed's address. Leave empty for file uploads."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        config = self.instance.config or {}
        key = SOURCE_TARGET_KEYS.get(self.instance.kind)
        if key and isinstance(config, dict):
            self.initial["target"] = config.get(key, "")
            self.initial["config"] = {k: v for k, v in config.items() if k != key}
        if "config" in self.fields:
            config_field = self.fields["config"]
            config_field.required = False
            config_field.label = _("Other settings (optional, JSON)")
            config_field.help_text = _(
                'Most sources need none: leave {} as it is. To change a default, write the setting as in the examples above, e.g. {"max_pages": 5} (names and text in double quotes, separated by commas).'  # noqa: E501
            )
            config_field.error_messages["invalid"] = _(
                'The other settings are not written correctly: write them as in the examples above, e.g. {"max_pages": 5}, with double quotes, or {} for none.'  # noqa: E501
            )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        config = cleaned.get("config")
        if config in (None, ""):
            config = {}
        if not isinstance(config, dict):
            self.add_error(
                "config",
                _('Write the settings as one JSON object, e.g. {"limit": 30}.'),
            )
            return cleaned
        key = SOURCE_TARGET_KEYS.get(kind)
        target = (cleaned.get("target") or str(config.get(key) or "")).strip()
        config = {k: v for k, v in config.items() if k not in SOURCE_TARGET_KEYS.values()}
        for message in source_settings_errors(kind, config) if kind else []:
            self.add_error("config", message)
        if key:
            if not target:
                self.add_error("target", _("Say what this source reads."))
            elif kind == SourceKind.RSS:
                target = self._feed_url_clean(target)
            config[key] = target
        cleaned["config"] = config
        return cleaned

    def _feed_url_clean(self, value: str) -> str:
        try:
            forms.URLField(assume_scheme="https").clean(value)
        except ValidationError:
            self.add_error("target", _("Enter the feed's full address, starting with https://."))
        return value


def source_settings_help_html() -> str:
    """What each kind of source accepts in its settings, with an example of each."""
    fields = "、".join(UPLOAD_FIELDS)
    rows = format_html_join(
        "",
        '<dt data-kind="{}">{}</dt><dd data-kind="{}">{} <code>{}</code></dd>',
        (
            (kind.value, kind.label, kind.value, str(text) % {"fields": fields}, example)
            for kind, text, example in SOURCE_SETTINGS_HELP
        ),
    )
    return format_html(
        "<dl>{}</dl><p>{}</p>",
        rows,
        _("Every kind also accepts min_interval_seconds (the pause between two requests)."),
    )


class SourceSettingsHelpPanel(HelpPanel):
    """The settings of each kind; for a saved upload source, a link to its upload page."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.content = format_html(
                "{}{}", source_settings_help_html(), self._upload_help_html()
            )

        def _upload_help_html(self) -> str:
            source = self.instance
            if source is None or not source.pk:
                return format_html(
                    "<p>{}</p>", _("File upload sources: after saving, upload files from here.")
                )
            if source.kind != SourceKind.UPLOAD:
                return ""
            return format_html(
                '<p>{} <a class="button button-small" href="{}">{}</a></p>',
                _("Files are uploaded on the source's upload page, where the columns are mapped."),
                reverse("listening:source_upload", args=[source.pk]),
                _("Upload a file to this source"),
            )


class RunStatusPanel(FieldPanel):
    """A source's last run, read only: not shown while the source is being created (it read
    「None」 there); a run that has not happened reads 「—」, and times are 民國."""

    def __init__(self, field_name, **kwargs):
        kwargs["read_only"] = True
        super().__init__(field_name, **kwargs)

    def format_value_for_display(self, value):
        if value is None or value == "":
            return "—"
        if isinstance(value, dt.datetime):
            return format_reader_date(value, with_time=True)
        return super().format_value_for_display(value)

    class BoundPanel(FieldPanel.BoundPanel):
        def is_shown(self):
            return bool(getattr(self.instance, "pk", None)) and super().is_shown()


class ListeningTopicViewSet(SnippetViewSet):
    model = Topic
    icon = "search"
    menu_label = gettext_lazy("Listening topics")
    menu_order = 410
    add_to_admin_menu = True
    list_display = [
        "name",
        "query",
        BooleanYesNoColumn("active", label=gettext_lazy("active"), sort_key="active"),
        "alert_z",
    ]
    search_fields = ["name", "query"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("query"),
            FieldPanel("sources"),
            MultiFieldPanel(
                [FieldPanel("consultations"), FieldPanel("programs")],
                heading=gettext_lazy("Linked to"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("analysts"),
                    FieldPanel("alert_z"),
                    FieldPanel("alert_min_volume"),
                ],
                heading=gettext_lazy("Alerts"),
            ),
            FieldPanel("active"),
        ],
        base_form_class=ListeningTopicForm,
    )


class ListeningSourceViewSet(SnippetViewSet):
    model = Source
    icon = "site"
    menu_label = gettext_lazy("Listening sources")
    menu_order = 411
    add_to_admin_menu = True
    list_display = [
        "name",
        "kind",
        BooleanYesNoColumn("enabled", label=gettext_lazy("enabled"), sort_key="enabled"),
        minguo_date_column(Source, "last_run_at", with_time=True),
        "last_status",
        "last_items",
        "items_fetched",
        "last_error",
    ]
    list_filter = ["kind", "last_status", "enabled"]
    search_fields = ["name"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("kind"),
            FieldPanel("target"),
            SourceSettingsHelpPanel(heading=gettext_lazy("What each kind of source accepts")),
            FieldPanel("config"),
            FieldPanel("interval_minutes"),
            FieldPanel("enabled"),
            RunStatusPanel("last_run_at"),
            RunStatusPanel("last_status"),
            RunStatusPanel("last_items"),
            RunStatusPanel("items_fetched"),
            RunStatusPanel("last_error"),
        ],
        base_form_class=ListeningSourceForm,
    )
