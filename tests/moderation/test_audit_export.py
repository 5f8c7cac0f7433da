"""The audit log as a file says what the screen says: Chinese headers, the screen's words for
actions, kinds, rules and states, Taipei time, display names (never an e-mail address), and a
byte-order mark so that Excel reads the Chinese."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from minyi.agencies.roles import Role
from minyi.agencies.services import user_role_add
from minyi.home.dates import TAIPEI
from moderation.models import AuditEntry
from moderation.services import item_decide, report_create
from participation.services import comment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_by_moderator(make_consultation, make_user):
    """A comment a citizen reported for personal data and a moderator then hid."""
    consultation = make_consultation()
    author = make_user(display_name="留言的阿嬤", email="grandma@example.org")
    comment = comment_create(
        consultation=consultation, user=author, body="人行道太窄了。", stance="oppose"
    )
    reporter = make_user(display_name="熱心的鄰居", email="neighbour@example.org")
    report_create(reporter=reporter, instance=comment, rule="personal-data", note="有電話")
    moderator = make_user(display_name="審核員阿明", email="moderator@example.org")
    user_role_add(user=moderator, role=Role.MODERATOR)
    item_decide(
        moderator=moderator, instance=comment, action="hide", rule="personal-data", note="已隱藏"
    )
    return {"comment": comment, "moderator": moderator, "consultation": consultation}


def _export(client, moderator, **query):
    client.force_login(moderator)
    response = client.get(reverse("moderation_admin:audit_log"), {"format": "csv", **query})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content)


def test_the_file_has_chinese_headers_and_a_byte_order_mark(client, hidden_by_moderator):
    body = _export(client, hidden_by_moderator["moderator"])
    assert body.startswith("\ufeff".encode())  # Excel reads UTF-8 only with it
    header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert header == [
        "時間（民國，臺北時間）",
        "時間（ISO 8601，臺北時間 +08:00）",
        "執行者",
        "動作",
        "項目",
        "所屬",
        "留言規範",
        "附註",
        "變更前狀態",
        "變更後狀態",
        "目前公開的內容",
    ]


def test_each_entry_reads_as_on_the_screen_in_taipei_time(client, hidden_by_moderator):
    comment = hidden_by_moderator["comment"]
    body = _export(client, hidden_by_moderator["moderator"]).decode("utf-8-sig")
    rows = {row[3]: row for row in list(csv.reader(io.StringIO(body)))[1:]}
    assert set(rows) == {"民眾檢舉", "審核員隱藏"}

    hide = rows["審核員隱藏"]
    entry = AuditEntry.objects.get(action="decide-hide")
    local = entry.created_at.astimezone(TAIPEI)
    roc = f"{local.year - 1911}年{local.month}月{local.day}日 {local:%H:%M}"
    assert hide[0] == roc
    assert hide[1] == local.isoformat(timespec="seconds") and hide[1].endswith("+08:00")
    assert local.utcoffset() == timedelta(hours=8)
    assert hide[2:] == [
        "審核員阿明",
        "審核員隱藏",
        f"留言 #{comment.pk}",
        hidden_by_moderator["consultation"].title,
        "保護個人資料",
        "已隱藏",
        "公開中",
        "已隱藏",
        "",  # hidden: nothing of its text leaves the platform
    ]
    report = rows["民眾檢舉"]
    assert report[2] == "熱心的鄰居" and report[6] == "保護個人資料"


def test_no_e_mail_address_or_code_leaves_in_the_file(client, hidden_by_moderator):
    body = _export(client, hidden_by_moderator["moderator"]).decode("utf-8-sig")
    assert "@" not in body
    for code in ("decide-hide", "report", "participation.comment", "personal-data", "hidden"):
        assert code not in body, code
    assert "+00:00" not in body


def test_the_filter_applies_to_the_file(client, hidden_by_moderator):
    body = _export(client, hidden_by_moderator["moderator"], action="report")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))[1:]
    assert [row[3] for row in rows] == ["民眾檢舉"]


def test_the_file_is_in_the_language_of_the_request_although_streamed_later(
    client, hidden_by_moderator
):
    from django.utils import translation

    client.force_login(hidden_by_moderator["moderator"])
    response = client.get(reverse("moderation_admin:audit_log"), {"format": "csv"})
    with translation.override("en"):  # what the thread happens to hold while streaming
        body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "審核員隱藏" in body and "Moderator hid it" not in body
