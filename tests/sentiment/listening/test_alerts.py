from datetime import timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from minyi.notifications.models import Notification
from sentiment.listening.services import (
    aggregates_update_for_posts,
    bucket_start,
    ewma_z,
)
from sentiment.models import Alert, Post, Topic


def test_ewma_z_flags_a_jump_not_noise():
    baseline, z = ewma_z([5, 6, 4, 5, 6, 5, 4, 5], 30)
    assert 4 < baseline < 6 and z > 10
    _, z_small = ewma_z([5, 6, 4, 5, 6, 5, 4, 5], 6)
    assert z_small < 3


def test_volume_spike_raises_one_alert_with_its_posts(make_source, make_user):
    analyst = make_user()
    analyst.groups.add(Group.objects.get(name="分析師"))
    source = make_source("upload")
    topic = Topic.objects.create(name="颱風", query="颱風", alert_z=3, alert_min_volume=10)
    topic.sources.add(source)
    hour = bucket_start(timezone.now(), "hour") - timedelta(hours=1)
    posts = []
    for h in range(24, 0, -1):  # a quiet day: 2 posts an hour
        for n in range(2):
            posts.append((hour - timedelta(hours=h), f"q{h}-{n}", "颱風 消息"))
    for n in range(40):  # then a burst
        posts.append((hour + timedelta(minutes=n), f"b{n}", "颱風 停班停課"))
    created = Post.objects.bulk_create(
        Post(source=source, external_id=eid, text=text, published_at=when, sentiment="neutral")
        for when, eid, text in posts
    )
    Post.topics.through.objects.bulk_create(
        Post.topics.through(post_id=p.pk, topic_id=topic.pk) for p in created
    )
    aggregates_update_for_posts(post_ids=[p.pk for p in created])
    alert = Alert.objects.get()
    assert alert.metric == "volume" and alert.value == 40 and alert.z_score >= 3
    assert alert.posts.count() == 40
    note = Notification.objects.get(user=analyst)
    assert note.kind == "listening_alert" and f"/listening/topics/{topic.pk}/" in note.url
    aggregates_update_for_posts(post_ids=[p.pk for p in created])
    assert Alert.objects.count() == 1  # not raised twice
