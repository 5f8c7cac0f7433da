"""Agency responses to closed consultations (對照表) and the notifications they send."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from minyi.agencies.services import agency_staff_add
from minyi.notifications.models import Notification
from minyi.notifications.selectors import notifications_for
from participation import notification_kinds
from participation.models import (
    ConsultationPage,
    ConsultationResponse,
    ConsultationStatus,
    SectionResponse,
)
from participation.services import (
    comment_create,
    consultation_response_publish,
    statement_create,
    statement_vote_cast,
)

pytestmark = pytest.mark.django_db


def _close(page: ConsultationPage) -> ConsultationPage:
    ConsultationPage.objects.filter(pk=page.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    page.refresh_from_db()
    assert page.status == ConsultationStatus.CLOSED
    return page


@pytest.fixture
def closed_consultation(make_consultation, make_user):
    """A consultation that took a comment, a statement and a vote, then closed."""
    page = make_consultation()
    first, _second = page.sections.all()
    page.commenter = make_user(email="commenter@example.org")
    page.voter = make_user(email="voter@example.org")
    comment_create(
        consultation=page, user=page.commenter, body="應納管", stance="support", section=first
    )
    statement = statement_create(consultation=page, user=page.commenter, text="平台應負責")
    statement_vote_cast(statement=statement, user=page.voter, value=1)
    page.bystander = make_user(email="bystander@example.org")
    _close(page)
    return page


@pytest.fixture
def staff(make_user, closed_consultation):
    user = make_user(email="staff@motc.gov.tw")
    agency_staff_add(user=user, agency=closed_consultation.agency)
    return user


def _answers(page, decision="adopted", reason=""):
    return {section.pk: (decision, reason) for section in page.sections.all()}


def test_publish_sets_responded_and_notifies_participants(
    closed_consultation, staff, django_capture_on_commit_callbacks, settings
):
    # E-mail links use the configured public address, not the Wagtail Site's hostname.
    settings.WAGTAILADMIN_BASE_URL = "https://minyi.example.tw"
    page = closed_consultation
    first, second = page.sections.all()
    with django_capture_on_commit_callbacks(execute=True):
        response = consultation_response_publish(
            consultation=page,
            user=staff,
            overall="感謝各界意見，本部修正如下。",
            sections={first.pk: ("adopted", ""), second.pk: ("partly", "部分文字已修正。")},
        )
    page.refresh_from_db()
    assert page.responded_at == response.published_at
    assert page.status == ConsultationStatus.RESPONDED
    assert str(page.status.label) == "已回應"
    assert [(r.section, r.decision) for r in response.section_responses.order_by("pk")] == [
        (first, "adopted"),
        (second, "partly"),
    ]

    notified = set(Notification.objects.values_list("user__email", flat=True))
    assert notified == {"commenter@example.org", "voter@example.org"}
    note = notifications_for(page.voter).get()
    assert note.kind == notification_kinds.CONSULTATION_RESPONSE
    assert note.url.endswith("#response")
    assert sorted(m.to[0] for m in mail.outbox) == ["commenter@example.org", "voter@example.org"]
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert f"https://minyi.example.tw{page.url}#response" in mail.outbox[0].body
    assert "localhost" not in mail.outbox[0].body


def test_response_survives_publishing_an_older_revision(closed_consultation, staff):
    page = closed_consultation
    older = page.save_revision()
    consultation_response_publish(
        consultation=page, user=staff, overall="回應", sections=_answers(page)
    )
    # As the admin would: the revision loaded afresh, its page from the database.
    type(older).objects.get(pk=older.pk).publish()
    page.refresh_from_db()
    assert page.responded_at is not None


def test_another_agency_staff_cannot_respond(closed_consultation, make_user, make_agency, client):
    page = closed_consultation
    outsider = make_user()
    agency_staff_add(user=outsider, agency=make_agency("MOHW"))
    with pytest.raises(ValidationError):
        consultation_response_publish(
            consultation=page, user=outsider, overall="回應", sections=_answers(page)
        )
    client.force_login(outsider)
    url = reverse("participation:consultation_response", args=[page.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"overall": "回應"}).status_code == 403
    client.force_login(page.commenter)
    assert client.get(url).status_code == 403
    assert not ConsultationResponse.objects.exists()
    page.refresh_from_db()
    assert page.responded_at is None


@pytest.mark.parametrize(
    ("overall", "answers", "message"),
    [
        ("", "all-adopted", "The overall response cannot be empty."),
        ("回應", "first-only", "第2條: choose adopted, partly adopted or not adopted."),
        ("回應", "bad-decision", "第1條: choose adopted, partly adopted or not adopted."),
        ("回應", "no-reason", "第1條: give the reason for this decision."),
        ("回應", "foreign", "The response names a section that is not in this consultation."),
    ],
)
def test_bad_input_stores_nothing(closed_consultation, staff, overall, answers, message):
    page = closed_consultation
    first, second = page.sections.all()
    sections = {
        "all-adopted": {first.pk: ("adopted", ""), second.pk: ("adopted", "")},
        "first-only": {first.pk: ("adopted", "")},
        "bad-decision": {first.pk: ("maybe", ""), second.pk: ("adopted", "")},
        "no-reason": {first.pk: ("not_adopted", "  "), second.pk: ("adopted", "")},
        "foreign": {first.pk: ("adopted", ""), second.pk: ("adopted", ""), 999999: ("adopted", "")},
    }[answers]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        consultation_response_publish(
            consultation=page, user=staff, overall=overall, sections=sections
        )
    assert error.value.messages == [message]
    assert not ConsultationResponse.objects.exists()
    assert not SectionResponse.objects.exists()
    assert not Notification.objects.exists()
    page.refresh_from_db()
    assert page.responded_at is None


def test_open_consultation_cannot_be_answered_and_only_once(make_consultation, make_user):
    page = make_consultation()
    staff = make_user()
    agency_staff_add(user=staff, agency=page.agency)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        consultation_response_publish(
            consultation=page, user=staff, overall="回應", sections=_answers(page)
        )
    assert error.value.messages == [
        "A response can be published only after the consultation closes."
    ]
    _close(page)
    consultation_response_publish(
        consultation=page, user=staff, overall="回應", sections=_answers(page)
    )
    with pytest.raises(ValidationError):
        consultation_response_publish(
            consultation=page, user=staff, overall="再回應", sections=_answers(page)
        )
    assert ConsultationResponse.objects.count() == 1


def test_staff_form_publishes_and_page_shows_the_table(
    closed_consultation, staff, client, django_capture_on_commit_callbacks
):
    page = closed_consultation
    first, second = page.sections.all()
    url = reverse("participation:consultation_response", args=[page.pk])
    client.force_login(staff)
    assert f'href="{url}"' in client.get(page.url).content.decode()
    form = client.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert f'name="decision-{first.pk}"' in html and f'for="reason-{second.pk}"' in html
    assert '<th scope="row"' in html and "stance-strip" in html

    bad = client.post(url, {"overall": "回應", f"decision-{first.pk}": "adopted"})
    assert bad.status_code == 400
    assert not ConsultationResponse.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url,
            {
                "overall": "感謝各界意見。",
                f"decision-{first.pk}": "adopted",
                f"reason-{first.pk}": "",
                f"decision-{second.pk}": "not_adopted",
                f"reason-{second.pk}": "與母法規定不符。",
            },
        )
    assert done.status_code == 302 and done.url.endswith("#response")
    assert len(mail.outbox) == 2

    client.logout()
    html = client.get(page.url).content.decode()
    assert 'id="response"' in html
    assert "感謝各界意見。" in html
    assert '<th scope="col">' in html
    assert "與母法規定不符。" in html
    assert "decision-not_adopted" in html and "decision-adopted" in html
    # Visitors see no staff link.
    assert url not in html

    client.force_login(page.voter)
    notes = client.get(reverse("notifications:list")).content.decode()
    assert f'href="{page.url}#response"' in notes
