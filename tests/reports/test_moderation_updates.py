"""A moderator's decision or an author's withdrawal regenerates the published report: the new
version is marked 因審核更新, is the one the public link serves, and quotes nothing removed."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from minyi.agencies.roles import Role
from minyi.agencies.services import agency_staff_add, user_role_add
from moderation.services import item_decide
from participation.models import Comment
from participation.services import comment_create, comment_withdraw
from reports.models import Report, ReportReason
from reports.services import report_generate, report_moderation_refresh, report_publish
from sentiment.models import TextAnalysis

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_urls")]

INSULT = "垃圾政客"
MASKED = "這草案根本是＊＊＊＊寫的，＊＊＊＊只會護航平台。"
OTHERS = [
    "支持第二條，自用車載客應該納管並要求保險。",
    "反對草案，計程車司機的生計會受到衝擊。",
    "建議設立過渡期，讓計程車業者有時間轉型。",
]


@pytest.fixture
def published(make_consultation, make_user, django_capture_on_commit_callbacks):
    page = make_consultation()
    author = make_user()
    analyst, staff, moderator = make_user(), make_user(), make_user()
    user_role_add(user=analyst, role=Role.ANALYST)
    agency_staff_add(agency=page.agency, user=staff)
    user_role_add(user=moderator, role=Role.MODERATOR)
    with django_capture_on_commit_callbacks(execute=True):
        for text in OTHERS:
            comment_create(consultation=page, user=make_user(), body=text, stance="support")
        insult = comment_create(
            consultation=page,
            user=author,
            body=f"這草案根本是{INSULT}寫的，{INSULT}只會護航平台。",
            stance="oppose",
        )
        report_generate(consultation=page, user=analyst)
    assert insult.is_visible  # screening let it through: the moderator is the one to act
    first = Report.objects.get(consultation=page)
    report_publish(report=first, user=staff)
    assert INSULT in json.dumps(first.data, ensure_ascii=False)
    return {
        "page": page,
        "author": author,
        "moderator": moderator,
        "staff": staff,
        "comment": insult,
        "first": first,
    }


def _decide(world, action):
    if action == "withdraw":
        comment_withdraw(comment=world["comment"], user=world["author"])
        return
    item_decide(
        moderator=world["moderator"],
        instance=world["comment"],
        action=action,
        rule="abuse",
        masked_text=MASKED if action == "mask" else None,
    )


@pytest.mark.parametrize("action", ["mask", "hide", "reject", "withdraw"])
def test_the_published_report_is_regenerated_without_the_removed_words(
    client, published, action, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _decide(published, action)

    first = Report.objects.get(pk=published["first"].pk)
    latest = Report.objects.filter(consultation=published["page"]).order_by("-version").first()
    assert latest.version == first.version + 1
    assert latest.reason == ReportReason.MODERATION and latest.replaces_id == first.pk
    assert latest.is_done and latest.published
    assert not first.published
    assert INSULT not in json.dumps(latest.data, ensure_ascii=False)
    # The engine's stored reading follows the decision too.
    analyses = TextAnalysis.objects.filter(object_id=published["comment"].pk)
    analyses = analyses.filter(content_type__model="comment")
    if action == "mask":
        assert INSULT not in json.dumps(analyses.get().tokens, ensure_ascii=False)
    else:
        assert not analyses.exists()

    consultation_id = published["page"].pk
    public = client.get(reverse("reports:latest", args=[consultation_id]))
    assert public.status_code == 302 and public.url.endswith(f"/v{latest.version}/")
    page = client.get(public.url).content.decode()
    assert "因審核更新" in page and INSULT not in page
    old = reverse("reports:detail", args=[consultation_id, first.version])
    assert client.get(old).status_code == 404  # no public URL serves the removed words
    client.force_login(published["staff"])
    assert client.get(old).status_code == 200  # staff keep the history
    with pytest.raises(ValidationError):
        report_publish(report=first, user=published["staff"])


def test_a_decision_on_an_item_the_report_never_counted_changes_nothing(
    published, make_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        later = comment_create(
            consultation=published["page"], user=make_user(), body="晚來的留言", stance="suggest"
        )
        item_decide(moderator=published["moderator"], instance=later, action="hide", rule="abuse")
    assert Report.objects.filter(consultation=published["page"]).count() == 1
    assert Report.objects.get().published


def test_the_public_link_says_a_new_version_is_coming(client, published):
    comment = Comment.objects.get(pk=published["comment"].pk)
    # The job has run the refresher but the worker has not built the new version yet.
    report_moderation_refresh("participation.comment", comment.pk, timezone.now())
    response = client.get(reverse("reports:latest", args=[published["page"].pk]))
    assert response.status_code == 200
    assert "正在重新產生" in response.content.decode()
    assert "正在重新產生" in client.get(published["page"].url).content.decode()


def test_tone_per_comment_is_for_analysts_and_staff_without_removed_comments(
    client, published, make_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _decide(published, "hide")
    url = reverse("reports:readings", args=[published["page"].pk])
    assert client.get(url).status_code == 404
    client.force_login(make_user())
    assert client.get(url).status_code == 404
    client.force_login(published["staff"])
    html = client.get(url).content.decode()
    assert "每則留言的語氣判讀" in html
    assert any(label in html for label in ("正面", "中立", "負面"))
    assert OTHERS[0] in html and INSULT not in html


def test_a_draft_that_counted_a_removed_item_can_never_be_published(
    published, django_capture_on_commit_callbacks
):
    staff = published["staff"]
    with django_capture_on_commit_callbacks(execute=True):
        report_publish(report=published["first"], user=published["staff"], published=False)
        draft = report_generate(consultation=published["page"], user=staff)
    draft.refresh_from_db()
    assert draft.is_done and not draft.published
    with django_capture_on_commit_callbacks(execute=True):
        _decide(published, "hide")
    draft.refresh_from_db()
    assert draft.outdated
    # Nothing was public: no replacement is generated, and the draft stays unpublishable.
    assert Report.objects.filter(consultation=published["page"]).count() == 2
    with pytest.raises(ValidationError, match="審核"):
        report_publish(report=draft, user=published["staff"])
