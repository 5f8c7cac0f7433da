from django.urls import path

from . import views

app_name = "moderation"
urlpatterns = [
    path("report/<int:content_type_id>/<int:pk>/", views.report_view, name="report"),
    path("decisions/", views.my_decisions, name="my_decisions"),
    path("decisions/<int:pk>/appeal/", views.appeal_view, name="appeal"),
]
