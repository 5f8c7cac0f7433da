"""Social listening pages for analysts (included under /listening/ by minyi.urls)."""

from django.urls import path

from .listening import views

app_name = "listening"
urlpatterns = [
    path("", views.topic_list, name="topics"),
    path("topics/<int:topic_id>/", views.topic_detail, name="topic"),
    path(
        "topics/<int:topic_id>/export.<str:fmt>",
        views.topic_export,
        name="topic_export",
    ),
    path("sources/<int:source_id>/upload/", views.source_upload, name="source_upload"),
]
