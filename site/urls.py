from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from minyi.accounts import urls as account_urls
from minyi.accounts import views as account_views
from minyi.api import api
from minyi.health import healthz
from minyi.home import site_history
from minyi.home import views as home_views
from participation.feeds import (
    ConsultationAtomFeed,
    ConsultationFeed,
    consultation_ical,
    consultation_short_link,
)

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says: send them to the icon.
    path("favicon.ico", home_views.favicon, name="favicon"),
    path("api/v1/", api.urls),
    path("assets/performance/", include("performance.urls")),
    # Every sign-in goes through allauth, which rate-limits failed attempts.
    path("admin/login/", account_views.admin_login, name="admin_login"),
    # The whole site's history is the administrators' (minyi.home.site_history).
    path("admin/reports/site-history/", site_history.site_history),
    path("admin/reports/site-history/results/", site_history.site_history_results),
    path("admin/", include(wagtailadmin_urls)),
    # Django's admin only shows the task queue to administrators (linked from Wagtail).
    path("django-admin/login/", account_views.admin_login),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", home_views.language_set, name="set_language"),
    path("display/", home_views.display_preferences_set, name="display_preferences"),
]

# Chinese pages live at /, English ones under /en/.
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("me/", include(account_urls)),
    path("privacy/", home_views.privacy_notice, name="privacy"),
    path("notifications/", include("minyi.notifications.urls")),
    path("participate/", include("participation.urls")),
    path("moderation/", include("moderation.urls")),
    path("listening/", include("sentiment.urls")),
    path("reports/", include("reports.urls")),
    path("feeds/consultations.rss", ConsultationFeed(), name="consultation_feed_rss"),
    path("feeds/consultations.atom", ConsultationAtomFeed(), name="consultation_feed_atom"),
    path(
        "feeds/agencies/<str:agency_code>/consultations.rss",
        ConsultationFeed(),
        name="agency_consultation_feed_rss",
    ),
    path(
        "feeds/agencies/<str:agency_code>/consultations.atom",
        ConsultationAtomFeed(),
        name="agency_consultation_feed_atom",
    ),
    path("consultations/<int:pk>/closing.ics", consultation_ical, name="consultation_ical"),
    path("c/<int:pk>/", consultation_short_link, name="consultation_short"),
    path("programmes/", include("performance.lasting_urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
