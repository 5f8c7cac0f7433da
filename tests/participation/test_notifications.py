"""Following, e-mail preferences (right away, daily digest, never), closing notices, unsubscribe."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from minyi.notifications.models import EmailFrequency, Notification
from minyi.notifications.selectors import unsubscribe_token
from minyi.notifications.services import email_frequency_set, notifications_send
from participation import notification_kinds
from participation.follows import follow_add
from participation.models import Follow
from participation.services import comment_create

pytestmark = pytest.mark.django_db


def test_follow_button_and_auto_follow_on_commenting(client, make_consultation, make_user):
    page = make_consultation()
    reader = make_user()
    client.force_login(reader)
    url = reverse("participation:follow", args=["consultation", page.pk])
    assert 'data-following="false"' in client.get(page.url).content.decode()
    client.post(url, {"follow": "1"})
    client.post(url, {"follow": "1"})  # twice is fine
    assert Follow.objects.filter(user=reader, consultation=page).count() == 1
    assert 'data-following="true"' in client.get(page.url).content.decode()
    client.post(url, {"follow": "0"})
    assert not Follow.objects.filter(user=reader).exists()
    assert client.post(reverse("participation:follow", args=["nothing", 1])).status_code == 404

    author = make_user()
    comment_create(consultation=page, user=author, body="支持", stance="support")
    assert Follow.objects.filter(user=author, consultation=page).exists()


def test_closing_soon_notice_once_with_unsubscribe_link(
    make_consultation, make_user, django_capture_on_commit_callbacks
):
    soon = make_consultation(slug="soon", closes_in=timedelta(days=2))
    later = make_consultation(slug="later", closes_in=timedelta(days=10))
    follower = make_user()
    follow_add(user=follower, consultation=soon)
    follow_add(user=follower, consultation=later)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("notify_closing_soon", stdout=io.StringIO())
    notice = Notification.objects.get(user=follower)
    assert notice.kind == notification_kinds.CLOSING_SOON
    assert soon.title in notice.title and "截止" in notice.title
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [follower.email]
    unsubscribe = reverse("notifications:unsubscribe", args=[unsubscribe_token(follower)])
    assert unsubscribe in message.body
    assert unsubscribe in message.extra_headers["List-Unsubscribe"]

    with django_capture_on_commit_callbacks(execute=True):
        call_command("notify_closing_soon", stdout=io.StringIO())
    assert Notification.objects.filter(user=follower).count() == 1
    assert len(mail.outbox) == 1


def test_daily_digest_collects_notices_into_one_email(
    make_user, django_capture_on_commit_callbacks
):
    daily, never, instant = make_user(), make_user(), make_user()
    email_frequency_set(user=daily, frequency=EmailFrequency.DAILY)
    email_frequency_set(user=never, frequency=EmailFrequency.NEVER)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            notifications_send(
                users=[daily, never, instant],
                kind=notification_kinds.PETITION_STATE,
                title=f"第 {n} 則通知",
                url="/petitions/1/",
            )
    assert [m.to for m in mail.outbox] == [[instant.email], [instant.email]]
    assert Notification.objects.filter(user=never).count() == 2
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_notification_digest", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [daily.email]
    assert "第 0 則通知" in digest.body and "第 1 則通知" in digest.body
    assert "2" in digest.subject
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_notification_digest", stdout=io.StringIO())
    assert len(mail.outbox) == 1


def test_unsubscribe_link_works_without_signing_in(client, make_user):
    user = make_user()
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(user)])
    page = client.get(url)
    assert page.status_code == 200 and user.email in page.content.decode()
    assert client.post(url).status_code == 200
    assert user.notification_settings.email_frequency == EmailFrequency.NEVER
    bad = client.get(reverse("notifications:unsubscribe", args=["forged:token"]))
    assert bad.status_code == 404


def test_email_preference_on_the_notifications_page(client, make_user):
    user = make_user()
    client.force_login(user)
    url = reverse("notifications:list")
    assert client.post(url, {"email_frequency": "daily"}).status_code == 302
    user.refresh_from_db()
    assert user.notification_settings.email_frequency == EmailFrequency.DAILY
    assert client.post(url, {"email_frequency": "hourly"}).status_code == 400
    assert 'value="daily" checked' in client.get(url).content.decode()


def test_closed_consultations_get_no_closing_notice(make_consultation, make_user):
    page = make_consultation(closes_in=timedelta(hours=-1))
    follow_add(user=make_user(), consultation=page)
    call_command("notify_closing_soon", stdout=io.StringIO())
    assert not Notification.objects.exists()
    assert timezone.now() > page.closes_at
