from django.urls import path
from django.views.generic import RedirectView

from minyi.notifications import views as notification_views

from . import response_views, views

app_name = "participation"
urlpatterns = [
    path("consultations/<int:pk>/comments/", views.comment_post, name="comment_post"),
    path("consultations/<int:pk>/statements/", views.statement_post, name="statement_post"),
    path("consultations/<int:pk>/state.json", views.consultation_state, name="state"),
    path("consultations/<int:pk>/tallies.csv", views.tallies_csv, name="tallies_csv"),
    path(
        "consultations/<int:pk>/all-comments/",
        views.section_comments_view,
        name="section_comments",
    ),
    path("consultations/<int:pk>/all-statements/", views.statements_view, name="statements"),
    path("consultations/<int:pk>/where-i-stand/", views.standing_view, name="standing"),
    path("me/", views.my_contributions_view, name="my_contributions"),
    path("comments/<int:pk>/", views.comment_link, name="comment_link"),
    path("comments/<int:pk>/edit/", views.comment_edit_view, name="comment_edit"),
    path("comments/<int:pk>/history/", views.comment_history_view, name="comment_history"),
    path("comments/<int:pk>/withdraw/", views.comment_withdraw_view, name="comment_withdraw"),
    path("statements/<int:pk>/vote/", views.vote_post, name="vote_post"),
    path(
        "consultations/<int:pk>/response/",
        response_views.consultation_response_view,
        name="consultation_response",
    ),
    path(
        "consultations/<int:pk>/response/review/",
        response_views.consultation_response_review,
        name="consultation_response_review",
    ),
    path(
        "consultations/<int:pk>/response/<slug:step>/",
        response_views.consultation_response_step,
        name="consultation_response_step",
    ),
    path(
        "consultations/<int:pk>/response-versions/",
        response_views.consultation_response_versions,
        name="consultation_response_versions",
    ),
    path("petitions/new/", views.petition_new, name="petition_new"),
    path("petitions/<int:pk>/", views.petition_detail, name="petition_detail"),
    path("petitions/<int:pk>/endorse/", views.petition_endorse_view, name="petition_endorse"),
    path("petitions/<int:pk>/withdraw/", views.petition_withdraw_view, name="petition_withdraw"),
    path("petitions/<int:pk>/edit/", views.petition_proposal_edit_view, name="petition_edit"),
    path(
        "petitions/<int:pk>/withdraw-proposal/",
        views.petition_proposal_withdraw_view,
        name="petition_proposal_withdraw",
    ),
    path("petitions/<int:pk>/response/", views.petition_response_view, name="petition_response"),
    # Moved to minyi.notifications (/notifications/); old links and bookmarks still work.
    path(
        "notifications/",
        RedirectView.as_view(pattern_name="notifications:list", permanent=True),
        name="notifications",
    ),
    path("search/", views.search, name="search"),
    path("follow/<str:kind>/<int:pk>/", views.follow_toggle, name="follow"),
    # Served in place, not redirected: mail providers POST the one-click unsubscribe of e-mails
    # already sent to this address and do not follow redirects.
    path("unsubscribe/<str:token>/", notification_views.unsubscribe, name="unsubscribe"),
]
