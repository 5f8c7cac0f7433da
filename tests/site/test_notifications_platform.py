"""Notifications are a platform feature (issue 17): the registry of kinds, the apps' boundary,
and the old addresses of the notifications pages."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from minyi.notifications.kinds import notification_kind_label, notification_kinds
from minyi.notifications.models import Notification
from minyi.notifications.selectors import unsubscribe_token
from minyi.notifications.services import notifications_send, notifications_store

REPO_ROOT = Path(__file__).resolve().parents[2]
# Apps that send notifications but must not reach into participation to do it.
SENDING_APPS = ("moderation", "performance", "sentiment", "reports")
FORBIDDEN_MODULES = {"participation.notifications", "participation.notification_kinds"}
NOTIFICATION_NAMES = {"Notification", "NotificationSettings", "NotificationKind", "EmailFrequency"}

EXPECTED_KINDS = {
    # participation
    "consultation_response",
    "petition_response",
    "petition_state",
    "closing_soon",
    "reply",
    # moderation, performance, listening
    "moderation",
    "program_update",
    "listening_alert",
}


@pytest.fixture(autouse=True)
def _chinese():
    # An earlier test may leave English active; these pages are checked in the site's language.
    with translation.override("zh-hant"):
        yield


def _participation_notification_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name in FORBIDDEN_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = {alias.name for alias in node.names}
            if node.module in FORBIDDEN_MODULES:
                found.append(node.module)
            elif node.module == "participation" and names & {"notifications", "notification_kinds"}:
                found.append(f"participation.{sorted(names)}")
            elif node.module == "participation.models" and names & NOTIFICATION_NAMES:
                found.append(f"participation.models.{sorted(names & NOTIFICATION_NAMES)}")
    return found


def test_sending_apps_do_not_import_participation_for_notifications():
    files = [path for app in SENDING_APPS for path in (REPO_ROOT / app).rglob("*.py")]
    assert len(files) > 20
    problems = [
        f"{path.relative_to(REPO_ROOT)}: {name}"
        for path in files
        for name in _participation_notification_imports(path)
    ]
    assert not problems, "use minyi.notifications instead:\n" + "\n".join(problems)


def test_the_boundary_check_catches_an_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from participation.models import Follow, Notification\n"
        "def f():\n    from participation.notifications import notifications_send\n"
    )
    assert _participation_notification_imports(sample) == [
        "participation.models.['Notification']",
        "participation.notifications",
    ]
    sample.write_text("from participation.models import Follow\n")
    assert _participation_notification_imports(sample) == []


def test_every_app_registers_its_kinds_at_startup():
    assert set(notification_kinds()) >= EXPECTED_KINDS
    with translation.override("zh-hant"):
        assert notification_kind_label("reply") == "留言的回覆"
        assert notification_kind_label("program_update") == "計畫更新"
    assert notification_kind_label("gone_kind") == "gone_kind"  # an old row's kind


@pytest.mark.django_db
def test_an_unregistered_kind_is_refused(make_user):
    user = make_user()
    with pytest.raises(ValueError, match="unregistered"):
        notifications_send(users=[user], kind="no_such_kind", title="x")
    with pytest.raises(ValueError, match="unregistered"):
        notifications_store(kind="no_such_kind", notices=[(user.pk, "x", "")])
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_the_list_shows_each_kind_label_in_chinese(client, make_user):
    user = make_user()
    notifications_send(users=[user], kind="moderation", title="您的留言已審核")
    client.force_login(user)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "您的留言已審核" in html and "審核決定" in html


@pytest.mark.django_db
def test_the_old_addresses_still_work(client, make_user):
    user = make_user()
    client.force_login(user)
    moved = client.get("/participate/notifications/")
    assert moved.status_code == 301 and moved["Location"] == reverse("notifications:list")
    assert reverse("notifications:list") == "/notifications/"
    client.logout()
    token = unsubscribe_token(user)
    # E-mails already sent carry the old link; one-click POSTs must not meet a redirect.
    assert client.post(f"/participate/unsubscribe/{token}/").status_code == 200
    user.refresh_from_db()
    assert user.notification_settings.email_frequency == "never"


@pytest.mark.django_db
def test_the_bell_counts_unread_on_any_page(client, make_user, home_page):
    user = make_user()
    notifications_send(users=[user], kind="moderation", title="一則通知")
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert 'data-unread="1"' in html and 'href="/notifications/"' in html


@pytest.mark.django_db
def test_staff_duties_are_emailed_whatever_the_settings_and_cannot_be_unsubscribed(
    make_user, make_agency, mailoutbox, django_capture_on_commit_callbacks
):
    """A clerk who once clicked 「停止接收所有電子郵件」 must still hear of a deadline."""
    from minyi.agencies.services import agency_staff_add, agency_staff_notify
    from minyi.notifications.services import email_frequency_set

    clerk = make_user(display_name="王小明")
    agency_staff_add(user=clerk, agency=make_agency("MOTC"))
    email_frequency_set(user=clerk, frequency="never")
    with django_capture_on_commit_callbacks(execute=True):
        agency_staff_notify(
            agency=clerk.agency_memberships.get().agency, title="有提議待回應", url="/"
        )
        notifications_send(users=[clerk], kind="agency_task", title="一般通知", url="/")
    duty = [m for m in mailoutbox if "有提議待回應" in m.subject]
    assert len(duty) == 1 and "List-Unsubscribe" not in duty[0].extra_headers
    assert "職務通知" in duty[0].body and "/notifications/unsubscribe/" not in duty[0].body
    assert not [m for m in mailoutbox if "一般通知" in m.subject]  # the setting still holds
