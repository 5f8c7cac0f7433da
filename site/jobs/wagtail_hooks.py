"""Administrators see the task queue (and every failed job's error) from the Wagtail menu."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request) -> bool:
        return request.user.has_perm(self.permission)


@hooks.register("register_settings_menu_item")
def register_task_results_menu_item():
    return PermissionMenuItem(
        _("Background jobs"),
        reverse("admin:django_tasks_database_dbtaskresult_changelist") + "?status__exact=FAILED",
        icon_name="cogs",
        order=900,
        permission="django_tasks_database.view_dbtaskresult",
    )
