"""What moderators read: the screening note's punctuation, the metrics' 「waiting」 figure (the
queue's own count), 民國 times in the audit log and full-width colons."""

import csv
import io
import re

import pytest
from django.urls import reverse

from minyi.agencies.roles import Role
from minyi.agencies.services import user_role_add
from moderation.models import AuditEntry
from moderation.selectors import moderation_metrics, moderation_queue, moderation_waiting_count
from moderation.services import appeal_create, item_decide, reasons_sentences
from participation.models import CommentState
from participation.services import comment_create

pytestmark = pytest.mark.django_db

ABUSE = "內容含有辱罵或粗俗字詞。請就事論事，避免人身攻擊。"
THREAT = "內容含有威脅或暴力字詞，將暫緩公開並由管理員審查。"


@pytest.fixture
def moderator(make_user):
    user = make_user(display_name="審核員阿明")
    user_role_add(user=user, role=Role.MODERATOR)
    return user


@pytest.fixture
def held_comment(make_consultation, make_user):
    comment = comment_create(
        consultation=make_consultation(),
        user=make_user(display_name="阿嬤小美"),
        body="你這個白痴官員，去死吧",
        stance="oppose",
    )
    assert comment.state == CommentState.HELD
    return comment


def test_screening_reasons_read_as_sentences_not_full_stop_then_semicolon():
    assert reasons_sentences([ABUSE, THREAT, ABUSE]) == ABUSE + THREAT
    assert reasons_sentences(["內容含有大量連結", ""]) == "內容含有大量連結。"


def test_the_hold_note_in_the_audit_log_has_no_full_stop_before_a_semicolon(held_comment):
    hold = AuditEntry.objects.get(object_id=held_comment.pk, action="hold-by-screening")
    assert hold.note and "。；" not in hold.note and hold.note.endswith("。")


def test_metrics_say_what_waits_as_the_queue_counts_it(client, held_comment, moderator):
    assert moderation_waiting_count() == len(moderation_queue()) == 1
    item_decide(moderator=moderator, instance=held_comment, action="reject", rule="abuse")
    assert moderation_queue() == []
    metrics = moderation_metrics()
    assert metrics["waiting"] == moderation_waiting_count() == 0
    assert metrics["outcomes"] == {"hold": 1}  # how screening judged it, since the start
    client.force_login(moderator)
    html = client.get(reverse("moderation_admin:metrics")).content.decode()
    assert "<dt>現在等待審核員處理</dt><dd>0 " in html
    assert "<dt>自動篩檢：待審核員審核</dt><dd>1</dd>" in html
    assert "<dt>待審核員審核</dt>" not in html  # no longer reads as a waiting item


def test_audit_log_shows_minguo_times_and_the_csv_adds_taipei_iso(client, held_comment, moderator):
    client.force_login(moderator)
    url = reverse("moderation_admin:audit_log")
    html = client.get(url).content.decode()
    entry = AuditEntry.objects.get(object_id=held_comment.pk)
    from minyi.home.dates import format_minguo_datetime, iso_value

    assert format_minguo_datetime(entry.created_at) in html  # 115年…月…日 HH:MM
    assert f'datetime="{iso_value(entry.created_at)}"' in html
    assert not re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", html)  # no Western timestamp
    exported = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode()
    rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))
    assert rows[1][:2] == [format_minguo_datetime(entry.created_at), iso_value(entry.created_at)]


def test_the_appeal_reads_with_a_full_width_colon(client, held_comment, moderator, make_user):
    decision = item_decide(
        moderator=moderator, instance=held_comment, action="reject", rule="abuse"
    )
    appeal_create(author=held_comment.author, decision=decision, reason="我只是太生氣了。")
    second = make_user()
    user_role_add(user=second, role=Role.MODERATOR)
    client.force_login(second)
    html = client.get(reverse("moderation_admin:appeals")).content.decode()
    assert "作者的申訴：</strong>" in html
    assert "作者的申訴:" not in html and "：</strong> " not in html
    # The outcomes are a group with its question, one under the other; the note has room.
    assert "<legend>您對申訴的決定</legend>" in html
    assert html.count('class="minyi-choice"><input type="radio" name="outcome"') == 2
    assert '<textarea name="note"' in html


def test_a_petition_masked_by_screening_is_not_said_to_be_published_while_it_waits():
    """The queue read 「自動篩檢：已發表（個人資料已遮蔽）」 beside 「待審核」 for a petition."""
    from django.utils import translation

    from moderation.models import Outcome
    from moderation.selectors import QueueItem

    item = QueueItem(
        instance=None,
        kind_label="participation.petition",
        noun_zh="提議",
        state="held",
        text="",
        author=None,
        submitted_at=None,
        automatic_outcome=Outcome.PUBLISH_MASKED,
    )
    with translation.override("zh-hant"):
        assert str(item.state_label) == "待審核"
        assert "發表" not in item.automatic_outcome_label
        assert "遮蔽" in item.automatic_outcome_label


