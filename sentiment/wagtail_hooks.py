"""Admin: the segmenter's user dictionary, edited by analysts without a deploy."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import UserDictionaryEntry


class UserDictionaryViewSet(SnippetViewSet):
    model = UserDictionaryEntry
    icon = "openquote"
    menu_label = _("User dictionary")
    menu_order = 400
    add_to_admin_menu = True
    list_display = ["word", "frequency", "part_of_speech", "note", "updated_at"]
    search_fields = ["word", "note"]
    ordering = ["word"]


register_snippet(UserDictionaryViewSet)


# --- Social listening: topics, and sources with their status (last run, items, errors) ---------

from django.urls import reverse  # noqa: E402
from wagtail import hooks  # noqa: E402
from wagtail.admin.menu import MenuItem  # noqa: E402
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem  # noqa: E402

from .listening.admin import ListeningSourceViewSet, ListeningTopicViewSet  # noqa: E402
from .listening.selectors import user_is_analyst  # noqa: E402
from .models import Source, SourceKind  # noqa: E402

register_snippet(ListeningTopicViewSet)
register_snippet(ListeningSourceViewSet)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def listening_topic_rematch(request, instance):
    """A new or edited topic is matched again against the stored posts (in the worker)."""
    from django.db import transaction

    from .listening.tasks import topic_rematch_job
    from .models import Topic

    if isinstance(instance, Topic):
        transaction.on_commit(lambda: topic_rematch_job.enqueue(topic_id=instance.pk))


class ListeningDashboardMenuItem(MenuItem):
    """The analysts' dashboard (/listening/), next to the topics and sources it is made of."""

    def is_shown(self, request):
        return user_is_analyst(request.user)


@hooks.register("register_admin_menu_item")
def listening_dashboard_menu_item():
    return ListeningDashboardMenuItem(
        _("Social listening dashboard"), reverse("listening:topics"), icon_name="view", order=409
    )


@hooks.register("register_snippet_listing_buttons")
def listening_source_upload_button(snippet, user, next_url=None):
    """An upload source's 「⋯」 menu in the listing leads to its upload page."""
    if isinstance(snippet, Source) and snippet.kind == SourceKind.UPLOAD:
        yield ListingMenuItem(
            _("Upload a file"),
            reverse("listening:source_upload", args=[snippet.pk]),
            icon_name="upload",
            priority=30,
        )
