from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
