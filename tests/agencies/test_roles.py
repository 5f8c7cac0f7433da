import pytest
from django.contrib.auth.models import Group

from minyi.agencies.roles import Role

pytestmark = pytest.mark.django_db


def test_migration_created_every_role():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.group_name for r in Role}


@pytest.mark.parametrize(
    ("role", "admin_access"),
    [
        (Role.CITIZEN, False),
        (Role.AGENCY_STAFF, True),
        (Role.MODERATOR, True),
        (Role.ANALYST, True),
        (Role.ADMINISTRATOR, True),
    ],
)
def test_role_admin_access(role, admin_access, make_user):
    from minyi.agencies.services import user_role_add

    user = make_user()
    user.groups.clear()
    user_role_add(user=user, role=role)
    user = type(user).objects.get(pk=user.pk)  # fresh permission cache
    assert user.has_perm("wagtailadmin.access_admin") is admin_access


def test_new_user_is_a_citizen(make_user):
    user = make_user()
    assert list(user.groups.values_list("name", flat=True)) == [Role.CITIZEN.group_name]


def test_agency_code_is_validated(make_agency):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_agency("bad code")
    from minyi.agencies.models import Agency

    assert not Agency.objects.filter(code="bad code").exists()
