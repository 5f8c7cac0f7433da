"""Agencies are managed as a Wagtail snippet by administrators."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views
from .models import Agency
from .selectors import user_can_manage_staff
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


@hooks.register("after_edit_snippet")
def rename_agency_access(request, instance):
    # The staff group is named after the agency (「交通部 人員」): a renamed agency renames it.
    if isinstance(instance, Agency):
        agency_sync_access(agency=instance)


@hooks.register("register_admin_urls")
def agency_staff_urls():
    return [path("agency-staff/", admin_views.AgencyStaffView.as_view(), name="agency_staff")]


class AgencyStaffMenuItem(MenuItem):
    def is_shown(self, request):
        return user_can_manage_staff(request.user)


@hooks.register("register_admin_menu_item")
def agency_staff_menu_item():
    return AgencyStaffMenuItem(
        _("Agency staff"), reverse("agency_staff"), icon_name="group", order=251
    )


@hooks.register("insert_global_admin_css")
def minyi_admin_css():
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("minyi/css/admin.css"))
