"""Replies, edits with public history, the bell, the notification list and the export."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from minyi.accounts.selectors import user_data_export
from minyi.notifications.models import Notification
from participation import notification_kinds
from participation.follows import follow_add
from participation.models import Comment
from participation.services import comment_create

pytestmark = pytest.mark.django_db


def test_reply_notifies_the_author_once(make_consultation, make_user):
    page = make_consultation()
    author, replier = make_user(), make_user()
    parent = comment_create(consultation=page, user=author, body="原留言", stance="support")
    comment_create(consultation=page, user=replier, body="我的回覆", parent=parent)
    comment_create(consultation=page, user=author, body="自己回覆自己", parent=parent)
    notices = Notification.objects.filter(user=author, kind=notification_kinds.REPLY)
    assert notices.count() == 1
    reply = parent.replies.get(author=replier)
    assert notices.get().url == reverse("participation:comment_link", args=[reply.pk])


def test_held_reply_is_screened_and_notifies_nobody(make_consultation, make_user):
    page = make_consultation()
    author = make_user()
    parent = comment_create(consultation=page, user=author, body="原留言", stance="support")
    threat = "我要殺了你全家"
    reply = comment_create(consultation=page, user=make_user(), body=threat, parent=parent)
    assert not reply.is_visible
    assert not Notification.objects.filter(user=author).exists()


def test_edit_form_is_prefilled_saves_and_keeps_history(client, make_consultation, make_user):
    page = make_consultation()
    user = make_user()
    comment = comment_create(consultation=page, user=user, body="第一版", stance="support")
    client.force_login(user)
    url = reverse("participation:comment_edit", args=[comment.pk])
    form = client.get(url).content.decode()
    assert "第一版</textarea>" in form
    assert "您可以修改到 " in form and "（張貼後 15 分鐘內）" in form  # until when, and why
    assert f'href="{page.url}#comment-{comment.pk}">取消</a>' in form  # a way back unsaved
    response = client.post(url, {"body": "第二版", "stance": "oppose"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.body, comment.stance) == ("第二版", "oppose")
    history = client.get(reverse("participation:comment_history", args=[comment.pk]))
    assert "第一版" in history.content.decode() and "第二版" in history.content.decode()
    assert "已編輯" in client.get(page.url).content.decode()


def test_edit_refuses_abuse_and_late_edits_and_others(client, make_consultation, make_user):
    page = make_consultation()
    user = make_user()
    comment = comment_create(consultation=page, user=user, body="原文", stance="support")
    client.force_login(user)
    url = reverse("participation:comment_edit", args=[comment.pk])
    response = client.post(url, {"body": "我要殺了你全家", "stance": "support"})
    assert response.status_code == 400
    comment.refresh_from_db()
    assert comment.body == "原文" and not comment.revisions.exists()
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    assert client.post(url, {"body": "太晚", "stance": "support"}).status_code == 400
    own = client.get(page.url).content.decode().split(f'id="comment-{comment.pk}"')[1]
    assert reverse("participation:comment_edit", args=[comment.pk]) not in own
    client.force_login(make_user())
    assert client.get(url).status_code == 404


def test_bell_counts_unread_and_the_list_marks_read(client, make_consultation, make_user):
    page = make_consultation()
    author = make_user()
    parent = comment_create(consultation=page, user=author, body="原留言", stance="support")
    comment_create(consultation=page, user=make_user(), body="回覆", parent=parent)
    client.force_login(author)
    assert 'data-unread="1"' in client.get(page.url).content.decode()
    listing = client.get(reverse("notifications:list")).content.decode()
    assert "回覆了您在" in listing and page.title in listing  # the follow from commenting
    assert 'data-unread="0"' in client.get(page.url).content.decode()


def test_unfollow_in_place_returns_to_the_list(client, make_consultation, make_user):
    page = make_consultation()
    user = make_user()
    follow_add(user=user, consultation=page)
    client.force_login(user)
    back = reverse("notifications:list") + "#follows"
    response = client.post(
        reverse("participation:follow", args=["consultation", page.pk]),
        {"follow": "0", "next": back},
    )
    assert response.url == back
    assert not user.follows.exists()
    response = client.post(
        reverse("participation:follow", args=["consultation", page.pk]),
        {"follow": "0", "next": "https://evil.example/"},
    )
    assert response.url == page.url


def test_export_has_follows_notifications_and_settings(make_consultation, make_user):
    page = make_consultation()
    author = make_user()
    parent = comment_create(consultation=page, user=author, body="原留言", stance="support")
    comment_create(consultation=page, user=make_user(), body="回覆", parent=parent)
    data = user_data_export(author)
    assert data["participation"]["follows"][0]["consultation"] == page.title
    assert data["notifications"]["notifications"][0]["kind"] == "留言的回覆"
    assert data["notifications"]["notification_settings"] == {"email_frequency": "即時寄送"}
    assert data["moderation_reports"] == []
    assert data["performance"] == {"questions": [], "ratings": [], "program_follows": []}


def test_a_moderators_mask_also_removes_the_earlier_texts(client, make_consultation, make_user):
    """The edit history is public: when a moderator masks a comment, its earlier texts (which
    may hold what was masked) are no longer shown anywhere."""
    from minyi.agencies.roles import Role
    from minyi.agencies.services import user_role_add
    from moderation.services import item_decide
    from participation.services import comment_edit

    page = make_consultation()
    author, moderator = make_user(), make_user()
    user_role_add(user=moderator, role=Role.MODERATOR)
    comment = comment_create(
        consultation=page, user=author, body="LINE 帳號 abc123", stance="support"
    )
    comment_edit(comment=comment, user=author, body="我的 LINE 帳號 abc123，歡迎聯絡")
    item_decide(
        moderator=moderator,
        instance=comment,
        action="mask",
        rule="personal-data",
        masked_text="我的 LINE 帳號 ██████，歡迎聯絡",
    )
    history = client.get(reverse("participation:comment_history", args=[comment.pk]))
    assert history.status_code == 200
    assert "abc123" not in history.content.decode()
    assert "██████" in history.content.decode()


def test_no_edit_offered_once_the_consultation_closed(client, make_consultation, make_user):
    from django.core.cache import cache

    from participation.models import ConsultationPage

    page = make_consultation()
    user = make_user()
    comment = comment_create(consultation=page, user=user, body="截止前", stance="support")
    edit_url = reverse("participation:comment_edit", args=[comment.pk])
    client.force_login(user)
    assert edit_url in client.get(page.url).content.decode()
    ConsultationPage.objects.filter(pk=page.pk).update(closes_at=timezone.now())
    # A cached copy expires when the consultation closes; moving the date by hand, expire it here.
    cache.clear()
    own = client.get(page.url).content.decode().split(f'id="comment-{comment.pk}"')[1]
    assert edit_url not in own
    # Withdrawing stays possible: people keep the right to take their words back.
    assert reverse("participation:comment_withdraw", args=[comment.pk]) in own


def test_held_reply_approved_by_a_moderator_notifies_the_author(make_consultation, make_user):
    from minyi.agencies.roles import Role
    from minyi.agencies.services import user_role_add
    from moderation.services import item_decide

    page = make_consultation()
    author = make_user()
    parent = comment_create(consultation=page, user=author, body="原留言", stance="support")
    reply = comment_create(
        consultation=page, user=make_user(), body="我要殺了你全家", parent=parent
    )
    assert not Notification.objects.filter(user=author).exists()
    moderator = make_user()
    user_role_add(user=moderator, role=Role.MODERATOR)
    item_decide(moderator=moderator, instance=reply, action="approve", rule="", note="誤判")
    notice = Notification.objects.get(user=author, kind=notification_kinds.REPLY)
    assert notice.url == reverse("participation:comment_link", args=[reply.pk])


def test_a_comments_link_finds_it_on_its_list_page_or_says_it_is_gone(
    client, make_consultation, make_user
):
    """Notifications link to ``comment_link``: the list page that holds the comment (the 30th
    of a section is not on the consultation page), or the consultation with a word that it
    was withdrawn (it used to point at a ``#comment-N`` that no longer existed)."""
    from participation.services import comment_withdraw

    page = make_consultation()
    section = page.sections.first()
    author, replier = make_user(), make_user()
    parent = comment_create(
        consultation=page, user=author, body="原留言", stance="support", section=section
    )
    reply = comment_create(consultation=page, user=replier, body="我的回覆", parent=parent)
    link = reverse("participation:comment_link", args=[reply.pk])

    found = client.get(link)
    listing = reverse("participation:section_comments", args=[page.pk])
    assert found.status_code == 302
    assert found.url == f"{listing}?section={section.pk}&comment={parent.pk}#comment-{reply.pk}"
    html = client.get(found.url).content.decode()
    assert f'id="comment-{reply.pk}"' in html and "我的回覆" in html

    comment_withdraw(comment=reply, user=replier)
    gone = client.get(link, follow=True)
    assert gone.redirect_chain[0][0] == f"{page.url}#comments"
    html = gone.content.decode()
    assert "這則留言已由作者撤回或已被移除" in html and "我的回覆" not in html

    comment_withdraw(comment=parent, user=author)  # a reply under a withdrawn comment is gone too
    other = comment_create(consultation=page, user=make_user(), body="另一則", stance="oppose")
    assert client.get(reverse("participation:comment_link", args=[other.pk])).status_code == 302
    assert client.get(reverse("participation:comment_link", args=[999999])).status_code == 404


def test_withdrawing_asks_first(client, make_consultation, make_user):
    page = make_consultation()
    author = make_user()
    comment = comment_create(consultation=page, user=author, body="可能撤回", stance="support")
    client.force_login(author)
    html = client.get(page.url).content.decode()
    action = reverse("participation:comment_withdraw", args=[comment.pk])
    details = html[html.index('<details class="confirm-inline">') :]
    details = details[: details.index("</details>")]
    assert "<summary" in details and "撤回" in details
    assert f'action="{action}"' in details
    assert "確定要撤回這則留言嗎" in details and "確定撤回" in details
    assert client.post(action).status_code == 302
    comment.refresh_from_db()
    assert comment.state == "withdrawn"
