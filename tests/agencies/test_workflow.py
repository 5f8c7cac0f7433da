"""A page in an agency's section is published only after a second staff member approves."""

import pytest
from django.urls import reverse

from minyi.agencies.models import AgencySubPage
from minyi.agencies.services import agency_staff_add
from tests.support.draftail import draftail_body

pytestmark = pytest.mark.django_db


DRAFTAIL_BODY = draftail_body("送審版本")


@pytest.fixture
def moda_staff(make_agency, make_user):
    moda = make_agency("MODA", "數位發展部")
    author, reviewer = make_user(), make_user()
    agency_staff_add(agency=moda, user=author)
    agency_staff_add(agency=moda, user=reviewer)
    return moda, author, reviewer


def draft_page(agency, author):
    page = AgencySubPage(title="數位身分證說明", body="<p>草稿</p>", live=False, owner=author)
    agency.root_page.add_child(instance=page)
    page.save_revision(user=author)
    return page


def test_staff_cannot_publish_directly(moda_staff):
    moda, author, _ = moda_staff
    page = draft_page(moda, author)
    assert page.permissions_for_user(author).can_edit()
    assert not page.permissions_for_user(author).can_publish()


def test_submitter_cannot_approve_own_page_but_peer_can(moda_staff, make_agency, make_user):
    moda, author, reviewer = moda_staff
    outsider = make_user()
    agency_staff_add(agency=make_agency("MOTC"), user=outsider)
    page = draft_page(moda, author)

    workflow = page.get_workflow()
    assert workflow is not None
    workflow.start(page, author)
    page.refresh_from_db()
    task = page.current_workflow_task.specific
    assert task.get_actions(page, author) == []
    assert task.get_actions(page, outsider) == []
    assert "approve" in [name for name, *_ in task.get_actions(page, reviewer)]
    assert not task.get_task_states_user_can_moderate(author).exists()
    assert task.get_task_states_user_can_moderate(reviewer).exists()

    task.on_action(page.current_workflow_task_state, reviewer, "approve")
    page.refresh_from_db()
    assert page.live


def test_submit_for_moderation_through_the_admin(client, moda_staff):
    moda, author, _ = moda_staff
    page = draft_page(moda, author)
    client.force_login(author)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        {"title": page.title, "slug": page.slug, "body": DRAFTAIL_BODY, "action-submit": "1"},
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live
    assert page.current_workflow_state is not None
    assert page.current_workflow_state.requested_by == author
