"""Who works for an agency is decided in one place. Ticking 「交通部 人員」 in the admin's user
form let the person edit the agency's pages, but its work did not follow (the response page
403, the report 404, no 「件諮詢待機關回應」 on the admin home, nothing on /me/, not on the
agency-staff screen) until someone also added them on the agency-staff screen."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from minyi.accounts.models import User
from minyi.agencies.models import Agency, AgencyMembership
from minyi.agencies.roles import Role
from minyi.agencies.selectors import agencies_for_user, user_has_role
from minyi.agencies.services import agency_staff_add, role_group

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-42"


@pytest.fixture
def closed_motc_consultation(make_consultation):
    from participation.models import ConsultationPage

    page = make_consultation(agency_code="MOTC")
    Agency.objects.filter(code="MOTC").update(name_zh="交通部")
    ConsultationPage.objects.filter(pk=page.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    page.refresh_from_db()
    return page


def _motc_group() -> Group:
    return Agency.objects.get(code="MOTC").staff_group


def _create_in_user_form(client, groups, email="new.staff@example.org"):
    return client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": email,
            "display_name": "交通部新進人員",
            "first_name": "",
            "last_name": "",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "groups": [group.pk for group in groups],
        },
    )


def _edit_in_user_form(client, user, groups):
    return client.post(
        f"/admin/users/edit/{user.pk}/",
        {
            "email": user.email,
            "display_name": user.display_name,
            "first_name": "",
            "last_name": "",
            "is_active": "on",
            "groups": [group.pk for group in groups],
        },
    )


def _sees_the_agencys_work(client, user, consultation) -> dict[str, bool]:
    client.force_login(user)
    response = client.get(reverse("participation:consultation_response", args=[consultation.pk]))
    report = client.get(reverse("reports:index", args=[consultation.pk]))
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    me = client.get("/me/").content.decode()
    return {
        "response page": response.status_code == 200,
        "report": report.status_code == 200,
        "admin home list": "1 件諮詢待機關回應" in home,
        "/me/": "您服務的機關" in me and "交通部" in me,
    }


def test_the_agency_ticked_in_the_user_form_brings_the_agencys_work(
    admin_client, client, closed_motc_consultation
):
    role = role_group(Role.AGENCY_STAFF)
    response = _create_in_user_form(admin_client, [role, _motc_group()])
    assert response.status_code == 302, response.content.decode()[:2000]

    person = User.objects.get(email="new.staff@example.org")
    assert list(agencies_for_user(person)) == [Agency.objects.get(code="MOTC")]
    staff_screen = admin_client.get("/admin/agency-staff/").content.decode()
    assert "交通部新進人員" in staff_screen

    seen = _sees_the_agencys_work(client, person, closed_motc_consultation)
    assert all(seen.values()), seen


def test_unticking_the_agency_takes_the_work_away(admin_client, client, closed_motc_consultation):
    motc = Agency.objects.get(code="MOTC")
    person = agency_staff_add(
        agency=motc,
        user=User.objects.create_user(
            email="leaving@example.org", password=PASSWORD, display_name="交通部新進人員"
        ),
    ).user
    citizen = role_group(Role.CITIZEN)

    response = _edit_in_user_form(admin_client, person, [citizen])
    assert response.status_code == 302, response.content.decode()[:2000]

    assert not AgencyMembership.objects.filter(user=person).exists()
    assert not person.groups.filter(pk=motc.staff_group_id).exists()
    assert not user_has_role(User.objects.get(pk=person.pk), Role.AGENCY_STAFF)
    seen = _sees_the_agencys_work(client, person, closed_motc_consultation)
    assert not any(seen.values()), seen


def test_the_agency_alone_gives_the_role_too(admin_client, make_agency):
    make_agency("MOTC", "交通部")
    assert _create_in_user_form(admin_client, [_motc_group()]).status_code == 302
    person = User.objects.get(email="new.staff@example.org")
    assert user_has_role(person, Role.AGENCY_STAFF) and person.is_staff
    assert AgencyMembership.objects.filter(user=person, agency__code="MOTC").exists()


def test_the_role_without_an_agency_is_refused_with_a_reason(admin_client, make_agency):
    make_agency("MOTC", "交通部")
    response = _create_in_user_form(admin_client, [role_group(Role.AGENCY_STAFF)])
    assert response.status_code == 200
    assert "機關人員須隸屬於某個機關" in response.content.decode()
    assert not User.objects.filter(email="new.staff@example.org").exists()


def test_the_agency_staff_screen_ticks_the_same_group(admin_client, make_agency, make_user):
    motc = make_agency("MOTC", "交通部")
    person = make_user(email="by.screen@example.org")
    admin_client.post("/admin/agency-staff/", {"agency": motc.pk, "email": person.email})
    assert person.groups.filter(pk=motc.staff_group_id).exists()
    form = admin_client.get(f"/admin/users/edit/{person.pk}/").content.decode()
    assert f'value="{motc.staff_group_id}"' in form
    # Saving the user form unchanged keeps the membership the screen made.
    _edit_in_user_form(admin_client, person, list(person.groups.all()))
    assert AgencyMembership.objects.filter(user=person, agency=motc).exists()


def test_existing_data_is_brought_into_step(make_agency, make_user):
    """The migration takes the union: group-only people get the membership (and role),
    membership-only people the group; the group takes the agency's name."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("minyi.agencies.migrations.0008_agency_staff_group")
    motc = make_agency("MOTC", "交通部")
    group = motc.staff_group
    group.name = "機關 MOTC 人員"
    group.save()
    Agency.objects.filter(pk=motc.pk).update(staff_group=None)
    ticked_only, listed_only = make_user(), make_user()
    ticked_only.groups.add(group)
    AgencyMembership.objects.create(agency=motc, user=listed_only)

    migration.forwards(apps, None)

    motc.refresh_from_db()
    assert motc.staff_group == group and Group.objects.get(pk=group.pk).name == "交通部 人員"
    for person in (ticked_only, listed_only):
        person = User.objects.get(pk=person.pk)
        assert AgencyMembership.objects.filter(agency=motc, user=person).exists()
        assert person.groups.filter(pk=group.pk).exists()
        assert user_has_role(person, Role.AGENCY_STAFF) and person.is_staff
