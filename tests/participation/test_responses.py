"""Agency responses to closed consultations (對照表): draft, approval by a second staff member
of the agency, publication, corrections as versions, and the notifications they send."""

import re
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
    ResponseState,
    SectionResponse,
)
from participation.services import (
    comment_create,
    consultation_response_approve,
    consultation_response_draft_save,
    consultation_response_return,
    consultation_response_submit,
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
    """A consultation that took a comment on each article, a statement and a vote, then
    closed."""
    page = make_consultation()
    first, _second = page.sections.all()
    page.commenter = make_user(email="commenter@example.org")
    page.voter = make_user(email="voter@example.org")
    comment_create(
        consultation=page, user=page.commenter, body="應納管", stance="support", section=first
    )
    comment_create(
        consultation=page, user=page.commenter, body="宜放寬", stance="oppose", section=_second
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


@pytest.fixture
def approver(make_user, closed_consultation):
    user = make_user(email="approver@motc.gov.tw")
    agency_staff_add(user=user, agency=closed_consultation.agency)
    return user


def _answers(page, decision="adopted", reason=""):
    return {section.pk: (decision, reason) for section in page.sections.all()}


def _publish(page, writer, approver, *, overall="回應", sections=None, note=""):
    """Draft, submit and approve, as the two staff members would through the screens."""
    draft = consultation_response_draft_save(
        consultation=page,
        user=writer,
        overall=overall,
        sections=sections or _answers(page),
        correction_note=note,
    )
    consultation_response_submit(response=draft, user=writer)
    return consultation_response_approve(response=draft, user=approver)


def test_draft_submit_approve_publishes_and_notifies(
    closed_consultation, staff, approver, django_capture_on_commit_callbacks, settings
):
    # E-mail links use the configured public address, not the Wagtail Site's hostname.
    settings.WAGTAILADMIN_BASE_URL = "https://minyi.example.tw"
    page = closed_consultation
    first, second = page.sections.all()
    # A draft may be incomplete; saving it publishes nothing and tells no one.
    draft = consultation_response_draft_save(
        consultation=page, user=staff, overall="", sections={second.pk: ("adopted", "")}
    )
    assert draft.state == ResponseState.DRAFT and draft.version == 1
    with translation.override("en"), pytest.raises(ValidationError) as error:
        consultation_response_submit(response=draft, user=staff)
    assert error.value.messages == [
        "The overall response cannot be empty.",
        "第1條: choose adopted, partly adopted or not adopted.",
    ]
    draft = consultation_response_draft_save(
        consultation=page,
        user=staff,
        overall="感謝各界意見，本部修正如下。",
        sections={first.pk: ("adopted", ""), second.pk: ("partly", "部分文字已修正。")},
    )
    assert ConsultationResponse.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        consultation_response_submit(response=draft, user=staff)
    # The colleague is asked to approve; the writer is not.
    assert list(Notification.objects.values_list("user__email", flat=True)) == [
        "approver@motc.gov.tw"
    ]
    assert [m.to for m in mail.outbox] == [["approver@motc.gov.tw"]]
    page.refresh_from_db()
    assert page.responded_at is None and page.status == ConsultationStatus.CLOSED

    with translation.override("en"), pytest.raises(ValidationError) as error:
        consultation_response_approve(response=draft, user=staff)
    assert "Another staff member of the agency must approve" in error.value.messages[0]
    Notification.objects.all().delete()
    mail.outbox = []

    with django_capture_on_commit_callbacks(execute=True):
        response = consultation_response_approve(response=draft, user=approver)
    page.refresh_from_db()
    assert response.state == ResponseState.PUBLISHED and response.published_by == approver
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
    assert f"https://minyi.example.tw{page.url}#response" in mail.outbox[0].body
    assert "localhost" not in mail.outbox[0].body


def test_correction_is_a_new_version_and_the_old_one_stays(
    closed_consultation, staff, approver, client, django_capture_on_commit_callbacks
):
    page = closed_consultation
    first, second = page.sections.all()
    v1 = _publish(page, staff, approver, overall="第一版回應")
    draft = consultation_response_draft_save(
        consultation=page,
        user=staff,
        overall="第二版回應",
        sections={first.pk: ("adopted", ""), second.pk: ("not_adopted", "與母法不符。")},
    )
    assert draft.version == 2 and draft.pk != v1.pk
    with translation.override("en"), pytest.raises(ValidationError) as error:
        consultation_response_submit(response=draft, user=staff)
    assert error.value.messages == ["Say what this correction changes and why."]
    draft = consultation_response_draft_save(
        consultation=page,
        user=staff,
        overall="第二版回應",
        sections={first.pk: ("adopted", ""), second.pk: ("not_adopted", "與母法不符。")},
        correction_note="第2條誤植為採納，更正為不採納。",
    )
    consultation_response_submit(response=draft, user=staff)
    # Until approved, the public still reads version 1.
    assert "第一版回應" in client.get(page.url).content.decode()
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        consultation_response_approve(response=draft, user=approver)
    v1.refresh_from_db()
    assert v1.state == ResponseState.SUPERSEDED and v1.overall == "第一版回應"
    assert set(Notification.objects.values_list("title", flat=True)) == {
        f"{page.agency.name_zh}更正了「{page.title}」的回應"
    }
    html = client.get(page.url).content.decode()
    history_url = reverse("participation:consultation_response_versions", args=[page.pk])
    assert "第二版回應" in html and "第一版回應" not in html
    assert "第2條誤植為採納，更正為不採納。" in html and f'href="{history_url}"' in html
    history = client.get(history_url).content.decode()
    assert history.index("第二版回應") < history.index("第一版回應")
    assert "與母法不符。" in history


def test_approver_returns_with_a_note_and_editing_withdraws(closed_consultation, staff, approver):
    page = closed_consultation
    draft = consultation_response_draft_save(
        consultation=page, user=staff, overall="回應", sections=_answers(page)
    )
    consultation_response_submit(response=draft, user=staff)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        consultation_response_return(response=draft, user=approver, note="  ")
    assert error.value.messages == ["Say what should change before it can be approved."]
    consultation_response_return(response=draft, user=approver, note="請補充第1條理由。")
    draft.refresh_from_db()
    assert draft.state == ResponseState.DRAFT and draft.return_note == "請補充第1條理由。"
    assert notifications_for(staff).get().title.startswith("退回修改")
    with pytest.raises(ValidationError):
        consultation_response_approve(response=draft, user=approver)
    # Submitted again, then changed: the change takes it back to draft.
    consultation_response_submit(response=draft, user=staff)
    draft = consultation_response_draft_save(
        consultation=page, user=staff, overall="回應（修正）", sections=_answers(page)
    )
    assert draft.state == ResponseState.DRAFT and draft.submitted_at is None
    with pytest.raises(ValidationError):
        consultation_response_approve(response=draft, user=approver)
    page.refresh_from_db()
    assert page.responded_at is None


def test_response_survives_publishing_an_older_revision(closed_consultation, staff, approver):
    page = closed_consultation
    older = page.save_revision()
    _publish(page, staff, approver)
    # As the admin would: the revision loaded afresh, its page from the database.
    type(older).objects.get(pk=older.pk).publish()
    page.refresh_from_db()
    assert page.responded_at is not None


def test_another_agency_staff_cannot_respond(closed_consultation, make_user, make_agency, client):
    page = closed_consultation
    outsider = make_user()
    agency_staff_add(user=outsider, agency=make_agency("MOHW"))
    with pytest.raises(ValidationError):
        consultation_response_draft_save(
            consultation=page, user=outsider, overall="回應", sections=_answers(page)
        )
    client.force_login(outsider)
    for name in ("consultation_response", "consultation_response_review"):
        url = reverse(f"participation:{name}", args=[page.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"overall": "回應"}).status_code in (403, 405)
    step = reverse("participation:consultation_response_step", args=[page.pk, "approve"])
    assert client.post(step).status_code == 403
    client.force_login(page.commenter)
    assert (
        client.get(reverse("participation:consultation_response", args=[page.pk])).status_code
        == 403
    )
    assert not ConsultationResponse.objects.exists()
    page.refresh_from_db()
    assert page.responded_at is None


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ("bad-decision", "第1條: choose adopted, partly adopted or not adopted."),
        ("foreign", "The response names a section that is not in this consultation."),
        ("long-reason", "第1條: a reason has at most 3000 characters."),
    ],
)
def test_bad_draft_input_stores_nothing(closed_consultation, staff, answers, message):
    page = closed_consultation
    first, second = page.sections.all()
    sections = {
        "bad-decision": {first.pk: ("maybe", ""), second.pk: ("adopted", "")},
        "foreign": {first.pk: ("adopted", ""), 999999: ("adopted", "")},
        "long-reason": {first.pk: ("partly", "長" * 3001)},
    }[answers]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        consultation_response_draft_save(
            consultation=page, user=staff, overall="回應", sections=sections
        )
    assert error.value.messages == [message]
    assert not ConsultationResponse.objects.exists()
    assert not SectionResponse.objects.exists()
    assert not Notification.objects.exists()


