"""Wagtail's own admin screens, in the reader's language where Wagtail leaves English.

Wagtail's site list names three columns after their field names ("Port", "Site name",
"Root page"), which gettext cannot reach; they take the fields' translated (lazy) names.
"""

from django.utils.text import capfirst
from wagtail import hooks
from wagtail.models import Site
from wagtail.sites.views import IndexView as SiteIndexView

for _column in SiteIndexView.columns:
    if _column.name in {"port", "site_name", "root_page"}:
        _column.label = capfirst(Site._meta.get_field(_column.name).verbose_name)


@hooks.register("construct_reports_menu")
def site_history_for_administrators(request, menu_items):
    from .site_history import user_may_read_site_history

    if not user_may_read_site_history(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]
