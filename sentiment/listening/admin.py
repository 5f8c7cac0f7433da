"""Wagtail admin: analysts manage topics; administrators see each source's status."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.snippets.views.snippets import SnippetViewSet

from sentiment.models import Source, Topic


class ListeningTopicViewSet(SnippetViewSet):
    model = Topic
    icon = "search"
    menu_label = _("Listening topics")
    menu_order = 410
    add_to_admin_menu = True
    list_display = ["name", "query", "active", "alert_z"]
    search_fields = ["name", "query"]
    panels = [
        FieldPanel("name"),
        FieldPanel("query"),
        FieldPanel("sources"),
        MultiFieldPanel(
            [FieldPanel("consultations"), FieldPanel("programs")], heading=_("Linked to")
        ),
        MultiFieldPanel(
            [
                FieldPanel("analysts"),
                FieldPanel("alert_z"),
                FieldPanel("alert_min_volume"),
            ],
            heading=_("Alerts"),
        ),
        FieldPanel("active"),
    ]


class ListeningSourceViewSet(SnippetViewSet):
    model = Source
    icon = "site"
    menu_label = _("Listening sources")
    menu_order = 411
    add_to_admin_menu = True
    list_display = [
        "name",
        "kind",
        "enabled",
        "last_run_at",
        "last_status",
        "last_items",
        "items_fetched",
        "last_error",
    ]
    list_filter = ["kind", "last_status", "enabled"]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("config"),
        FieldPanel("interval_minutes"),
        FieldPanel("enabled"),
        FieldPanel("last_run_at", read_only=True),
        FieldPanel("last_status", read_only=True),
        FieldPanel("last_items", read_only=True),
        FieldPanel("items_fetched", read_only=True),
        FieldPanel("last_error", read_only=True),
    ]
