"""A topic linked to consultations shows their comments: a panel participation registers, so
listening never imports participation."""

import pytest
from django.contrib.auth.models import Group

from participation.services import comment_create
from sentiment.listening.panels import topic_panels
from sentiment.models import Topic

pytestmark = pytest.mark.django_db


def test_linked_consultations_comments_show_on_the_topic_page(client, make_consultation, make_user):
    page = make_consultation()
    comment_create(consultation=page, user=make_user(), body="計程車應納管。", stance="support")
    topic = Topic.objects.create(name="多元計程車", query="計程車")
    topic.consultations.add(page)
    [panel] = topic_panels(topic)
    assert panel["context"]["count"] == 1
    analyst = make_user()
    analyst.groups.add(Group.objects.get(name="分析師"))
    client.force_login(analyst)
    html = client.get(f"/listening/topics/{topic.pk}/").content.decode()
    assert 'id="comments-heading"' in html and "計程車應納管。" in html
    assert page.title in html
    # Authors appear as short codes, explained (a table of hex hashes said nothing).
    assert "發文最多的作者" in html and "無法回推帳號的代號" in html
