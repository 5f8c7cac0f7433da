"""提前截止: agency staff close an open consultation before its announced time, from the admin,
saying why; the service records who and why, readers' pages and participants hear of it, and no
later publish reopens it."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from minyi.agencies.services import agency_staff_add
from minyi.notifications.models import Notification
from participation.follows import follow_add
from participation.models import (
    ConsultationEarlyClose,
    ConsultationPage,
    ConsultationPageForm,
    ConsultationStatus,
)
from participation.services import (
    EARLY_CLOSE_LOG_ACTION,
    comment_create,
    consultation_close_early,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(make_consultation):
    page = make_consultation()
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def staff(make_user, page):
    user = make_user(email="staff@motc.gov.tw")
    agency_staff_add(user=user, agency=page.agency)
    return user


@pytest.fixture
def other_agency_staff(make_user, make_agency):
    user = make_user(email="staff@moda.gov.tw")
    agency_staff_add(user=user, agency=make_agency("MODA"))
    return user


def _url(page) -> str:
    return reverse("participation_consultation_admin:consultation_close_early", args=[page.pk])


def test_closing_early_closes_now_and_records_who_and_why(page, staff, make_user):
    commenter, follower = make_user(), make_user()
    comment_create(consultation=page, user=commenter, body="請延長討論", stance="oppose")
    follow_add(user=follower, consultation=page)
    scheduled = page.closes_at
    with mock.patch("participation.services.live_event_send") as send:
        record = consultation_close_early(consultation=page, user=staff, reason="法案已撤回")

    page.refresh_from_db()
    assert page.status == ConsultationStatus.CLOSED
    assert page.closed_early_at == page.closes_at == record.closed_at
    assert (record.closed_by, record.reason, record.scheduled_closes_at) == (
        staff,
        "法案已撤回",
        scheduled,
    )
    entry = PageLogEntry.objects.get(page=page, action=EARLY_CLOSE_LOG_ACTION)
    assert entry.user == staff and entry.data["reason"] == "法案已撤回"
    assert entry.comment == "法案已撤回"
    # Readers' pages get the same status event a published response sends.
    stream, event = send.call_args.args
    assert stream == page.live_stream
    assert event["kind"] == "status" and event["status"] == "closed"
    told = set(Notification.objects.values_list("user_id", flat=True))
    assert told == {commenter.pk, follower.pk}


def test_publishing_a_draft_afterwards_does_not_reopen_it(page, staff):
    draft = ConsultationPage.objects.get(pk=page.pk)
    draft.closes_at = timezone.now() + timedelta(days=60)
    draft.save_revision()  # an unpublished draft still carries the old closing time
    consultation_close_early(consultation=page, user=staff, reason="政策調整")
    page.refresh_from_db()

    page.get_latest_revision().publish()
    page.refresh_from_db()
    assert page.status == ConsultationStatus.CLOSED
    assert page.closes_at == page.closed_early_at
    # An old revision (with the announced time) cannot reopen it either.
    page.revisions.order_by("pk").first().publish()
    page.refresh_from_db()
    assert page.status == ConsultationStatus.CLOSED


def test_the_edit_form_refuses_a_later_closing_time(page, staff):
    consultation_close_early(consultation=page, user=staff, reason="政策調整")
    page.refresh_from_db()
    form_class = ConsultationPage.get_edit_handler().get_form_class()
    assert issubclass(form_class, ConsultationPageForm)
    form = form_class(instance=page, for_user=staff)
    form.cleaned_data = {
        "opens_at": page.opens_at,
        "closes_at": page.closed_early_at + timedelta(days=3),
    }
    form._errors = {}
    form.clean()
    assert "closes_at" in form.errors


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(page, staff, reason):
    with pytest.raises(ValidationError):
        consultation_close_early(consultation=page, user=staff, reason=reason)
    page.refresh_from_db()
    assert page.status == ConsultationStatus.OPEN
    assert not ConsultationEarlyClose.objects.exists()


def test_another_agencys_staff_cannot_close_it(page, other_agency_staff, client):
    with pytest.raises(ValidationError):
        consultation_close_early(consultation=page, user=other_agency_staff, reason="x")
    client.force_login(other_agency_staff)
    # Wagtail answers a refusal in its admin with a redirect to the dashboard and a message.
    for response in (client.get(_url(page)), client.post(_url(page), {"reason": "x"})):
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    page.refresh_from_db()
    assert page.status == ConsultationStatus.OPEN


def test_a_closed_consultation_cannot_be_closed_again(page, staff):
    consultation_close_early(consultation=page, user=staff, reason="第一次")
    with pytest.raises(ValidationError):
        consultation_close_early(consultation=page, user=staff, reason="第二次")
    assert ConsultationEarlyClose.objects.get().reason == "第一次"


def test_admin_close_early_journey(page, staff, client):
    client.force_login(staff)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert _url(page) in edit.content.decode()  # the header offers 「提前截止」

    form = client.get(_url(page))
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    assert page.title in form.content.decode()  # which consultation is about to close

    empty = client.post(_url(page), {"reason": ""})
    assert empty.status_code == 200 and "error-message" in empty.content.decode()
    page.refresh_from_db()
    assert page.status == ConsultationStatus.OPEN

    done = client.post(_url(page), {"reason": "法案已撤回"})
    assert done.status_code == 302
    assert done.url == reverse("wagtailadmin_pages:edit", args=[page.pk])
    page.refresh_from_db()
    assert page.status == ConsultationStatus.CLOSED

    # A second click (double submit, the back button) explains instead of failing.
    again = client.post(_url(page), {"reason": "再按一次"}, follow=True)
    assert again.status_code == 200
    assert ConsultationEarlyClose.objects.count() == 1
    # The closed page offers the response instead of 「提前截止」.
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert _url(page) not in edit
    assert reverse("participation:consultation_response", args=[page.pk]) in edit
    # The page's history says who closed it and why.
    history = client.get(reverse("wagtailadmin_pages:history", args=[page.pk])).content.decode()
    assert "法案已撤回" in history
    assert "page log entries" not in history  # Wagtail's own catalogue lacks the count's noun
