from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("export/", views.data_export, name="data_export"),
    path("delete/", views.account_delete, name="delete"),
    path("verify/mobile/", views.mobile_verify, name="mobile_verify"),
    path("verify/mobile/code/", views.mobile_code, name="mobile_code"),
]
