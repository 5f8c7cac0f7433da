from django.urls import path

from . import views

app_name = "participation"
urlpatterns = [
    path("consultations/<int:pk>/comments/", views.comment_post, name="comment_post"),
    path("consultations/<int:pk>/statements/", views.statement_post, name="statement_post"),
    path("consultations/<int:pk>/state.json", views.consultation_state, name="state"),
    path("comments/<int:pk>/withdraw/", views.comment_withdraw_view, name="comment_withdraw"),
    path("statements/<int:pk>/vote/", views.vote_post, name="vote_post"),
]
