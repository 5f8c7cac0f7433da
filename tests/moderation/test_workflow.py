"""Reports, moderator decisions, appeals and the audit log, end to end."""

import csv
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from minyi.agencies.roles import Role
from minyi.agencies.services import user_role_add
from minyi.notifications.models import Notification
from minyi.ratelimit import RateLimited
from moderation.models import Appeal, AuditEntry, Decision, Report, ReportStatus
from moderation.services import (
    appeal_create,
    appeal_decide,
    item_decide,
    report_create,
)
from participation.models import Comment, CommentState
from participation.services import comment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_moderator(make_user):
    def make(**kwargs):
        user = make_user(**kwargs)
        user_role_add(user=user, role=Role.MODERATOR)
        return user

    return make


@pytest.fixture
def comment(make_consultation, make_user):
    page = make_consultation()
    return comment_create(
        consultation=page,
        user=make_user(display_name="留言者"),
        body="這條規定不合理。",
        stance="oppose",
    )


def actions(instance) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=instance.pk)
        .order_by("created_at", "pk")
        .values_list("action", flat=True)
    )


def test_three_reports_hide_an_item_and_a_moderator_restores_it(
    client, comment, make_user, make_moderator
):
    page_url = comment.consultation.url
    reporters = [make_user() for _ in range(3)]
    for reporter in reporters[:2]:
        report_create(reporter=reporter, instance=comment, rule="abuse")
    comment.refresh_from_db()
    assert comment.state == CommentState.PUBLISHED
    assert "這條規定不合理" in client.get(page_url).content.decode()

    report_create(reporter=reporters[2], instance=comment, rule="abuse", note="罵人")
    comment.refresh_from_db()
    assert comment.state == CommentState.HIDDEN
    assert "這條規定不合理" not in client.get(page_url).content.decode()

    moderator = make_moderator()
    client.force_login(moderator)
    queue = client.get(reverse("moderation_admin:queue")).content.decode()
    assert "這條規定不合理" in queue and "3 reports" in queue.replace("3 則檢舉", "3 reports")

    response = client.post(
        reverse("moderation_admin:queue"),
        {"items": [f"participation.comment:{comment.pk}"], "action": "approve", "note": "未違規"},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.state == CommentState.PUBLISHED
    client.logout()
    assert "這條規定不合理" in client.get(page_url).content.decode()
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.DISMISSED}

    assert actions(comment) == [
        "report",
        "report",
        "report",
        "hide-after-reports",
        "decide-approve",
    ]
    hide = AuditEntry.objects.get(action="hide-after-reports")
    assert hide.actor is None
    assert (hide.before["state"], hide.after["state"]) == ("visible", "hidden")
    restore = AuditEntry.objects.get(action="decide-approve")
    assert restore.actor == moderator
    assert (restore.before["state"], restore.after["state"]) == ("hidden", "visible")

    client.force_login(moderator)
    log = client.get(reverse("moderation_admin:audit_log")).content.decode()
    # Human labels, not codes; the item says which consultation it belongs to.
    assert "多人檢舉後自動隱藏" in log and "審核員核准公開" in log and "民眾檢舉" in log
    assert ">hide-after-reports<" not in log
    assert "已隱藏 → 公開中" in log and comment.consultation.title in log
    assert "禁止人身攻擊與粗俗辱罵" in log
    export = client.get(reverse("moderation_admin:audit_log") + "?format=csv")
    body = b"".join(export.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    assert body.count("民眾檢舉") >= 3
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    approve = next(row for row in rows if row[3] == "審核員核准公開")
    # A file leaves the platform: states, and the text as published now (never removed text).
    assert approve[8:11] == ["已隱藏", "公開中", "這條規定不合理。"]


def test_screening_holds_are_in_the_audit_log(make_consultation, make_user):
    comment = comment_create(
        consultation=make_consultation(),
        user=make_user(),
        body="你這個白痴官員，去死吧",
        stance="oppose",
    )
    assert comment.state == CommentState.HELD
    hold = AuditEntry.objects.get(object_id=comment.pk, action="hold-by-screening")
    assert hold.actor is None and hold.rule and hold.after["state"] == "held"


def test_report_rules(comment, make_user):
    reporter = make_user()
    with pytest.raises(ValidationError, match="規範"):
        report_create(reporter=reporter, instance=comment, rule="not-a-rule")
    with pytest.raises(ValidationError, match="自己"):
        report_create(reporter=comment.author, instance=comment, rule="abuse")
    report_create(reporter=reporter, instance=comment, rule="abuse")
    with pytest.raises(ValidationError, match="已經檢舉"):
        report_create(reporter=reporter, instance=comment, rule="spam-links")
    assert Report.objects.count() == 1


def test_repeated_bad_faith_reporters_are_rate_limited(
    make_consultation, make_user, make_moderator
):
    page = make_consultation()
    moderator = make_moderator()
    reporter = make_user()
    for n in range(3):
        item = comment_create(
            consultation=page, user=make_user(), body=f"合理的意見{n}", stance="support"
        )
        report_create(reporter=reporter, instance=item, rule="abuse")
        item_decide(moderator=moderator, instance=item, action="approve")
    assert Report.objects.filter(status=ReportStatus.DISMISSED).count() == 3
    another = comment_create(consultation=page, user=make_user(), body="再一則", stance="support")
    # Three dismissed reports in 30 days: one report a day, and one was sent today already.
    with pytest.raises(RateLimited, match="稍後"):
        report_create(reporter=reporter, instance=another, rule="abuse")
    report_create(reporter=make_user(), instance=another, rule="abuse")


def test_appeal_is_decided_by_a_second_moderator_and_the_author_is_told(
    client, comment, make_moderator, django_capture_on_commit_callbacks
):
    first, second = make_moderator(), make_moderator()
    with django_capture_on_commit_callbacks(execute=True):
        decision = item_decide(
            moderator=first, instance=comment, action="reject", rule="abuse", note="用語不當"
        )
    comment.refresh_from_db()
    assert comment.state == CommentState.REJECTED
    author = comment.author
    notice = Notification.objects.get(user=author)
    assert "不予公開" in notice.title and "禁止人身攻擊" in notice.title
    assert mail.outbox and mail.outbox[-1].to == [author.email]

    client.force_login(author)
    mine = client.get(reverse("moderation:my_decisions")).content.decode()
    assert reverse("moderation:appeal", args=[decision.pk]) in mine
    response = client.post(
        reverse("moderation:appeal", args=[decision.pk]), {"reason": "我只是批評政策，沒有罵人。"}
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    with pytest.raises(ValidationError, match="一次"):
        appeal_create(author=author, decision=decision, reason="再申訴")

    mine = client.get(reverse("moderation:my_decisions")).content.decode()
    # The one appeal is used: its status replaces the button; the text is shown as published.
    assert reverse("moderation:appeal", args=[decision.pk]) not in mine
    assert "您的申訴" in mine and "這條規定不合理" in mine and comment.consultation.title in mine
    assert "您的申訴：" in mine and "您的申訴: " not in mine  # the colon of Chinese text
    assert client.get(reverse("moderation:appeal", args=[decision.pk])).status_code == 302

    with pytest.raises(ValidationError, match="另一位"):
        appeal_decide(moderator=first, appeal=appeal, outcome="overturned")
    client.force_login(first)
    desk = client.get(reverse("moderation_admin:appeals")).content.decode()
    assert "另一位審核員" in desk and 'name="outcome"' not in desk

    client.force_login(second)
    assert "我只是批評政策" in client.get(reverse("moderation_admin:appeals")).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("moderation_admin:appeals"),
            {"appeal": appeal.pk, "outcome": "overturned", "note": "屬於政策批評"},
        )
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.decided_by == second
    comment.refresh_from_db()
    assert comment.state == CommentState.PUBLISHED
    told = Notification.objects.filter(user=author).order_by("-pk").first()
    assert "申訴成立" in told.title
    assert mail.outbox[-1].to == [author.email]
    assert actions(comment) == ["decide-reject", "appeal", "appeal-overturned"]


def test_only_adverse_latest_decisions_by_the_author_can_be_appealed(
    comment, make_user, make_moderator
):
    moderator = make_moderator()
    approve = item_decide(moderator=moderator, instance=comment, action="approve")
    with pytest.raises(ValidationError):
        appeal_create(author=comment.author, decision=approve, reason="?")
    hide = item_decide(moderator=moderator, instance=comment, action="hide", rule="off-topic")
    with pytest.raises(ValidationError, match="作者"):
        appeal_create(author=make_user(), decision=hide, reason="不是我的")
    with pytest.raises(ValidationError):
        appeal_create(author=comment.author, decision=hide, reason="   ")
    assert Decision.objects.count() == 2


def test_masking_decision_publishes_the_masked_text(comment, make_moderator):
    item_decide(
        moderator=make_moderator(),
        instance=comment,
        action="mask",
        rule="personal-data",
        masked_text="這條規定不合理。（部分內容已遮蔽）",
    )
    comment.refresh_from_db()
    assert comment.body == "這條規定不合理。（部分內容已遮蔽）"
    entry = AuditEntry.objects.get(action="decide-mask")
    assert entry.before["text"] == "這條規定不合理。"


def test_citizens_cannot_decide_or_open_the_desk(client, comment, make_user):
    citizen = make_user()
    with pytest.raises(ValidationError):
        item_decide(moderator=citizen, instance=comment, action="hide", rule="abuse")
    client.force_login(citizen)
    for name in ("queue", "appeals", "audit_log", "metrics"):
        assert client.get(reverse(f"moderation_admin:{name}")).status_code in {302, 403}


def test_audit_log_cannot_be_changed(comment, make_user):
    report_create(reporter=make_user(), instance=comment, rule="abuse")
    entry = AuditEntry.objects.get()
    entry.note = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(note="changed")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_database_refuses_audit_changes_on_postgresql(comment, make_user):
    from django.db import connection, transaction
    from django.db.utils import DatabaseError

    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    report_create(reporter=make_user(), instance=comment, rule="abuse")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE moderation_auditentry SET note = 'x'")


def test_report_form_and_metrics(client, comment, make_user, make_moderator):
    from moderation.templatetags.moderation_tags import report_url

    citizen = make_user()
    client.force_login(citizen)
    page_html = client.get(comment.consultation.url).content.decode()
    url = report_url(comment)
    assert url in page_html
    form = client.get(url)
    assert form.status_code == 200 and "這條規定不合理" in form.content.decode()
    invalid = client.post(url, {"rule": ""})
    assert invalid.status_code == 400
    assert client.post(url, {"rule": "abuse", "note": "不禮貌"}).status_code == 302
    assert Report.objects.get().reporter == citizen

    client.force_login(make_moderator())
    metrics = client.get(reverse("moderation_admin:metrics"))
    assert metrics.status_code == 200
    # Nothing decided yet: the times say so, not an empty box.
    assert "從送出到決定的時間（中位數）</dt><dd>—</dd>" in metrics.content.decode()
    assert Comment.objects.count() == 1


def test_held_statement_author_is_told_it_awaits_review_and_closed_pages_lose_the_calendar(
    client, make_consultation, make_user
):
    from datetime import timedelta

    page = make_consultation()
    client.force_login(make_user())
    response = client.post(
        reverse("participation:statement_post", args=[page.pk]),
        {"text": "你這個白痴官員，去死吧"},
        follow=True,
    )
    assert "將在審核員審核後顯示" in response.content.decode()
    assert "「我的內容審核紀錄」查看進度" in response.content.decode()  # where to follow it
    assert reverse("consultation_ical", args=[page.pk]) in client.get(page.url).content.decode()
    closed = make_consultation(
        slug="closed", opens_in=timedelta(days=-10), closes_in=timedelta(days=-1)
    )
    closed_html = client.get(closed.url).content.decode()
    assert reverse("consultation_ical", args=[closed.pk]) not in closed_html


def test_moderators_act_on_unreported_items_from_the_page_and_the_full_list(
    client, comment, make_user, make_moderator
):
    moderator = make_moderator()
    client.force_login(make_user())
    items_url = reverse("moderation_admin:items")
    assert items_url not in client.get(comment.consultation.url).content.decode()
    assert client.get(items_url).status_code in {302, 403}  # no admin access for citizens

    client.force_login(moderator)
    page = client.get(comment.consultation.url).content.decode()
    link = f"{items_url}?kind=participation.comment&amp;id={comment.pk}"
    assert link in page and "審核處理" in page
    listing = client.get(items_url, {"kind": "participation.comment", "q": "不合理"})
    html = listing.content.decode()
    assert "這條規定不合理" in html and "公開中" in html
    assert comment.consultation.title in html
    assert "這條規定" not in client.get(items_url, {"q": "完全無關"}).content.decode()
    assert "這條規定" not in client.get(items_url, {"state": "hidden"}).content.decode()

    key = f"participation.comment:{comment.pk}"
    client.post(items_url, {"item": key, "action": "hide"})  # a hide needs a house rule
    comment.refresh_from_db()
    assert comment.state == CommentState.PUBLISHED
    client.post(items_url, {"item": key, "action": "hide", "rule": "off-topic", "note": "離題"})
    comment.refresh_from_db()
    assert comment.state == CommentState.HIDDEN
    assert "這條規定" in client.get(items_url, {"state": "hidden"}).content.decode()
    client.post(items_url, {"item": key, "action": "approve"})
    comment.refresh_from_db()
    assert comment.state == CommentState.PUBLISHED
    assert actions(comment) == ["decide-hide", "decide-approve"]


def test_a_moderators_hide_takes_the_item_out_of_the_queue(
    client, comment, make_user, make_moderator
):
    """Hidden after reports waits for a moderator; hidden by a moderator is decided."""
    for _ in range(3):
        report_create(reporter=make_user(), instance=comment, rule="abuse")
    moderator = make_moderator()
    client.force_login(moderator)
    queue_url = reverse("moderation_admin:queue")
    assert "這條規定不合理" in client.get(queue_url).content.decode()

    response = client.post(
        queue_url,
        {"items": [f"participation.comment:{comment.pk}"], "action": "hide", "rule": "abuse"},
        follow=True,
    )
    comment.refresh_from_db()
    assert comment.state == CommentState.HIDDEN
    assert "這條規定不合理" not in response.content.decode()
    assert "這條規定不合理" not in client.get(queue_url + "?state=hidden").content.decode()
    # Still findable among all items, with its state.
    items = client.get(reverse("moderation_admin:items") + "?kind=participation.comment")
    assert "這條規定不合理" in items.content.decode()


def test_the_moderators_forms_refuse_bad_input_in_chinese_and_store_nothing(
    client, comment, make_user, make_moderator
):
    for _ in range(3):
        report_create(reporter=make_user(), instance=comment, rule="abuse")
    client.force_login(make_moderator())
    queue_url = reverse("moderation_admin:queue")
    key = f"participation.comment:{comment.pk}"

    nothing = client.post(queue_url, {"action": "hide", "rule": "abuse"}, follow=True)
    assert "請至少選擇一個項目" in nothing.content.decode()
    unknown = client.post(queue_url, {"items": [key], "action": "delete"}, follow=True)
    assert "請選擇決定" in unknown.content.decode()
    no_rule = client.post(queue_url, {"items": [key], "action": "hide"}, follow=True)
    assert "請選擇所違反的留言規範" in no_rule.content.decode()
    for bad_key in ("participation.nothing:1", "participation.comment:x", "nonsense"):
        assert client.post(queue_url, {"items": [bad_key], "action": "approve"}).status_code == 404
    items_url = reverse("moderation_admin:items")
    assert client.post(items_url, {"item": "nonsense", "action": "approve"}).status_code == 404
    appeals_url = reverse("moderation_admin:appeals")
    assert client.post(appeals_url, {"appeal": "x", "outcome": "upheld"}).status_code == 404

    comment.refresh_from_db()
    assert comment.state == CommentState.HIDDEN
    assert not Decision.objects.exists()
