"""A moderator's admin home says how many items and appeals wait, with links to them; nobody
else's does."""

import pytest
from django.urls import reverse
from django.utils import translation

from minyi.agencies.roles import Role
from minyi.agencies.services import agency_staff_add, user_role_add
from moderation.services import report_create
from participation.services import comment_create

pytestmark = pytest.mark.django_db


def test_the_admin_home_counts_the_queue_for_moderators_only(
    client, make_consultation, make_user, make_agency
):
    page = make_consultation()
    for body in ("第一則留言", "第二則留言"):
        comment = comment_create(consultation=page, user=make_user(), body=body, stance="support")
        report_create(reporter=make_user(), instance=comment, rule="abuse", note="")
    moderator = make_user()
    user_role_add(user=moderator, role=Role.MODERATOR)
    staff = make_user()
    agency_staff_add(user=staff, agency=page.agency)

    client.force_login(moderator)
    with translation.override("zh-hant"):
        home = client.get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="zh-hant")
    html = home.content.decode()
    assert "審核佇列中有 2 項等待處理" in html
    assert f'href="{reverse("moderation_admin:queue")}"' in html
    assert "0 件申訴待決定" in html

    client.force_login(staff)
    assert "moderation-desk-title" not in client.get(reverse("wagtailadmin_home")).content.decode()
