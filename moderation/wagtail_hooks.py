"""Admin menu and URLs of the moderator's desk, and on the admin home what waits there."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component

from . import admin_views
from .services import user_is_moderator

app_name = "moderation_admin"
urlpatterns = [
    path("", admin_views.QueueView.as_view(), name="queue"),
    path("items/", admin_views.ItemsView.as_view(), name="items"),
    path("appeals/", admin_views.AppealsView.as_view(), name="appeals"),
    path("audit/", admin_views.AuditLogView.as_view(), name="audit_log"),
    path("metrics/", admin_views.MetricsView.as_view(), name="metrics"),
]


@hooks.register("register_admin_urls")
def moderation_admin_urls():
    return [path("moderation/", include((urlpatterns, "moderation_admin")))]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return user_is_moderator(request.user)


@hooks.register("register_admin_menu_item")
def moderation_menu():
    submenu = Menu(
        items=[
            ModeratorMenuItem(_("Queue"), reverse("moderation_admin:queue"), icon_name="warning"),
            ModeratorMenuItem(
                _("All items"), reverse("moderation_admin:items"), icon_name="list-ul"
            ),
            ModeratorMenuItem(_("Appeals"), reverse("moderation_admin:appeals"), icon_name="help"),
            ModeratorMenuItem(
                _("Audit log"), reverse("moderation_admin:audit_log"), icon_name="history"
            ),
            ModeratorMenuItem(_("Metrics"), reverse("moderation_admin:metrics"), icon_name="table"),
        ]
    )
    return SubmenuMenuItem(_("Moderation"), submenu, icon_name="warning", order=300)


class ModerationDeskPanel(Component):
    """A moderator's admin home said nothing of the queue: now how many items and appeals
    wait, each a link to its screen."""

    name = "moderation_desk"
    template_name = "moderation/admin/desk_panel.html"
    order = 70

    def __init__(self, queue: int, appeals: int):
        self.queue, self.appeals = queue, appeals

    def get_context_data(self, parent_context=None):
        return {"queue": self.queue, "appeals": self.appeals}


@hooks.register("construct_homepage_panels")
def add_moderation_desk_panel(request, panels):
    from .selectors import moderation_waiting_count, open_appeals

    if user_is_moderator(request.user):
        panels.append(ModerationDeskPanel(moderation_waiting_count(), open_appeals().count()))
