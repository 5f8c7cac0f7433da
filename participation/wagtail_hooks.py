"""The admin home of agency staff lists the consultations whose response is theirs to write,
finish or approve (the writing itself happens on the public site's staff pages), and a closed
consultation of their agency has 「回應民眾意見」 in the page explorer and its header; moderators
get the petitions' endorsement integrity screen."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter

from minyi.admin_panels import WaitingListPanel
from moderation.services import user_is_moderator

from . import admin_views
from .selectors import responses_to_do

admin_urlpatterns = [
    path(
        "",
        admin_views.PetitionIntegrityIndexView.as_view(),
        name="petition_integrity",
    ),
    path(
        "<int:pk>/",
        admin_views.PetitionIntegrityView.as_view(),
        name="petition_integrity_detail",
    ),
]

consultation_admin_urlpatterns = [
    path(
        "<int:pk>/close-early/",
        admin_views.ConsultationCloseEarlyView.as_view(),
        name="consultation_close_early",
    ),
]


@hooks.register("register_admin_urls")
def participation_admin_urls():
    return [
        path("petition-integrity/", include((admin_urlpatterns, "participation_admin"))),
        path(
            "consultations/",
            include((consultation_admin_urlpatterns, "participation_consultation_admin")),
        ),
    ]


@hooks.register("register_log_actions")
def consultation_log_actions(actions):
    from .services import EARLY_CLOSE_LOG_ACTION

    @actions.register_action(EARLY_CLOSE_LOG_ACTION)
    class ClosedEarly(LogFormatter):
        label = _("Close early")

        def format_message(self, log_entry):
            return _("Closed early (announced closing time %(date)s)") % {
                "date": _minguo_datetime(log_entry.data.get("scheduled_closes_at"))
            }

        def format_comment(self, log_entry):
            return log_entry.data.get("reason", "")


def _minguo_datetime(value) -> str:
    from django.utils.dateparse import parse_datetime

    from minyi.home.dates import format_reader_date

    moment = parse_datetime(value or "")
    return format_reader_date(moment, with_time=True) if moment else ""


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return user_is_moderator(request.user)


@hooks.register("register_admin_menu_item")
def petition_integrity_menu():
    return ModeratorMenuItem(
        _("Endorsement integrity"),
        reverse("participation_admin:petition_integrity"),
        icon_name="group",
        order=310,
    )


class ResponsesToDoPanel(WaitingListPanel):
    name = "participation_responses"
    template_name = "participation/admin/responses_panel.html"
    order = 80


@hooks.register("construct_homepage_panels")
def add_responses_panel(request, panels):
    ResponsesToDoPanel.add_for_agency_staff(
        request, panels, lambda agencies: responses_to_do(agencies=agencies)
    )


class PetitionsToAnswerPanel(WaitingListPanel):
    """Staff were never told in the admin that a petition waited for their answer."""

    name = "participation_petitions"
    template_name = "participation/admin/petitions_panel.html"
    order = 81


@hooks.register("construct_homepage_panels")
def add_petitions_panel(request, panels):
    from .selectors import petitions_to_answer

    PetitionsToAnswerPanel.add_for_agency_staff(
        request, panels, lambda agencies: petitions_to_answer(agencies=agencies)
    )


def _response_button(page, user, priority: int):
    """「回應民眾意見」 on a closed consultation of the user's agency: from the page explorer
    and the page's own header, not only from the admin home's to-do panel (which lists only
    responses still to write) or the public page."""
    from .models import ConsultationPage
    from .selectors import user_can_respond_now

    if page.specific_class is not ConsultationPage or not page.live:
        return
    if not user_can_respond_now(consultation=page.specific, user=user):
        return
    yield Button(
        _("Respond to the comments"),
        reverse("participation:consultation_response", args=[page.pk]),
        icon_name="comment",
        priority=priority,
    )


@hooks.register("register_page_listing_more_buttons")
def consultation_response_listing_button(page, user, next_url=None):
    yield from _response_button(page, user, priority=3)


@hooks.register("register_page_header_buttons")
def consultation_response_header_button(page, user, view_name, next_url=None):
    yield from _response_button(page, user, priority=12)


MANAGED_AGENCY_IDS = "_minyi_managed_agency_ids"


def _managed_agency_ids(user) -> frozenset[int]:
    """The agencies the user works for, read once for a whole page listing (kept on the
    request's user object, like its group names)."""
    from minyi.agencies.selectors import agencies_for_user

    ids = getattr(user, MANAGED_AGENCY_IDS, None)
    if ids is None:
        ids = frozenset(agencies_for_user(user).values_list("pk", flat=True))
        setattr(user, MANAGED_AGENCY_IDS, ids)
    return ids


def _close_early_button(page, user, priority: int, *, listing: bool = False):
    """「提前截止」 on an open consultation of the user's agency (page explorer and header)."""
    from .models import ConsultationPage, ConsultationStatus
    from .selectors import user_can_close_early

    if page.specific_class is not ConsultationPage or not page.live:
        return
    consultation = page.specific
    if listing:
        # No query per row: the form itself checks the whole rule (and the edit permission).
        if consultation.status != ConsultationStatus.OPEN:
            return
        if consultation.agency_id not in _managed_agency_ids(user):
            return
    elif not user_can_close_early(consultation=consultation, user=user):
        return
    yield Button(
        _("Close early"),
        reverse("participation_consultation_admin:consultation_close_early", args=[page.pk]),
        icon_name="time",
        priority=priority,
    )


@hooks.register("register_page_listing_more_buttons")
def consultation_close_early_listing_button(page, user, next_url=None):
    yield from _close_early_button(page, user, priority=4, listing=True)


@hooks.register("register_page_header_buttons")
def consultation_close_early_header_button(page, user, view_name, next_url=None):
    yield from _close_early_button(page, user, priority=13)
