"""When the public dashboard's cached copy goes stale.

The dashboard is served to anonymous readers from the shared page cache (:mod:`minyi.page_cache`),
keyed on the version of :data:`DASHBOARD_STREAM`. Every change to what it shows bumps that
version once the transaction commits: rows saved or deleted one at a time (the admin, answers to
questions) through model signals, and the bulk writes that send no signals (imports, the nightly
lights) by calling :func:`dashboard_changed` themselves.
"""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from minyi.live.versions import stream_version_bump

DASHBOARD_STREAM = "performance.dashboard"


def dashboard_changed() -> None:
    transaction.on_commit(lambda: stream_version_bump(DASHBOARD_STREAM))


def _row_changed(sender, **kwargs) -> None:
    dashboard_changed()


def dashboard_cache_connect() -> None:
    """Called once from the app's ready()."""
    from wagtail.signals import page_published, page_unpublished

    from minyi.page_cache import page_published_changed

    from .models import PerformanceDashboardPage

    for model in apps.get_app_config("performance").get_models():
        if model is PerformanceDashboardPage:
            continue
        for signal in (post_save, post_delete):
            signal.connect(_row_changed, sender=model, dispatch_uid=f"dashboard-{model.__name__}")
    for signal in (page_published, page_unpublished):
        signal.connect(page_published_changed, sender=PerformanceDashboardPage)