def test_citizens_are_offered_only_rules_they_can_see_broken(client, make_consultation, make_user):
    """The report form offered 「文字格式限制」 (control characters screening strips) and
    「禁止短時間大量發文」 (a rate no reader can see)."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.exceptions import ValidationError

    from moderation.services import report_create

    comment = comment_create(
        consultation=make_consultation(),
        user=make_user(),
        body="公車候車亭應該加裝遮雨棚。",
        stance="support",
    )
    reader = make_user()
    client.force_login(reader)
    url = reverse(
        "moderation:report", args=[ContentType.objects.get_for_model(comment).pk, comment.pk]
    )
    html = client.get(url).content.decode()
    assert "禁止人身攻擊與粗俗辱罵" in html
    assert "文字格式限制" not in html and "禁止短時間大量發文" not in html
    with pytest.raises(ValidationError):
        report_create(reporter=reader, instance=comment, rule="unsafe-text")
    assert report_create(reporter=reader, instance=comment, rule="abuse").rule == "abuse"
    # Once reported, the form says so instead of taking a second report it would refuse.
    html = client.get(url).content.decode()
    assert "您已檢舉過這則內容" in html and 'name="rule"' not in html


def test_the_queue_shows_what_reporters_wrote_masked(client, make_consultation, make_user):
    """The reporter's note reached moderators only through the audit log."""
    from moderation.services import report_create

    comment = comment_create(
        consultation=make_consultation(),
        user=make_user(),
        body="公車候車亭應該加裝遮雨棚。",
        stance="support",
    )
    report_create(
        reporter=make_user(),
        instance=comment,
        rule="off-topic",
        note="這是廣告，請聯絡 0912-345-678 查證",
    )
    moderator = make_user()
    user_role_add(user=moderator, role=Role.MODERATOR)
    client.force_login(moderator)
    html = client.get(reverse("moderation_admin:queue")).content.decode()
    assert "這是廣告，請聯絡" in html and "0912-345-678" not in html


def test_no_decision_is_chosen_for_the_moderator(client, held_comment, moderator):
    """Every item's form on 所有項目 came with 「核准（公開）」 already chosen."""
    client.force_login(moderator)
    for name in ("moderation_admin:queue", "moderation_admin:items"):
        html = client.get(reverse(name)).content.decode()
        assert '<select name="action" required><option value="" selected>請選擇決定</option>' in (
            html
        ), name
        assert "「不予公開」用於尚未公開的內容" in html  # the two removals told apart


def test_an_author_sees_what_of_theirs_waits_for_a_moderator(client, held_comment, make_user):
    """A held comment vanished from its author's sight: nothing said it was waiting."""
    client.force_login(held_comment.author)
    html = client.get(reverse("moderation:my_decisions")).content.decode()
    assert "等候審核" in html and held_comment.body in html
    assert "禁止人身攻擊與粗俗辱罵" in html  # what screening asked a moderator to check
    client.force_login(make_user())
    assert held_comment.body not in client.get(reverse("moderation:my_decisions")).content.decode()


def test_reporters_notes_and_appeals_keep_no_phone_number_anywhere(
    client, held_comment, moderator, make_user
):
    """The queue masked a reporter's phone number; the audit log showed it whole."""
    from moderation.models import Appeal, AuditEntry, Report
    from moderation.services import report_create

    comment = comment_create(
        consultation=held_comment.consultation,
        user=make_user(),
        body="公車候車亭應該加裝遮雨棚。",
        stance="support",
    )
    report_create(
        reporter=make_user(), instance=comment, rule="off-topic", note="請撥 0912-345-678 查證"
    )
    decision = item_decide(
        moderator=moderator, instance=held_comment, action="reject", rule="abuse"
    )
    appeal_create(
        author=held_comment.author, decision=decision, reason="請打 0912-345-678 給我說明。"
    )
    stored = [
        *Report.objects.values_list("note", flat=True),
        *Appeal.objects.values_list("reason", flat=True),
        *AuditEntry.objects.values_list("note", flat=True),
    ]
    assert not any("345-678" in text for text in stored), stored
    client.force_login(moderator)
    html = client.get(reverse("moderation_admin:audit_log")).content.decode()
    assert "0912-***-678" in html and "0912-345-678" not in html
