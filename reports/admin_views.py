"""The admin's 「決策報告」: every consultation whose reports the signed-in person may read, with
its newest report, and a panel of recently closed consultations on an analyst's admin home. The
reports themselves stay on the report pages (reports.urls)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .selectors import consultations_with_reports, user_may_read_reports


class DecisionReportIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "reports/admin/report_list.html"
    page_title = gettext_lazy("Decision reports")
    header_icon = "clipboard-list"

    def dispatch(self, request, *args, **kwargs):
        if not user_may_read_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rows=consultations_with_reports(user=self.request.user), **kwargs
        )


class RecentReportsPanel(Component):
    """An analyst's admin home was empty: the consultations closed most recently and where
    their reports stand, each a link to its reports."""

    name = "reports_recent"
    template_name = "reports/admin/recent_panel.html"
    order = 60
    LIMIT = 5

    def __init__(self, rows: list):
        self.rows = rows

    def get_context_data(self, parent_context=None):
        return {"rows": self.rows[: self.LIMIT], "count": len(self.rows)}
