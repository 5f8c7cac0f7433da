"""Citizen monitoring (公民管考): follow, ask, answer, rate; and the issue's whole story."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from minyi.notifications.models import Notification
from performance.demo import demo_xlsx
from performance.models import Program, ProgramFollow, ProgramQuestion, ProgressRating

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(make_program):
    return make_program(code="NDC-1", name="數位韌性計畫")


def test_follow_and_unfollow(client, dashboard, program, make_user):
    citizen = make_user()
    assert client.post("/dashboard/programs/NDC-1/follow/").status_code == 302  # to log in
    assert not ProgramFollow.objects.exists()
    client.force_login(citizen)
    response = client.post("/dashboard/programs/NDC-1/follow/")
    assert response["Location"] == "/dashboard/programs/NDC-1/#monitoring"
    client.post("/dashboard/programs/NDC-1/follow/")  # twice is still once
    assert ProgramFollow.objects.filter(user=citizen, program=program).count() == 1
    assert "Stop following" in client.get("/dashboard/programs/NDC-1/").content.decode() or (
        "取消追蹤" in client.get("/dashboard/programs/NDC-1/").content.decode()
    )
    client.post("/dashboard/programs/NDC-1/unfollow/")
    assert not ProgramFollow.objects.exists()
    assert client.get("/dashboard/programs/NDC-1/follow/").status_code == 405


def test_question_answered_by_staff_of_the_agency_only(
    client, dashboard, program, make_user, ndc_staff, moi_staff
):
    citizen = make_user(display_name="關心的市民")
    client.force_login(citizen)
    client.post("/dashboard/programs/NDC-1/ask/", {"body": "第三季進度為何落後？"})
    question = ProgramQuestion.objects.get()
    assert question.state == "published"
    assert question.answer_due_at - question.created_at == timedelta(days=14)
    # The programme's agency is told (and only it), with the deadline, linking to the question.
    from minyi.home.dates import format_minguo_date

    staff_note = Notification.objects.get(user=ndc_staff)
    assert staff_note.kind == "agency_task"
    assert staff_note.title == (
        f"民眾對「數位韌性計畫」提出問題，請於 {format_minguo_date(question.answer_due_at)} 前回覆"
    )
    assert staff_note.url.endswith(f"/dashboard/programs/NDC-1/#question-{question.pk}")
    assert not Notification.objects.filter(user=moi_staff).exists()
    html = client.get("/dashboard/programs/NDC-1/").content.decode()
    assert "第三季進度為何落後？" in html and "關心的市民" in html
    assert f'action="/dashboard/questions/{question.pk}/answer/"' not in html

    # Staff of another agency cannot answer.
    client.force_login(moi_staff)
    response = client.post(f"/dashboard/questions/{question.pk}/answer/", {"answer": "不是我們"})
    assert response.status_code == 403

    client.force_login(ndc_staff)
    html = client.get("/dashboard/programs/NDC-1/").content.decode()
    assert f'action="/dashboard/questions/{question.pk}/answer/"' in html
    client.post(
        f"/dashboard/questions/{question.pk}/answer/", {"answer": "因採購流標，已重新招標。"}
    )
    question.refresh_from_db()
    assert question.answer == "因採購流標，已重新招標。"
    assert question.answered_by == ndc_staff
    note = Notification.objects.get(user=citizen)
    assert note.url.endswith(f"/dashboard/programs/NDC-1/#question-{question.pk}")
    # A second answer is refused.
    client.post(f"/dashboard/questions/{question.pk}/answer/", {"answer": "再回一次"})
    question.refresh_from_db()
    assert question.answer == "因採購流標，已重新招標。"


def test_unanswered_questions_past_due_are_overdue(client, dashboard, program, make_user):
    citizen = make_user()
    client.force_login(citizen)
    client.post("/dashboard/programs/NDC-1/ask/", {"body": "預算何時執行？"})
    ProgramQuestion.objects.update(answer_due_at=timezone.now() - timedelta(hours=1))
    html = client.get("/dashboard/programs/NDC-1/").content.decode()
    assert html.count("badge badge-warning") >= 2  # the question and the section's count


def test_questions_pass_moderation(client, dashboard, program, make_user, ndc_staff):
    client.force_login(make_user())
    client.post("/dashboard/programs/NDC-1/ask/", {"body": "請聯絡我 0912-345-678 說明進度"})
    question = ProgramQuestion.objects.get()
    assert "0912-345-678" not in question.body
    client.post("/dashboard/programs/NDC-1/ask/", {"body": ""})
    assert ProgramQuestion.objects.count() == 1
    client.post("/dashboard/programs/NDC-1/ask/", {"body": "我要殺了你全家"})  # held, not shown
    assert ProgramQuestion.objects.filter(state="held").count() == 1
    # the agency is told of the published question only
    assert Notification.objects.filter(user=ndc_staff, kind="agency_task").count() == 1


def test_rate_progress(client, dashboard, program, make_user):
    for value in ("matches", "not", "not"):
        client.force_login(make_user())
        client.post("/dashboard/programs/NDC-1/rate/", {"value": value})
    assert ProgressRating.objects.filter(value="not").count() == 2
    client.post("/dashboard/programs/NDC-1/rate/", {"value": "matches"})  # a change of mind
    assert ProgressRating.objects.filter(value="not").count() == 1
    client.post("/dashboard/programs/NDC-1/rate/", {"value": "bogus"})
    assert ProgressRating.objects.count() == 3


def test_the_issues_story(client, demo_agencies, admin_user, dashboard, make_user, moi_staff):
    """Staff import the demo template; a citizen finds a program on the map, follows it and
    asks; staff answer; a new report notifies the follower."""
    client.force_login(admin_user)
    upload = SimpleUploadedFile("demo.xlsx", demo_xlsx())
    response = client.post("/admin/performance/import/", {"files": [upload]})
    assert response.status_code == 200
    assert Program.objects.count() == 16

    citizen = make_user(display_name="花蓮的阿美")
    client.force_login(citizen)
    # 花蓮縣 (10015): the local programs serving it, and the nationwide ones.
    html = client.get("/dashboard/?county=10015").content.decode()
    shown = set(re.findall(r'data-program="([^"]+)"', html))
    assert {"EGOV4-6-1", "EGOV4-6-2"} <= shown
    assert "EGOV4-1-1" in shown  # nationwide
    html = client.get("/dashboard/?county=63000").content.decode()
    assert "EGOV4-6-2" not in html  # 在地行動服務 does not serve 臺北市
    # The red program is red for the stated reason.
    html = client.get("/dashboard/programs/EGOV4-6-2/").content.decode()
    assert "落後 14 個百分點（落後超過 10 個百分點為紅燈）" in html

    client.post("/dashboard/programs/EGOV4-6-2/follow/")
    client.post("/dashboard/programs/EGOV4-6-2/ask/", {"body": "花蓮的轉介服務何時恢復？"})
    question = ProgramQuestion.objects.get()

    client.force_login(moi_staff)  # 在地行動服務 is 內政部's
    client.post(f"/dashboard/questions/{question.pk}/answer/", {"answer": "已於本月恢復。"})
    question.refresh_from_db()
    assert question.answered_at is not None
    assert Notification.objects.filter(user=citizen, title__contains="已回覆").exists()

    # Staff report new progress: the follower hears of it.
    from performance.importing import SHEETS, csv_bytes

    progress = csv_bytes(
        [c.header for c in SHEETS[5].columns], [["EGOV4-6-2", "2017-03-31", "100", "100", ""]]
    )
    client.force_login(admin_user)
    # A progress sheet alone replaces the program's progress rows: send the full set.
    from minyi.agencies.models import Agency
    from performance.exports import import_rows

    rows = import_rows(agencies=Agency.objects.filter(code="MOI"))
    rows["progress"].append(["EGOV4-6-2", "2017-03-31", 100, 100, ""])
    from performance.importing import template_xlsx

    upload = SimpleUploadedFile("moi.xlsx", template_xlsx(rows))
    client.post("/admin/performance/import/", {"files": [upload]})
    assert Notification.objects.filter(user=citizen, title__contains="新的進度").exists()
    assert progress  # the CSV form works the same way


def test_followed_programs_are_on_my_follows_and_unfollow_in_place(
    client, dashboard, program, make_user, make_consultation
):
    from django.urls import reverse

    from participation.follows import follow_add

    citizen = make_user()
    consultation = make_consultation()
    follow_add(user=citizen, consultation=consultation)
    client.force_login(citizen)
    client.post("/dashboard/programs/NDC-1/follow/")
    listing = client.get(reverse("notifications:list")).content.decode()
    assert "數位韌性計畫" in listing and consultation.title in listing
    # Newest first: the program was followed after the consultation.
    assert listing.index("數位韌性計畫") < listing.index(consultation.title)
    assert 'action="/dashboard/programs/NDC-1/unfollow/"' in listing
    back = reverse("notifications:list") + "#follows"
    response = client.post("/dashboard/programs/NDC-1/unfollow/", {"next": back})
    assert response["Location"] == back
    assert not ProgramFollow.objects.exists()
    client.post("/dashboard/programs/NDC-1/follow/")
    response = client.post("/dashboard/programs/NDC-1/unfollow/", {"next": "https://evil.example/"})
    assert response["Location"] == "/dashboard/programs/NDC-1/#monitoring"


def test_a_held_question_waits_in_the_moderation_queue_and_reaches_the_agency_when_approved(
    client, dashboard, program, make_user, ndc_staff
):
    """A question held by screening stayed held for ever, unseen by any moderator."""
    from minyi.agencies.roles import Role
    from minyi.agencies.services import user_role_add
    from moderation.services import item_decide

    asker = make_user()
    client.force_login(asker)
    client.post("/dashboard/programs/NDC-1/ask/", {"body": "這個計畫的承辦人是白痴嗎？"})
    question = ProgramQuestion.objects.get()
    if question.state != "held":  # the lexicon may let this through; hold it as screening would
        ProgramQuestion.objects.filter(pk=question.pk).update(state="held")
        question.refresh_from_db()
    assert not Notification.objects.filter(user=ndc_staff).exists()
    moderator = make_user()
    user_role_add(user=moderator, role=Role.MODERATOR)
    client.force_login(moderator)
    from django.urls import reverse

    queue = client.get(reverse("moderation_admin:queue")).content.decode()
    assert "計畫提問" in queue and "數位韌性計畫" in queue

    item_decide(moderator=moderator, instance=question, action="approve", rule="", note="可刊登")
    question.refresh_from_db()
    assert question.state == "published"
    assert Notification.objects.filter(user=ndc_staff, kind="agency_task").count() == 1
    item_decide(moderator=moderator, instance=question, action="reject", rule="abuse", note="")
    question.refresh_from_db()
    assert question.state == "rejected"
    client.force_login(asker)  # the author still sees it, marked
    html = client.get("/dashboard/programs/NDC-1/").content.decode()
    assert "不予公開" in html


def test_a_question_has_a_lasting_address_at_its_place_on_the_program_page(
    client, dashboard, program, make_user
):
    author, due = make_user(), timezone.now() + timedelta(days=14)
    shown = ProgramQuestion.objects.create(
        program=program, author=author, body="進度何時公布？", answer_due_at=due
    )
    held = ProgramQuestion.objects.create(
        program=program, author=author, body="待審核的提問", state="held", answer_due_at=due
    )
    response = client.get(f"/programmes/questions/{shown.pk}/")
    assert response["Location"] == f"/dashboard/programs/NDC-1/#question-{shown.pk}"
    response = client.get(f"/programmes/questions/{held.pk}/", follow=True)
    assert response.redirect_chain[-1][0] == "/dashboard/programs/NDC-1/#questions"
    assert "這則提問目前不公開" in response.content.decode()
    assert client.get("/programmes/questions/999999/").status_code == 404


def test_the_moderation_queue_reads_held_questions_at_no_query_per_row(
    client, dashboard, program, make_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from minyi.agencies.roles import Role
    from minyi.agencies.services import user_role_add

    moderator = make_user()
    user_role_add(user=moderator, role=Role.MODERATOR)
    client.force_login(moderator)
    url = reverse("moderation_admin:queue")

    def queue_queries(held: int) -> int:
        for number in range(held):
            ProgramQuestion.objects.create(
                program=program,
                author=make_user(),
                body=f"提問 {number}",
                state="held",
                answer_due_at=timezone.now() + timedelta(days=14),
            )
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        assert "/programmes/questions/" in html
        return len(queries)

    assert queue_queries(2) == queue_queries(6)
