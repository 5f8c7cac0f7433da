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

from wagtail import hooks  # noqa: E402

from .listening.admin import ListeningSourceViewSet, ListeningTopicViewSet  # noqa: E402

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
