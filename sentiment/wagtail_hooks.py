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
