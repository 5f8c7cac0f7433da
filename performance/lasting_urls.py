"""Lasting addresses that notices and moderators' lists link to (under the language prefix,
included by minyi.urls): they resolve the dashboard page only when followed."""

from django.urls import path

from .views import question_link

urlpatterns = [
    path("questions/<int:pk>/", question_link, name="program_question_link"),
]
