"""Comments with a stance, per section, through moderation; edits, replies, withdrawal."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from minyi.ratelimit import RateLimited
from moderation.models import Outcome, Submission
from participation.models import Comment, CommentRevision, CommentState
from participation.selectors import section_stance_counts
from participation.services import comment_create, comment_edit, comment_withdraw

pytestmark = pytest.mark.django_db


def test_comment_on_section_counts_in_heat_strip(make_consultation, make_user):
    page = make_consultation()
    first, second = page.sections.all()
    for stance in ("support", "support", "oppose"):
        comment_create(
            consultation=page, user=make_user(), body="意見", stance=stance, section=first
        )
    comment_create(consultation=page, user=make_user(), body="整體建議", stance="suggest")
    counts = section_stance_counts(consultation=page)
    assert counts[first.pk] == {"support": 2, "oppose": 1, "suggest": 0}
    assert second.pk not in counts
    assert counts[None] == {"support": 0, "oppose": 0, "suggest": 1}


def test_national_id_is_masked_and_submission_recorded(make_consultation, make_user):
    page = make_consultation()
    comment = comment_create(
        consultation=page, user=make_user(), body="請聯絡我 A123456789", stance="support"
    )
    assert comment.state == CommentState.PUBLISHED
    assert "A123456789" not in comment.body
    assert "A12****789" in comment.body
    submission = Submission.objects.get(object_id=comment.pk)
    assert submission.outcome == Outcome.PUBLISH_MASKED
    # Not even the moderation record keeps the number (data minimisation).
    assert submission.original_text == "請聯絡我 A12****789"


def test_threat_is_held_not_shown(client, make_consultation, make_user):
    page = make_consultation()
    comment = comment_create(
        consultation=page, user=make_user(), body="我要殺了你全家", stance="oppose"
    )
    assert comment.state == CommentState.HELD
    assert "我要殺了你全家" not in client.get(page.url).content.decode()


@pytest.mark.parametrize(
    ("body", "stance", "message"),
    [
        ("", "support", "留言不可空白。"),
        ("好" * 3001, "support", "留言最多 3000 個字，這則有 3001 個字。"),
        ("沒有立場", "", "請選擇立場：贊成、反對或其他建議。"),
        (" ", "", "留言不可空白。\n請選擇立場：贊成、反對或其他建議。"),
    ],
)
def test_bad_comments_store_nothing(make_consultation, make_user, body, stance, message):
    page = make_consultation()
    with pytest.raises(ValidationError) as error:
        comment_create(consultation=page, user=make_user(), body=body, stance=stance)
    assert error.value.messages == message.split("\n")
    assert not Comment.objects.exists()
    assert not Submission.objects.exists()


def test_one_level_of_replies_without_stance(make_consultation, make_user):
    page = make_consultation()
    top = comment_create(consultation=page, user=make_user(), body="主留言", stance="oppose")
    reply = comment_create(
        consultation=page, user=make_user(), body="回覆", parent=top, stance="support"
    )
    assert reply.stance == "" and reply.parent == top
    with pytest.raises(ValidationError):
        comment_create(consultation=page, user=make_user(), body="再回覆", parent=reply)


def test_edit_keeps_history_within_fifteen_minutes(make_consultation, make_user):
    page = make_consultation()
    author = make_user()
    comment = comment_create(consultation=page, user=author, body="初稿", stance="support")
    comment_edit(comment=comment, user=author, body="修改後", stance="oppose")
    comment.refresh_from_db()
    assert (comment.body, comment.stance) == ("修改後", "oppose")
    assert list(CommentRevision.objects.values_list("body", "stance")) == [("初稿", "support")]

    with pytest.raises(ValidationError):
        comment_edit(comment=comment, user=make_user(), body="別人改")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    with pytest.raises(ValidationError) as error:
        comment_edit(comment=comment, user=author, body="太晚了")
    assert error.value.messages == ["留言只能在發表後 15 分鐘內修改。"]


def test_withdraw_hides_comment(client, make_consultation, make_user):
    page = make_consultation()
    author = make_user()
    comment = comment_create(consultation=page, user=author, body="我撤回這則", stance="support")
    with pytest.raises(ValidationError):
        comment_withdraw(comment=comment, user=make_user())
    comment_withdraw(comment=comment, user=author)
    assert "我撤回這則" not in client.get(page.url).content.decode()


def test_comments_are_rate_limited(make_consultation, make_user):
    page = make_consultation()
    user = make_user()
    for n in range(5):
        comment_create(consultation=page, user=user, body=f"第 {n} 則", stance="support")
    with pytest.raises(RateLimited) as error:
        comment_create(consultation=page, user=user, body="太快了", stance="support")
    assert "太快" in error.value.messages[0]
    assert Comment.objects.count() == 5


def test_comment_form_post_and_errors(client, make_consultation, make_user):
    page = make_consultation()
    section = page.sections.first()
    client.force_login(make_user(display_name="留言的人"))
    url = reverse("participation:comment_post", args=[page.pk])
    response = client.post(
        url, {"body": "支持第一條", "stance": "support", "section": section.pk}, follow=True
    )
    html = response.content.decode()
    assert "您的留言已發表。" in html
    assert "支持第一條" in html and "留言的人" in html

    response = client.post(url, {"body": "", "stance": "support"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "留言不可空白。"}

    # Sent empty: both faults at once, shown in the form the redirect lands on.
    response = client.post(url, {"body": "", "stance": ""})
    assert response.status_code == 302 and response.url.endswith("#comment-form")
    html = client.get(response.url).content.decode()
    form = html[
        html.index('id="comment-form"') : html.index("</form>", html.index('id="comment-form"'))
    ]
    assert "<li>留言不可空白。</li><li>請選擇立場：贊成、反對或其他建議。</li>" in form
    assert html.count("留言不可空白。") == 1  # not again at the top: the form says it
    assert Comment.objects.count() == 1


def test_a_refused_reply_opens_its_own_form_with_the_error(client, make_consultation, make_user):
    page = make_consultation()
    top = comment_create(consultation=page, user=make_user(), body="主留言", stance="oppose")
    client.force_login(make_user())
    url = reverse("participation:comment_post", args=[page.pk])
    response = client.post(url, {"body": " ", "parent": top.pk})
    assert response.url.endswith(f"#reply-form-{top.pk}")
    html = client.get(response.url).content.decode()
    start = html.index(f'id="reply-form-{top.pk}"')
    assert "回覆不可空白。" in html[start : html.index("</form>", start)]  # a reply, not 留言
    assert '<details class="reply-details" open>' in html
    assert html.count("回覆不可空白。") == 2  # and once at the top, in case the form is gone


def test_anonymous_cannot_post(client, make_consultation):
    page = make_consultation()
    response = client.post(
        reverse("participation:comment_post", args=[page.pk]), {"body": "x", "stance": "support"}
    )
    assert response.status_code == 302
    assert not Comment.objects.exists()


def test_vote_view_and_state_json(client, make_consultation, make_user):
    from participation.services import statement_create

    page = make_consultation()
    statement = statement_create(consultation=page, user=make_user(), text="開放網路叫車")
    client.force_login(make_user())
    response = client.post(
        reverse("participation:vote_post", args=[statement.pk]),
        {"value": "1"},
        HTTP_ACCEPT="application/json",
    )
    # the author's own agreement and this vote
    assert response.json()["tally"] == {"agree": 2, "disagree": 0, "pass": 0}
    state = client.get(reverse("participation:state", args=[page.pk])).json()
    assert state["tallies"] == {str(statement.pk): [2, 0, 0]}


def test_consultation_page_queries_do_not_grow_with_comments(client, make_consultation, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = make_consultation()
    viewer = make_user()
    client.force_login(viewer)

    def queries() -> int:
        client.get(page.url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page.url).status_code == 200
        return len(captured)

    top = comment_create(consultation=page, user=make_user(), body="一", stance="support")
    comment_create(consultation=page, user=make_user(), body="回覆", parent=top)
    few = queries()
    for n in range(8):
        user = make_user()
        parent = comment_create(
            consultation=page,
            user=user,
            body=f"留言{n}",
            stance="oppose",
            section=page.sections.first(),
        )
        comment_create(consultation=page, user=user, body=f"回覆{n}", parent=top)
        comment_create(consultation=page, user=user, body=f"回覆B{n}", parent=parent)
    assert queries() == few


def test_long_discussions_show_a_window_and_link_to_every_comment(
    client, make_consultation, make_user
):
    page = make_consultation()
    section = page.sections.first()
    user = make_user()
    for n in range(25):
        Comment.objects.create(
            consultation=page, section=section, author=user, stance="support", body=f"第{n:02d}則"
        )
    for n in range(22):
        Comment.objects.create(consultation=page, author=user, stance="oppose", body=f"整體{n:02d}")
    html = client.get(page.url).content.decode()
    # The newest three of the section and of the whole, oldest first within them.
    assert "第22則" in html and "第24則" in html and "第21則" not in html
    assert html.index("第22則") < html.index("第24則")
    assert "整體19" in html and "整體18" not in html
    link = reverse("participation:section_comments", args=[page.pk])
    assert f"{link}?section={section.pk}" in html and f"{link}?section=general" in html

    listing = client.get(link, {"section": section.pk}).content.decode()
    assert "第00則" in listing and "第19則" in listing and "第20則" not in listing
    second = client.get(link, {"section": section.pk, "page": 2}).content.decode()
    assert "第24則" in second
    assert "整體21" in client.get(link, {"section": "general", "page": 2}).content.decode()
    assert client.get(link, {"section": "x"}).status_code == 404
    assert client.get(link, {"section": 999999}).status_code == 404


def test_live_comment_event_says_whether_the_agency_wrote_it(make_consultation, make_user):
    """A reply by the agency's staff arriving over the WebSocket had no agency badge until the
    page was reloaded: the event did not say it was the agency's word."""
    from unittest import mock

    from minyi.agencies.services import agency_staff_add

    page = make_consultation()
    citizen, staff = make_user(), make_user()
    agency_staff_add(user=staff, agency=page.agency)
    with mock.patch("participation.services.live_event_send") as send:
        question = comment_create(
            consultation=page, user=citizen, body="何時上路？", stance="suggest"
        )
        comment_create(consultation=page, user=staff, body="預計明年實施。", parent=question)
    (_stream, asked), (_stream2, answered) = (call.args for call in send.call_args_list)
    assert asked["agency_voice"] is False
    assert answered["agency_voice"] is True and answered["parent"] == question.pk