def test_open_consultation_cannot_be_answered(make_consultation, make_user):
    page = make_consultation()
    staff = make_user()
    agency_staff_add(user=staff, agency=page.agency)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        consultation_response_draft_save(
            consultation=page, user=staff, overall="回應", sections=_answers(page)
        )
    assert error.value.messages == ["A response can be written only after the consultation closes."]
    assert not ConsultationResponse.objects.exists()


def test_staff_screens_draft_preview_submit_approve(
    closed_consultation, staff, approver, client, django_capture_on_commit_callbacks
):
    page = closed_consultation
    first, second = page.sections.all()
    url = reverse("participation:consultation_response", args=[page.pk])
    review = reverse("participation:consultation_response_review", args=[page.pk])
    client.force_login(staff)
    assert f'href="{url}"' in client.get(page.url).content.decode()
    html = client.get(url).content.decode()
    assert f'name="decision-{first.pk}"' in html and f'for="reason-{second.pk}"' in html
    # The writer reads the article's comments, grouped by stance.
    support = html[html.index(f'id="article-{first.pk}"') :]
    assert "應納管" in support[: support.index(f'id="article-{second.pk}"')]
    assert "response-comments-support" in html and "stance-strip" in html
    # Every stance that has comments is open (an article's only comment, a suggestion, was
    # folded away because suggestions come third).
    groups = re.findall(
        r'<details class="response-comments response-comments-\w+"( open)?>\s*<summary>[^<]*?'
        r"(\d+)\D*</summary>",
        html,
    )
    assert groups and all(bool(opened) == (int(count) > 0) for opened, count in groups), groups

    bad = client.post(url, {"overall": "回應", f"decision-{first.pk}": "maybe"})
    assert bad.status_code == 400 and not ConsultationResponse.objects.exists()

    form = {
        "overall": "感謝各界意見。",
        f"decision-{first.pk}": "adopted",
        f"decision-{second.pk}": "not_adopted",
        f"reason-{second.pk}": "與母法規定不符。",
    }
    saved = client.post(url, {**form, "action": "save"})
    assert saved.status_code == 302 and saved.url == url
    assert client.get(url).content.decode().count("與母法規定不符。") == 1
    previewed = client.post(url, {**form, "action": "preview"})
    assert previewed.url == review
    preview = client.get(review).content.decode()
    assert "感謝各界意見。" in preview and "與母法規定不符。" in preview
    submit = reverse("participation:consultation_response_step", args=[page.pk, "submit"])
    approve = reverse("participation:consultation_response_step", args=[page.pk, "approve"])
    assert f'action="{submit}"' in preview
    client.post(submit)
    waiting = client.get(review).content.decode()
    assert f'action="{approve}"' not in waiting
    # The writer's own approval is refused even when posted by hand.
    client.post(approve)
    assert ConsultationResponse.objects.get().state == ResponseState.SUBMITTED

    client.force_login(approver)
    assert f'action="{approve}"' in client.get(review).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(approve)
    assert done.status_code == 302 and done.url.endswith("#response")
    assert len(mail.outbox) == 2

    client.logout()
    html = client.get(page.url).content.decode()
    assert 'id="response"' in html and "感謝各界意見。" in html
    assert "與母法規定不符。" in html and "decision-not_adopted" in html
    assert url not in html  # visitors see no staff link

    client.force_login(page.voter)
    notes = client.get(reverse("notifications:list")).content.decode()
    assert f'href="{page.url}#response"' in notes


