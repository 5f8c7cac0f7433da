"""The model's tone of one comment is for moderators (in the queue), never for the public."""

import pytest
from django.urls import reverse

from minyi.agencies.roles import Role
from minyi.agencies.services import user_role_add
from moderation.services import report_create
from participation.services import comment_create

pytestmark = pytest.mark.django_db


def test_the_queue_shows_the_reading_the_public_page_does_not(
    client, make_consultation, make_user, django_capture_on_commit_callbacks
):
    page = make_consultation()
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_create(
            consultation=page,
            user=make_user(),
            body="支持第二條。但第三條的罰則太重，完全不合理，非常失望。",
            stance="support",
        )
    report_create(reporter=make_user(), instance=comment, rule="abuse", note="")
    moderator = make_user()
    user_role_add(user=moderator, role=Role.MODERATOR)

    assert "語氣" not in client.get(page.url).content.decode()
    client.force_login(moderator)
    queue = client.get(reverse("moderation_admin:queue")).content.decode()
    assert "模型判讀的語氣（可能有誤，不對外顯示）" in queue
    assert any(label in queue for label in ("正面", "中立", "負面"))
    assert "語氣" not in client.get(page.url).content.decode()
