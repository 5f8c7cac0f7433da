"""A decision that fails (hide without a house rule) shows the page again with the moderator's
choices and the error beside the form; it used to reload blank, losing decision and note."""

import re

import pytest
from django.urls import reverse

from minyi.agencies.roles import Role
from minyi.agencies.services import user_role_add
from participation.models import CommentState
from participation.services import comment_create

pytestmark = pytest.mark.django_db

NO_RULE = "請選擇所違反的留言規範。"


@pytest.fixture
def moderator(make_user):
    user = make_user(display_name="審核員阿明")
    user_role_add(user=user, role=Role.MODERATOR)
    return user


@pytest.fixture
def comment(make_consultation, make_user):
    return comment_create(
        consultation=make_consultation(),
        user=make_user(),
        body="公車候車亭應該加裝遮雨棚。",
        stance="suggest",
    )


def _form_of(html: str, key: str) -> str:
    """The decision form of one item on the list of all items."""
    start = html.index(f'value="{key}"')
    return html[start : html.index("</form>", start)]


def test_hiding_without_a_rule_keeps_the_choices_on_the_list_of_items(client, moderator, comment):
    client.force_login(moderator)
    url = reverse("moderation_admin:items") + "?kind=participation.comment"
    key = f"participation.comment:{comment.pk}"
    response = client.post(url, {"item": key, "action": "hide", "note": "含有電話號碼"})
    assert response.status_code == 200  # shown again, not redirected to a blank form
    html = response.content.decode()
    form = _form_of(html, key)
    assert '<option value="hide" selected>' in form
    assert 'value="含有電話號碼"' in form
    assert NO_RULE in form and 'role="alert"' in form
    assert re.search(r'<select name="rule" aria-describedby="decision-errors-\d+" autofocus>', form)
    # Only the item the decision was for keeps it; the others' forms are blank.
    assert html.count("selected>審核員隱藏") <= 1
    comment.refresh_from_db()
    assert comment.state == CommentState.PUBLISHED

    # Corrected, it is recorded and the page goes back to the list.
    response = client.post(url, {"item": key, "action": "hide", "rule": "personal-data"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.state == CommentState.HIDDEN


def test_a_failed_queue_decision_keeps_the_selected_items_and_the_choices(
    client, moderator, make_user, comment
):
    from moderation.services import report_create

    report_create(reporter=make_user(), instance=comment, rule="abuse")
    client.force_login(moderator)
    key = f"participation.comment:{comment.pk}"
    response = client.post(
        reverse("moderation_admin:queue"),
        {"items": [key], "action": "hide", "note": "請就事論事"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'name="items" value="{re.escape(key)}"[^>]*\bchecked\b', html)
    assert '<option value="hide" selected>' in html
    assert 'value="請就事論事"' in html and NO_RULE in html
