"""The site's URLs plus the listening include the lead adds to site/urls.py (see the report)."""

from django.urls import include, path

from minyi.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("listening/", include("sentiment.urls")), *site_urlpatterns]
