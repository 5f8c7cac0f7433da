"""Admin: 「決策報告」 in the menu of those who may read reports, and on an analyst's home the
consultations closed most recently with their reports."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from minyi.agencies.roles import Role
from minyi.agencies.selectors import user_has_role

from . import admin_views
from .selectors import consultations_with_reports, user_may_read_reports


@hooks.register("register_admin_urls")
def decision_report_admin_urls():
    return [
        path(
            "decision-reports/",
            admin_views.DecisionReportIndexView.as_view(),
            name="reports_admin_index",
        )
    ]


class DecisionReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return user_may_read_reports(request.user)


@hooks.register("register_admin_menu_item")
def decision_reports_menu_item():
    return DecisionReportsMenuItem(
        _("Decision reports"),
        reverse("reports_admin_index"),
        icon_name="clipboard-list",
        order=405,
    )


@hooks.register("construct_homepage_panels")
def add_recent_reports_panel(request, panels):
    if not user_has_role(request.user, Role.ANALYST):
        return
    rows = consultations_with_reports(user=request.user, closed_only=True)
    if rows:
        panels.append(admin_views.RecentReportsPanel(rows))
