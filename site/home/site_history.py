"""Wagtail's 網站歷史 (site history) report, for administrators only.

Wagtail shows it to anyone who may explore pages and filters its entries by model permission,
not by agency: staff of one agency read another's programme edits and who made them. Agency
staff keep each page's and each programme's own history; the whole site's is the
administrators'. ``minyi.urls`` routes the report's two addresses here, ahead of Wagtail's.
"""

from django.core.exceptions import PermissionDenied
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.audit_logging import LogEntriesView

from minyi.agencies.selectors import user_can_manage_staff


def user_may_read_site_history(user) -> bool:
    return user_can_manage_staff(user)  # administrators (and superusers)


def _administrators_only(view):
    @require_admin_access
    def report(request, *args, **kwargs):
        if not user_may_read_site_history(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return report


site_history = _administrators_only(LogEntriesView.as_view())
site_history_results = _administrators_only(LogEntriesView.as_view(results_only=True))
