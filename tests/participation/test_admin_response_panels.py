"""The admin home's to-do panels say where an agency response stands: a response returned by
the approver shows the return and its reason to the writer, and a petition answer waiting for
approval reads as such to the approver (both read "write the response" before)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from minyi.agencies.services import agency_staff_add
from participation.models import ConsultationPage
from participation.services import (
    consultation_response_draft_save,
    consultation_response_return,
    consultation_response_submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleagues(make_user, make_agency):
    agency = make_agency("MOTC", "交通部")
    writer, approver = make_user(), make_user()
    for user in (writer, approver):
        agency_staff_add(user=user, agency=agency)
    return agency, writer, approver


def test_a_returned_consultation_response_shows_its_reason_on_the_writers_admin_home(
    client, colleagues, make_consultation
):
    _agency, writer, approver = colleagues
    page = make_consultation()
    ConsultationPage.objects.filter(pk=page.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    draft = consultation_response_draft_save(
        consultation=page,
        user=writer,
        overall="回應",
        sections={section.pk: ("adopted", "") for section in page.sections.all()},
    )
    consultation_response_submit(response=draft, user=writer)
    consultation_response_return(response=draft, user=approver, note="請補充第二點的執行時程。")
    client.force_login(writer)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "已退回修改" in home and "請補充第二點的執行時程。" in home
    assert "修改後再送核可" in home and "草稿撰寫中" not in home


def test_a_petition_answer_waiting_for_approval_and_returned_reads_so_on_the_admin_home(
    client, colleagues, make_user
):
    from wagtail.models import Site

    from minyi.agencies.roles import Role
    from minyi.agencies.services import user_role_add
    from participation.models import ParticipationSettings
    from participation.services import (
        petition_create,
        petition_endorse,
        petition_moderation_approve,
        petition_response_return,
        petition_response_submit,
    )

    agency, writer, approver = colleagues
    rules = ParticipationSettings.for_site(Site.objects.get(is_default_site=True))
    rules.petition_threshold = 1
    rules.save()
    moderator = make_user()
    user_role_add(user=moderator, role=Role.MODERATOR)
    petition = petition_create(
        user=make_user(), title="增設公車專用道", body="請改善。", agency=agency
    )
    petition = petition_moderation_approve(petition=petition, moderator=moderator)
    petition_endorse(petition=petition, user=make_user())
    url = reverse("participation:petition_response", args=[petition.pk])

    petition_response_submit(petition=petition, user=writer, text="將於明年試辦。")
    client.force_login(approver)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "待核可：開啟" in home and url in home and "撰寫回應" not in home

    petition_response_return(petition=petition, user=approver, note="請寫明試辦路段。")
    client.force_login(writer)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "已退回修改" in home and "請寫明試辦路段。" in home and "撰寫回應" not in home