def test_consultation_page_carries_the_agency_badge_for_live_comments(client, make_consultation):
    page = make_consultation()
    html = client.get(page.url).content.decode()
    template = html.split('<template id="agency-voice-badge">', 1)[1].split("</template>", 1)[0]
    assert 'class="agency-voice"' in template and page.agency.name_zh in template


def test_a_comment_rejected_by_screening_is_told_in_red_in_its_form(
    client, make_consultation, make_user
):
    """It had been told as a green confirmation, on a link to the comment that is not shown."""
    from django.contrib.messages import ERROR, get_messages

    page = make_consultation()
    client.force_login(make_user())
    response = client.post(
        reverse("participation:comment_post", args=[page.pk]),
        {"body": "很長的文字" * 60, "stance": "oppose", "section": ""},
    )
    assert Comment.objects.get().state == CommentState.REJECTED
    assert response.status_code == 302 and response["Location"].endswith("#comment-form")
    [message] = get_messages(response.wsgi_request)
    assert message.level == ERROR and "refused-comment-form" in message.tags
    assert "未發表" in str(message)
    html = client.get(page.url).content.decode()
    form = html.split('id="comment-form"', 1)[1].split("</form>", 1)[0]
    assert "未發表" in form
    # What the citizen typed is in the form again, stance included, to be corrected.
    assert "很長的文字很長的文字" in form.split("<textarea", 1)[1]
    assert 'value="oppose" checked' in form
    # Once: the next visit shows an empty form.
    again = client.get(page.url).content.decode().split('id="comment-form"', 1)[1]
    assert "很長的文字" not in again.split("</form>", 1)[0]


def test_a_refused_reply_keeps_its_text(client, make_consultation, make_user):
    page = make_consultation()
    question = comment_create(
        consultation=page, user=make_user(), body="何時上路？", stance="suggest"
    )
    client.force_login(make_user())
    response = client.post(
        reverse("participation:comment_post", args=[page.pk]),
        {"body": "回" * 3001, "parent": question.pk},
    )
    assert response["Location"].endswith(f"#reply-form-{question.pk}")
    html = client.get(page.url).content.decode()
    form = html.split(f'id="reply-form-{question.pk}"', 1)[1].split("</form>", 1)[0]
    assert "回" * 3001 in form and '<details class="reply-details" open' in html
