"""Agencies are managed as a Wagtail snippet by administrators."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Agency
from .services import agency_sync_access


class AgencyViewSet(SnippetViewSet):
    model = Agency
    icon = "site"
    menu_label = _("Agencies")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["code", "name_zh", "name_en", "parent"]
    search_fields = ["code", "name_zh", "name_en"]


register_snippet(AgencyViewSet)


@hooks.register("after_create_snippet")
def create_agency_access(request, instance):
    if isinstance(instance, Agency):
        from minyi.home.models import HomePage

        agency_sync_access(agency=instance, section_parent=HomePage.objects.first())
