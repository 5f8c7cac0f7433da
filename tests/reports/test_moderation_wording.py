"""The report's moderation section and reply count agree with each other and with what the
public sees: a comment a moderator hid is counted as 「已隱藏」 in the sentence and in the table
(the sentence said 「目前暫緩待審：0 則」 beside a table row 「隱藏待審 1」); the rule is named, not
coded; the chart's caption points down to the decisions; a reply (an agency's too) under a
hidden comment is not counted or read as public. Every figure is recomputed here from the
database by other means."""

import re
from collections import Counter

import pytest
from django.urls import reverse

from minyi.agencies.roles import Role
from minyi.agencies.services import agency_staff_add, user_role_add
from moderation.services import item_decide
from participation.models import Comment, ModerationState, Statement
from participation.services import comment_create
from reports.models import Report
from reports.services import report_generate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_urls")]

# What moderators' screens call each state, and the stored codes of each.
VISIBLE = {"published", "unmoderated", "accepted"}
WORDS = {"held": "暫緩待審", "hidden": "已隱藏", "rejected": "不予公開"}


@pytest.fixture
def world(make_consultation, make_user, django_capture_on_commit_callbacks):
    page = make_consultation()
    analyst, staff, moderator = make_user(), make_user(display_name="交通部承辦"), make_user()
    user_role_add(user=analyst, role=Role.ANALYST)
    agency_staff_add(agency=page.agency, user=staff)
    user_role_add(user=moderator, role=Role.MODERATOR)
    with django_capture_on_commit_callbacks(execute=True):
        kept = comment_create(
            consultation=page, user=make_user(), body="支持第二條的修正。", stance="support"
        )
        comment_create(consultation=page, user=staff, body="感謝支持。", parent=kept)
        phone = comment_create(
            consultation=page, user=make_user(), body="人行道太窄了，請回電。", stance="oppose"
        )
        agency_reply = comment_create(
            consultation=page, user=staff, body="本部將修正為二公尺。", parent=phone
        )
        held = comment_create(
            consultation=page, user=make_user(), body="你這個白痴官員，去死吧", stance="oppose"
        )
        item_decide(moderator=moderator, instance=phone, action="hide", rule="personal-data")
        Statement.objects.create(
            consultation=page, text="被隱藏的陳述", moderation_state=ModerationState.HIDDEN
        )
        report_generate(consultation=page, user=analyst)
    assert held.state == "held" and agency_reply.state == "published"
    report = Report.objects.get(consultation=page)
    return {"page": page, "analyst": analyst, "staff": staff, "report": report,
            "agency_reply": agency_reply}  # fmt: skip


def _page(client, world) -> str:
    client.force_login(world["analyst"])
    url = reverse(
        "reports:detail",
        kwargs={"consultation_id": world["page"].pk, "version": world["report"].version},
    )
    return client.get(url).content.decode()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_reply_under_a_hidden_comment_is_not_a_public_reply(world):
    comments = Comment.objects.filter(consultation=world["page"])
    shown = set(comments.filter(state="published").values_list("pk", flat=True))
    public = [c for c in comments if c.parent_id and c.pk in shown and c.parent_id in shown]
    assert world["report"].data["summary"]["replies"] == len(public) == 1


def test_the_sentence_and_the_table_count_the_same_states_in_the_same_words(client, world):
    page = world["page"]
    states: Counter = Counter()
    for state in Comment.objects.filter(consultation=page).values_list("state", flat=True):
        states["visible" if state in VISIBLE else state] += 1
    for state in Statement.objects.filter(consultation=page).values_list(
        "moderation_state", flat=True
    ):
        states["visible" if state in VISIBLE else state] += 1
    assert (states["held"], states["hidden"], states["rejected"]) == (1, 2, 0)

    text = _text(_page(client, world))
    sentence = "、".join(f"{WORDS[s]} {states[s]} 則" for s in ("held", "hidden", "rejected"))
    assert f"資料截止時未公開的投稿：{sentence}。" in text
    assert "目前暫緩待審" not in text and "隱藏待審" not in text
    # The table's rows: the same words, and the hidden comment and statement counted there.
    assert "意見 已隱藏 1" in text and "意見陳述 已隱藏 1" in text
    assert "意見 暫緩待審 1" in text


def test_rules_are_named_not_coded_and_the_caption_points_down(client, world):
    html = _page(client, world)
    text = _text(html)
    assert "personal-data" not in text and "代碼" not in text
    assert "保護個人資料" in text
    caption = re.search(r"審核員其後的決定見下方「審核員的決定」表", text)
    assert caption and "見上方" not in text
    # …and the decisions table does come after the caption.
    assert text.index("審核員其後的決定") < text.rindex("審核員的決定 ")


def test_the_tone_page_leaves_out_a_reply_under_a_hidden_comment(client, world):
    client.force_login(world["staff"])
    html = client.get(reverse("reports:readings", args=[world["page"].pk])).content.decode()
    assert "感謝支持。" in html
    assert "本部將修正為二公尺。" not in html


def test_the_methods_are_named_in_chinese_on_the_page(client, world):
    html = _page(client, world)
    assert "<li><strong>報告資料格式</strong>：第 2 版</li>" in html
    assert "<li><strong>斷詞</strong>：jieba 斷詞與繁體中文詞典" in html
    assert "segmenter" not in html and "report_schema" not in html
