"""The site's URLs with the reports app mounted as the lead mounts it in site/urls.py."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from minyi.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    *i18n_patterns(path("reports/", include("reports.urls")), prefix_default_language=False),
    *site_urlpatterns,
]
