"""Agency staff edit their own agency's pages and nothing else."""

import pytest
from django.urls import reverse

from minyi.agencies.models import AgencySubPage
from minyi.agencies.roles import Role
from minyi.agencies.selectors import agencies_for_user, user_has_role
from minyi.agencies.services import agency_staff_add, agency_staff_remove

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_agencies(make_agency, make_user):
    moda = make_agency("MODA", "數位發展部")
    motc = make_agency("MOTC", "交通部")
    staff = make_user(display_name="數位部承辦")
    agency_staff_add(agency=moda, user=staff)
    return moda, motc, staff


def add_sub_page(agency, title):
    page = AgencySubPage(title=title, body="<p>說明</p>")
    agency.root_page.add_child(instance=page)
    return page


def test_staff_can_edit_own_agency_pages_only(two_agencies):
    moda, motc, staff = two_agencies
    own = add_sub_page(moda, "數位部公告")
    other = add_sub_page(motc, "交通部公告")

    assert own.permissions_for_user(staff).can_edit()
    assert moda.root_page.specific.permissions_for_user(staff).can_add_subpage()
    assert not other.permissions_for_user(staff).can_edit()
    assert not motc.root_page.specific.permissions_for_user(staff).can_add_subpage()
    assert not other.permissions_for_user(staff).can_publish()


def test_admin_edit_view_refuses_other_agency(client, two_agencies):
    moda, motc, staff = two_agencies
    own = add_sub_page(moda, "數位部公告")
    other = add_sub_page(motc, "交通部公告")
    client.force_login(staff)

    assert client.get(reverse("wagtailadmin_pages:edit", args=[own.pk])).status_code == 200
    response = client.get(reverse("wagtailadmin_pages:edit", args=[other.pk]))
    assert response.status_code in {302, 403}
    assert "交通部公告" not in response.content.decode()

    # A forged POST changes nothing either.
    client.post(
        reverse("wagtailadmin_pages:edit", args=[other.pk]),
        {"title": "被竄改", "slug": other.slug, "body": "<p>x</p>", "action-publish": "1"},
    )
    other.refresh_from_db()
    assert other.title == "交通部公告"
    assert other.get_latest_revision() is None or "被竄改" not in str(
        other.get_latest_revision().content
    )


def test_admin_explorer_only_lists_permitted_sections(client, two_agencies):
    moda, motc, staff = two_agencies
    client.force_login(staff)
    response = client.get(reverse("wagtailadmin_explore", args=[motc.root_page_id]))
    assert response.status_code in {302, 403}


def test_membership_selectors_and_removal(two_agencies, make_user):
    moda, motc, staff = two_agencies
    assert list(agencies_for_user(staff)) == [moda]
    assert user_has_role(staff, Role.AGENCY_STAFF)

    agency_staff_remove(agency=moda, user=staff)
    assert list(agencies_for_user(staff)) == []
    assert not user_has_role(staff, Role.AGENCY_STAFF)
    assert not moda.root_page.specific.permissions_for_user(staff).can_add_subpage()


def test_administrator_sees_all_agencies(two_agencies, make_user):
    from minyi.agencies.services import user_role_add

    admin = make_user()
    user_role_add(user=admin, role=Role.ADMINISTRATOR)
    assert set(agencies_for_user(admin)) == {two_agencies[0], two_agencies[1]}


def test_staff_media_collection_is_their_agency_only(two_agencies):
    from wagtail.documents import get_document_model
    from wagtail.permissions import policy_registry

    moda, motc, staff = two_agencies
    policy = policy_registry.get_by_type(get_document_model())
    collections = set(policy.collections_user_has_permission_for(staff, "add"))
    assert moda.collection in collections
    assert motc.collection not in collections