def test_admin_home_lists_the_responses_to_write_and_approve(
    closed_consultation, staff, approver, client
):
    page = closed_consultation
    client.force_login(staff)
    home = client.get("/admin/").content.decode()
    assert "1 件諮詢待機關回應" in home and page.title in home
    assert reverse("participation:consultation_response", args=[page.pk]) in home
    draft = consultation_response_draft_save(
        consultation=page, user=staff, overall="回應", sections=_answers(page)
    )
    consultation_response_submit(response=draft, user=staff)
    client.force_login(approver)
    home = client.get("/admin/").content.decode()
    assert "待核可：開啟" in home
    assert reverse("participation:consultation_response_review", args=[page.pk]) in home
    consultation_response_approve(response=draft, user=approver)
    assert "待機關回應" not in client.get("/admin/").content.decode()


def test_staff_reach_the_response_from_the_page_explorer_and_the_page_header(
    client, staff, closed_consultation, make_consultation, make_user, make_agency
):
    respond = reverse("participation:consultation_response", args=[closed_consultation.pk])
    still_open = make_consultation(slug="still-open")
    explorer = reverse("wagtailadmin_explore", args=[closed_consultation.get_parent().pk])
    client.force_login(staff)
    listing = client.get(explorer).content.decode()
    assert respond in listing
    assert reverse("participation:consultation_response", args=[still_open.pk]) not in listing
    edit = reverse("wagtailadmin_pages:edit", args=[closed_consultation.pk])
    assert respond in client.get(edit).content.decode()

    outsider = make_user(email="staff@mohw.gov.tw")
    agency_staff_add(user=outsider, agency=make_agency("MOHW"))
    client.force_login(outsider)
    assert respond not in client.get(edit).content.decode()  # refused or without the button


