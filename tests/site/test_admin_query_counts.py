"""Query counts of a staff member's busiest admin screen: role checks must not repeat."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> list[str]:
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_page_explorer_reads_the_roles_once(client, make_user, make_consultation):
    from minyi.agencies.services import agency_staff_add

    page = make_consultation(slug="c1", agency_code="MOTC")
    for slug in ("c2", "c3", "c4"):
        make_consultation(slug=slug, agency_code="MOTC")
    staff = make_user()
    agency_staff_add(agency=page.agency, user=staff)
    client.force_login(staff)
    sqls = _queries(client, f"/admin/pages/{page.get_parent().pk}/")
    # the user's groups themselves (not the permissions of those groups, read by Wagtail)
    role_reads = [
        sql
        for sql in sqls
        if sql.startswith('SELECT 1 AS "a" FROM "auth_group"')
        or sql.startswith('SELECT "auth_group"."name"')
    ]
    assert len(role_reads) == 1, role_reads
    # menus, the explorer's four pages, their permissions and workflow states (57 when each
    # role check asked the database: 14 of them the same two roles again), and the user's
    # agencies read once for the four rows' 「提前截止」 (two more a row when each row asked)
    assert len(sqls) <= 44


def test_a_role_given_or_taken_on_the_same_user_object_is_seen_at_once(make_user):
    from minyi.agencies.roles import Role
    from minyi.agencies.selectors import user_has_role, user_roles
    from minyi.agencies.services import user_role_add, user_role_remove

    user = make_user()
    assert not user_has_role(user, Role.MODERATOR)
    user_role_add(user=user, role=Role.MODERATOR)
    assert user_has_role(user, Role.MODERATOR)
    assert Role.MODERATOR in user_roles(user)
    user_role_remove(user=user, role=Role.MODERATOR)
    assert not user_has_role(user, Role.MODERATOR)
    user.groups.clear()
    assert user_roles(user) == []
