"""Petitions (提點子): moderation, endorsements, threshold, agency response, the board."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from minyi.agencies.roles import Role
from minyi.agencies.services import agency_staff_add, user_role_add
from minyi.notifications.models import Notification
from minyi.ratelimit import RateLimited
from moderation.models import Submission
from participation.models import (
    ParticipationSettings,
    Petition,
    PetitionEndorsement,
    PetitionIndexPage,
    PetitionModeration,
    PetitionState,
)
from participation.selectors import petition_board, petition_state_counts
from participation.services import (
    petition_create,
    petition_endorse,
    petition_endorsement_withdraw,
    petition_moderation_approve,
    petition_proposal_edit,
    petition_proposal_withdraw,
    petition_response_submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(make_user):
    user = make_user(display_name="林審查")
    user_role_add(user=user, role=Role.MODERATOR)
    return user


@pytest.fixture
def make_petition(make_user, make_agency, moderator):
    from minyi.agencies.models import Agency

    def make(*, code="MOTC", approve=True, threshold=None, title="增設公車專用道"):
        agency = Agency.objects.filter(code=code).first() or make_agency(code)
        if threshold is not None:
            rules = ParticipationSettings.for_site(Site.objects.get(is_default_site=True))
            rules.petition_threshold = threshold
            rules.save()
        petition = petition_create(
            user=make_user(), title=title, body="請在市區主要幹道增設公車專用道。", agency=agency
        )
        if approve:
            petition = petition_moderation_approve(petition=petition, moderator=moderator)
        return petition

    return make


def test_new_petition_waits_for_moderation(make_petition, moderator, client):
    petition = make_petition(approve=False)
    assert petition.state == PetitionState.PENDING
    assert Submission.objects.filter(object_id=petition.pk).exists()
    assert client.get(petition.get_absolute_url()).status_code == 404
    assert not petition_board().exists()

    petition = petition_moderation_approve(petition=petition, moderator=moderator)
    assert petition.state == PetitionState.OPEN
    assert petition.threshold == 5000
    assert petition.closes_at - petition.opened_at == timedelta(days=60)
    assert list(petition_board()) == [petition]


def test_only_moderators_approve(make_petition, make_user):
    petition = make_petition(approve=False)
    with pytest.raises(ValidationError):
        petition_moderation_approve(petition=petition, moderator=make_user())
    petition.refresh_from_db()
    assert petition.moderation_state == PetitionModeration.PENDING


@pytest.mark.parametrize(
    ("title", "body", "agency", "message"),
    [
        ("", "內容", True, "A petition needs a title."),
        ("長" * 61, "內容", True, "A petition title has at most 60 characters; this one has 61."),
        (
            "路燈",
            "內容",
            True,
            "A petition title needs at least 4 characters: say what you propose.",
        ),
        ("增設路燈", "  ", True, "Describe your proposal."),
        (
            "增設路燈",
            "長" * 3001,
            True,
            "A proposal has at most 3000 characters; this one has 3001.",
        ),
        ("增設路燈", "內容", False, "Choose the agency responsible for this proposal."),
    ],
)
def test_bad_petitions_store_nothing(make_user, make_agency, title, body, agency, message):
    from django.utils import translation

    chosen = make_agency("MOTC") if agency else None
    with translation.override("en"), pytest.raises(ValidationError) as error:
        petition_create(user=make_user(), title=title, body=body, agency=chosen)
    assert error.value.messages == [message]
    assert not Petition.objects.exists()
    assert not Submission.objects.exists()


def test_one_endorsement_per_user_and_exact_count(make_petition, make_user):
    petition = make_petition()
    citizen, other = make_user(), make_user()
    petition_endorse(petition=petition, user=citizen)
    with pytest.raises(ValidationError):
        petition_endorse(petition=petition, user=citizen)
    # The database refuses a duplicate even when the service is bypassed.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PetitionEndorsement.objects.create(petition=petition, user=citizen)

    for _round in range(3):
        petition_endorse(petition=petition, user=other)
        petition_endorsement_withdraw(petition=petition, user=other)
    petition_endorse(petition=petition, user=other)
    petition_endorsement_withdraw(petition=petition, user=citizen)
    with pytest.raises(ValidationError):
        petition_endorsement_withdraw(petition=petition, user=citizen)
    petition.refresh_from_db()
    assert petition.endorsement_count == 1
    assert (
        petition.endorsement_count == PetitionEndorsement.objects.filter(petition=petition).count()
    )


def test_threshold_reached_sets_deadline(make_petition, make_user, make_agency):
    from minyi.agencies.services import agency_staff_add
    from minyi.home.dates import format_minguo_date
    from minyi.notifications.models import Notification

    petition = make_petition(threshold=2)
    assert petition.threshold == 2
    staff, other_staff = make_user(), make_user()
    agency_staff_add(agency=petition.agency, user=staff)
    agency_staff_add(agency=make_agency("MOI"), user=other_staff)
    petition_endorse(petition=petition, user=make_user())
    petition.refresh_from_db()
    assert petition.reached_at is None and petition.state == PetitionState.OPEN
    before = timezone.now()
    petition_endorse(petition=petition, user=make_user())
    petition.refresh_from_db()
    assert petition.state == PetitionState.REACHED
    assert petition.reached_at >= before
    assert petition.response_due_at - petition.reached_at == timedelta(days=60)
    # The responsible agency's staff are told once that it awaits their answer, and by when.
    notes = Notification.objects.filter(kind="agency_task")
    assert [(note.user, note.url) for note in notes] == [(staff, petition.get_absolute_url())]
    assert notes.get().title == (
        f"提議「{petition.title}」已達附議門檻，"
        f"請於 {format_minguo_date(petition.response_due_at)} 前回應"
    )
    # Reached petitions take no more endorsements and keep their count.
    with pytest.raises(ValidationError):
        petition_endorse(petition=petition, user=make_user())
    petition.refresh_from_db()
    assert petition.endorsement_count == 2


def test_expired_and_overdue_are_computed_from_dates(make_petition, make_user):
    expired = make_petition(title="過期的點子")
    Petition.objects.filter(pk=expired.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    expired.refresh_from_db()
    assert expired.state == PetitionState.EXPIRED
    with pytest.raises(ValidationError):
        petition_endorse(petition=expired, user=make_user())

    overdue = make_petition(title="逾期的點子", threshold=1)
    petition_endorse(petition=overdue, user=make_user())
    overdue.refresh_from_db()
    assert not overdue.is_overdue
    Petition.objects.filter(pk=overdue.pk).update(
        reached_at=timezone.now() - timedelta(days=70),
        response_due_at=timezone.now() - timedelta(days=10),
    )
    overdue.refresh_from_db()
    assert overdue.state == PetitionState.REACHED and overdue.is_overdue
    assert list(petition_board(state="overdue")) == [overdue]
    assert list(petition_board(state=PetitionState.EXPIRED)) == [expired]
    counts = petition_state_counts()
    assert counts["expired"] == 1 and counts["reached"] == 1 and counts["overdue"] == 1
    assert counts["open"] == 0


def test_only_responsible_agency_staff_respond(make_petition, make_user, make_agency, client):
    petition = make_petition(threshold=1)
    endorser = make_user()
    petition_endorse(petition=petition, user=endorser)
    outsider = make_user()
    agency_staff_add(user=outsider, agency=make_agency("MOHW"))
    with pytest.raises(ValidationError):
        petition_response_submit(petition=petition, user=outsider, text="我們會研議。")
    client.force_login(outsider)
    url = reverse("participation:petition_response", args=[petition.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"response": "我們會研議。"}).status_code == 403
    petition.refresh_from_db()
    assert petition.responded_at is None

    staff = make_user()
    agency_staff_add(user=staff, agency=petition.agency)
    with pytest.raises(ValidationError):
        petition_response_submit(petition=petition, user=staff, text="   ")
    client.force_login(staff)
    # Staff read what they answer: the petition's text and its support, beside the form.
    form = client.get(url).content.decode()
    assert petition.body.split("\n")[0][:20] in form and 'data-live="endorsements"' in form
    colleague = make_user()
    agency_staff_add(user=colleague, agency=petition.agency)
    response = client.post(url, {"response": "本部將於明年試辦公車專用道。"})
    assert response.status_code == 302
    petition.refresh_from_db()
    # Written, not yet public: a colleague of the same agency approves it (the writer cannot).
    assert petition.state == PetitionState.REACHED and petition.response == ""
    assert "本部將於明年" not in client.get(petition.get_absolute_url()).content.decode()
    assert client.post(url, {"action": "approve"}).status_code == 400
    assert Notification.objects.filter(user=colleague, title__contains="待您核可").exists()
    waiting = Notification.objects.get(user=colleague, title__contains="待您核可")
    client.force_login(colleague)
    review = client.get(url).content.decode()
    assert "本部將於明年試辦公車專用道。" in review and "核可並發布" in review
    assert client.post(url, {"action": "approve"}).status_code == 302
    petition.refresh_from_db()
    assert petition.state == PetitionState.RESPONDED
    assert petition.responded_by == colleague
    waiting.refresh_from_db()
    assert waiting.read_at is not None  # the 「待您核可」 notice, settled by the approval
    assert Notification.objects.filter(user=endorser, url__contains="#response").exists()
    assert Notification.objects.filter(user=petition.author).exists()

    # A correction: said why, approved the same way; the first text stays readable.
    client.force_login(staff)
    assert client.post(url, {"response": "本部將於後年試辦。"}).status_code == 400  # no reason
    client.post(url, {"response": "本部將於後年試辦。", "note": "年度誤植，更正為後年。"})
    client.force_login(colleague)
    client.post(url, {"action": "approve"})
    page = client.get(petition.get_absolute_url()).content.decode()
    assert "本部將於後年試辦。" in page and "年度誤植，更正為後年。" in page
    assert "本部將於明年試辦公車專用道。" in page  # the earlier version, kept


def test_endorse_through_the_page(make_petition, make_user, client):
    petition = make_petition()
    url = reverse("participation:petition_endorse", args=[petition.pk])
    assert client.post(url).status_code == 302  # to sign-in
    assert not PetitionEndorsement.objects.exists()
    client.force_login(make_user())
    response = client.post(url, follow=True)
    assert response.status_code == 200
    petition.refresh_from_db()
    assert petition.endorsement_count == 1
    assert "withdraw" in response.content.decode()
    # Endorsing follows the petition: it is listed under 我的追蹤, as a comment follows.
    from participation.models import Follow

    endorser = petition.endorsements.get().user
    assert Follow.objects.filter(user=endorser, petition=petition).exists()
    assert petition.title in client.get(reverse("notifications:list")).content.decode()
    response = client.post(reverse("participation:petition_withdraw", args=[petition.pk]))
    petition.refresh_from_db()
    assert petition.endorsement_count == 0


def test_endorsing_is_rate_limited(make_petition, make_user):
    citizen = make_user()
    petitions = [make_petition(title=f"點子 {n}") for n in range(11)]
    for petition in petitions[:10]:
        petition_endorse(petition=petition, user=citizen)
    with pytest.raises(RateLimited):
        petition_endorse(petition=petitions[10], user=citizen)
    assert PetitionEndorsement.objects.filter(user=citizen).count() == 10


def test_propose_through_the_form(make_agency, make_user, client):
    agency = make_agency("MOTC")
    client.force_login(make_user())
    url = reverse("participation:petition_new")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"title": "", "body": "內容", "agency": agency.code})
    assert bad.status_code == 400
    assert not Petition.objects.exists()
    # Two characters do not say what is proposed: refused next to the title, text kept.
    short = client.post(url, {"title": "路燈", "body": "巷口太暗。", "agency": agency.code})
    assert short.status_code == 400 and not Petition.objects.exists()
    html = short.content.decode()
    assert "提議標題至少需要 4 個字" in html and "巷口太暗。" in html
    response = client.post(url, {"title": "增設路燈", "body": "內容", "agency": agency.code})
    petition = Petition.objects.get()
    assert response.status_code == 302 and response.url == petition.get_absolute_url()
    # The author sees the pending proposal; nobody else does.
    assert client.get(petition.get_absolute_url()).status_code == 200


def test_board_page_lists_states_and_marks_overdue(make_petition, make_user, home_page, client):
    board = PetitionIndexPage(title="提點子", slug="petitions")
    home_page.add_child(instance=board)
    open_petition = make_petition(title="開放中的點子")
    overdue = make_petition(title="逾期的點子", threshold=1)
    petition_endorse(petition=overdue, user=make_user())
    Petition.objects.filter(pk=overdue.pk).update(
        response_due_at=timezone.now() - timedelta(days=1)
    )
    make_petition(title="待審的點子", approve=False)

    html = client.get(board.url).content.decode()
    assert "開放中的點子" in html and "逾期的點子" in html
    assert "待審的點子" not in html
    assert "<progress" in html
    assert f'data-state="{PetitionState.REACHED}"' in html
    assert "petition-overdue" in html
    assert html.count("petition-overdue") == 1

    assert "所有提議</h2>" in html
    html = client.get(board.url, {"state": "open"}).content.decode()
    assert "開放中的點子" in html and "逾期的點子" not in html
    assert "符合篩選條件的提議</h2>" in html  # it still said 「所有提議」 when filtered
    html = client.get(board.url, {"state": "overdue"}).content.decode()
    assert "逾期的點子" in html and "開放中的點子" not in html

    detail = client.get(open_petition.get_absolute_url()).content.decode()
    assert "<h1>開放中的點子</h1>" in detail


def test_moderators_review_petitions_in_the_queue(make_petition, moderator, client):
    from django.urls import reverse

    from minyi.notifications.models import Notification
    from moderation.models import AuditEntry, Decision

    approved = make_petition(approve=False, title="增設公車專用道")
    rejected = make_petition(approve=False, title="廣告連結")
    client.force_login(moderator)
    queue_url = reverse("moderation_admin:queue")
    queue = client.get(queue_url, {"kind": "participation.petition"}).content.decode()
    assert "增設公車專用道" in queue and "廣告連結" in queue
    assert approved.agency.name_zh in queue and approved.author.public_name in queue
    assert ">held<" not in queue

    client.post(
        queue_url,
        {"items": [f"participation.petition:{approved.pk}"], "action": "approve"},
    )
    approved.refresh_from_db()
    assert approved.state == PetitionState.OPEN
    assert approved.threshold == 5000

    # Rejecting needs a house rule; without one nothing changes.
    client.post(queue_url, {"items": [f"participation.petition:{rejected.pk}"], "action": "reject"})
    rejected.refresh_from_db()
    assert rejected.state == PetitionState.PENDING
    client.post(
        queue_url,
        {
            "items": [f"participation.petition:{rejected.pk}"],
            "action": "reject",
            "rule": "off-topic",
            "note": "與公共事務無關",
        },
    )
    rejected.refresh_from_db()
    assert rejected.state == PetitionState.REJECTED
    decision = Decision.objects.get(object_id=rejected.pk, action="reject")
    assert decision.rule == "off-topic"
    assert AuditEntry.objects.filter(object_id=rejected.pk, action="decide-reject").exists()
    told = Notification.objects.get(user=rejected.author).title
    assert "不予公開" in told and "與公共事務無關" in told
    assert Notification.objects.filter(user=approved.author, title__contains="開放附議").exists()
    queue = client.get(queue_url, {"kind": "participation.petition"}).content.decode()
    assert "增設公車專用道" not in queue and "廣告連結" not in queue


def test_an_empty_proposal_is_told_every_missing_field_at_once(make_user, client):
    client.force_login(make_user())
    response = client.post(reverse("participation:petition_new"), {"title": "", "body": ""})
    html = response.content.decode()
    assert response.status_code == 400
    found = [
        html.index(m) for m in ("提議需要標題。", "請選擇此提議的權責機關。", "請說明您的提議。")
    ]
    assert found == sorted(found)  # in the order of the form's fields
    assert not Petition.objects.exists()


def test_the_proposer_follows_the_petition_and_cannot_endorse_it(make_petition, client):
    from participation.models import Follow

    petition = make_petition()
    proposer = petition.author
    assert Follow.objects.filter(user=proposer, petition=petition).exists()
    with pytest.raises(ValidationError, match="提議人"):
        petition_endorse(petition=petition, user=proposer)
    client.force_login(proposer)
    html = client.get(petition.get_absolute_url()).content.decode()
    assert "您是這項提議的提議人" in html
    assert reverse("participation:petition_endorse", args=[petition.pk]) not in html
    # ...and has the links to share it with (the page asks them to).
    share = re.search(r'<nav class="share" aria-label="分享">(.*?)</nav>', html, re.S)
    assert share, "no share links on an open petition"
    assert quote(f"http://testserver{petition.get_absolute_url()}", safe="") in share.group(1)


def test_a_pending_proposal_has_nothing_to_share(make_petition, client):
    petition = make_petition(approve=False)
    client.force_login(petition.author)
    html = client.get(petition.get_absolute_url()).content.decode()
    assert "審核" in html and 'class="share"' not in html
    petition.refresh_from_db()
    assert petition.endorsement_count == 0


def test_the_approval_notice_opens_the_petition(make_petition):
    petition = make_petition()
    notice = Notification.objects.get(user=petition.author, title__contains="開放附議")
    assert notice.url == petition.get_absolute_url()
    assert f"「{petition.title}」" in notice.title  # which of one's proposals


@pytest.mark.parametrize(
    ("count", "threshold", "shown"),
    [
        (0, 5000, "已附議 0／5,000（0%）"),
        (2, 5000, "已附議 2／5,000（不到 1%）"),
        (49, 5000, "已附議 49／5,000（不到 1%）"),
        (50, 5000, "已附議 50／5,000（1%）"),
        (6200, 5000, "已附議 6,200／5,000（100%）"),
    ],
)
def test_progress_says_under_one_percent_rather_than_zero(count, threshold, shown):
    from django.template.loader import render_to_string
    from django.utils import translation

    petition = Petition(pk=1, threshold=threshold, endorsement_count=count)
    with translation.override("zh-hant"):
        html = render_to_string(
            "participation/includes/petition_progress.html", {"petition": petition}
        )
    assert shown in html


def test_the_proposer_corrects_a_pending_proposal(make_petition, make_agency, client):
    """A proposer could neither correct nor withdraw a proposal while it awaited review."""
    petition = make_petition(approve=False)
    client.force_login(petition.author)
    page = client.get(petition.get_absolute_url()).content.decode()
    edit_url = reverse("participation:petition_edit", args=[petition.pk])
    assert edit_url in page and "撤回提議" in page
    form = client.get(edit_url).content.decode()
    assert "修改您的提議" in form and "增設公車專用道" in form and 'value="MOTC" selected' in form

    make_agency("MOHW")
    response = client.post(
        edit_url,
        {
            "title": "增設公車與救護車專用道",
            "body": "改寫後的提議，電話 0912345678",
            "agency": "MOHW",
        },
    )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.title == "增設公車與救護車專用道" and petition.agency.code == "MOHW"
    assert "0912345678" not in petition.body  # screened again: personal data masked
    assert petition.state == PetitionState.PENDING
    # The moderator reviews the corrected text.
    latest = Submission.objects.filter(object_id=petition.pk).latest("submitted_at")
    assert "救護車" in latest.original_text

    # A wrong correction is refused with the form's messages, and changes nothing.
    response = client.post(edit_url, {"title": "", "body": "", "agency": ""})
    assert response.status_code == 400 and "提議需要標題" in response.content.decode()
    petition.refresh_from_db()
    assert petition.title == "增設公車與救護車專用道"


def test_only_the_proposer_may_correct_and_only_before_review(make_petition, make_user, moderator):
    petition = make_petition(approve=False)
    with pytest.raises(ValidationError, match="只有提議人"):
        petition_proposal_edit(
            petition=petition,
            user=make_user(),
            title="別人的修改內容",
            body="x",
            agency=petition.agency,
        )
    petition_moderation_approve(petition=petition, moderator=moderator)
    for change in (
        lambda: petition_proposal_edit(
            petition=petition,
            user=petition.author,
            title="審核後再改",
            body="x",
            agency=petition.agency,
        ),
        lambda: petition_proposal_withdraw(petition=petition, user=petition.author),
    ):
        with pytest.raises(ValidationError, match="不在待審核"):
            change()


def test_the_proposer_withdraws_a_pending_proposal(make_petition, moderator, client):
    petition = make_petition(approve=False)
    client.force_login(petition.author)
    response = client.post(reverse("participation:petition_proposal_withdraw", args=[petition.pk]))
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.state == PetitionState.WITHDRAWN
    page = client.get(petition.get_absolute_url()).content.decode()
    assert "您已撤回提議" in page and "提議人已撤回" in page  # the message and the state
    assert "撤回提議" not in page.split("</header>", 1)[1].split("您已撤回提議", 1)[1]
    mine = client.get(reverse("participation:my_contributions")).content.decode()
    assert "提議人已撤回" in mine
    # Gone from the moderators' queue; deciding it is refused.
    client.force_login(moderator)
    queue = client.get(reverse("moderation_admin:queue"), {"kind": "participation.petition"})
    assert "增設公車專用道" not in queue.content.decode()
    with pytest.raises(ValidationError):
        petition_moderation_approve(petition=petition, moderator=moderator)
    assert not petition_board().exists()
    client.logout()
    assert client.get(petition.get_absolute_url()).status_code == 404