def test_saving_a_partly_adopted_article_without_reason_is_refused_next_to_the_field(
    closed_consultation, staff, client
):
    """The reason rule holds on 儲存並預覽 too, not only on 送交核可: nothing is stored and
    the error stands beside the reason, in Chinese."""
    page = closed_consultation
    first, _second = page.sections.all()
    url = reverse("participation:consultation_response", args=[page.pk])
    client.force_login(staff)
    for action in ("save", "preview"):
        refused = client.post(
            url,
            {"overall": "感謝意見。", f"decision-{first.pk}": "partly", "action": action},
        )
        assert refused.status_code == 400
        html = refused.content.decode()
        field = html[html.index(f'for="reason-{first.pk}"') : html.index(f'id="reason-{first.pk}"')]
        assert f'id="reason-{first.pk}_error"' in field
        assert f"{first.number}：請說明此決定的理由。" in field
        assert 'aria-invalid="true"' in html[html.index(f'id="reason-{first.pk}"') :][:400]
        assert '<option value="partly" selected>' in html  # the choice is kept
    assert not ConsultationResponse.objects.exists()
    assert not SectionResponse.objects.exists()
    # The service keeps the same rule for any other caller.
    with translation.override("en"), pytest.raises(ValidationError) as error:
        consultation_response_draft_save(
            consultation=page,
            user=staff,
            overall="回應",
            sections={first.pk: ("not_adopted", "  ")},
        )
    assert error.value.messages == [f"{first.number}: give the reason for this decision."]
    assert not ConsultationResponse.objects.exists()


def test_an_article_without_comments_is_answered_no_comments_received(
    make_consultation, make_user, staff, approver, client
):
    """Only the first article was commented on: the second needs no decision, is stored as
    「未收到意見」 (even if a decision is sent for it) and the published table says so."""
    page = make_consultation(slug="quiet-second-article")  # the staff's agency (MOTC)
    first, second = page.sections.all()
    comment_create(
        consultation=page, user=make_user(), body="應納管", stance="support", section=first
    )
    page = _close(page)
    url = reverse("participation:consultation_response", args=[page.pk])
    client.force_login(staff)
    form_html = client.get(url).content.decode()
    second_article = form_html[form_html.index(f'id="article-{second.pk}"') :]
    assert f'name="decision-{second.pk}" value="no_comments"' in second_article
    assert f'<select name="decision-{second.pk}"' not in form_html
    assert "未收到意見" in second_article
    saved = client.post(
        url,
        {
            "overall": "感謝意見。",
            f"decision-{first.pk}": "adopted",
            f"decision-{second.pk}": "adopted",  # a forged post cannot claim an adoption
            "action": "preview",
        },
    )
    assert saved.status_code == 302
    draft = ConsultationResponse.objects.get()
    decisions = dict(draft.section_responses.values_list("section_id", "decision"))
    assert decisions == {first.pk: "adopted", second.pk: "no_comments"}
    consultation_response_submit(response=draft, user=staff)
    consultation_response_approve(response=draft, user=approver)
    client.logout()
    html = client.get(page.url).content.decode()
    assert "decision-no_comments" in html and "未收到意見" in html


def test_a_colleagues_approval_settles_every_reviewers_notice(
    closed_consultation, staff, approver, make_user
):
    """Two colleagues are asked to approve; one does: the other's 「待您核可」 no longer counts
    as unread (it kept calling them to a response already published)."""
    page = closed_consultation
    other_reviewer = make_user(email="other@motc.gov.tw")
    agency_staff_add(user=other_reviewer, agency=page.agency)
    draft = consultation_response_draft_save(
        consultation=page, user=staff, overall="回應", sections=_answers(page)
    )
    consultation_response_submit(response=draft, user=staff)
    waiting = notifications_for(other_reviewer).get()
    assert waiting.title.startswith("待您核可") and waiting.read_at is None
    consultation_response_return(response=draft, user=approver, note="請補充理由。")
    waiting.refresh_from_db()
    assert waiting.read_at is not None  # returned: nothing waits for them
    returned = notifications_for(staff).get()
    assert returned.title.startswith("退回修改") and returned.read_at is None
    consultation_response_submit(response=draft, user=staff)
    consultation_response_approve(response=draft, user=approver)
    unread = Notification.objects.filter(
        user__in=[other_reviewer, approver], read_at__isnull=True, title__startswith="待您核可"
    )
    assert not unread.exists()
