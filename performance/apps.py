from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def forget_dashboard_url(sender, **kwargs) -> None:
    """The header caches the dashboard's address; publishing or unpublishing a page resets it."""
    from django.core.cache import cache

    from .templatetags.performance_tags import NAV_CACHE_KEY

    cache.delete(NAV_CACHE_KEY)


def _notifications_register() -> None:
    """Program updates as a kind of notice, and followed programs on 「我的追蹤」."""
    from minyi.notifications.follows import follow_provider_register
    from minyi.notifications.kinds import notification_kind_register

    from .selectors import program_followed_items
    from .services import NOTIFICATION_KIND

    notification_kind_register(NOTIFICATION_KIND, _("Program update"))
    follow_provider_register("performance", program_followed_items)


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = _("Performance tracking")

    def ready(self) -> None:
        from wagtail.signals import page_published, page_unpublished

        from minyi.accounts.selectors import register_export_section

        from .selectors import performance_data_export

        register_export_section("performance", performance_data_export)
        from minyi.search import search_source_register

        from .search import program_search_hits

        search_source_register("program", program_search_hits)
        from .services import moderated_kinds_register

        moderated_kinds_register()
        _notifications_register()

        from .dashboard_cache import dashboard_cache_connect

        dashboard_cache_connect()
        page_published.connect(forget_dashboard_url, dispatch_uid="performance-nav-published")
        page_unpublished.connect(forget_dashboard_url, dispatch_uid="performance-nav-unpublished")

        from minyi.home.highlights import home_highlights_register

        from .selectors import home_page_highlights

        home_highlights_register("performance", home_page_highlights)

        from datetime import time

        from minyi.jobs.schedule import periodic

        from .tasks import program_lights_refresh_job

        # Reports turn overdue with time alone: recompute every light each night.
        periodic(program_lights_refresh_job, daily_at=time(1, 0))
