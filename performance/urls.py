"""Non-page URLs of the dashboard: plotly.js served from the installed plotly package."""

from django.urls import path

from . import views

app_name = "performance"
urlpatterns = [
    path("plotly-<str:version>.min.js", views.plotly_js, name="plotly_js"),
]
