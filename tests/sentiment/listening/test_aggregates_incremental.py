"""Incremental aggregates: stale buckets recomputed by the refresh job must give exactly the
figures of a full recompute, and both the figures computed here straight from the posts."""

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType

from sentiment.listening import services
from sentiment.listening.connectors import NormalisedPost
from sentiment.models import AggregateDirty, Post, TextAnalysis, Topic, TopicAggregate
from sentiment.nlp.duplicates import find_near_duplicates

TAIPEI = ZoneInfo("Asia/Taipei")
START = datetime(2025, 6, 1, 8, 15, tzinfo=TAIPEI)
FIELDS = (
    "volume",
    "positive",
    "neutral",
    "negative",
    "unanalysed",
    "pushes",
    "boos",
    "duplicate_share",
    "keywords",
    "authors",
    "top_posts",
)
TEXTS = [
    "颱風來了，明天停班停課嗎？大家注意安全",
    "颱風來了，明天停班停課嗎？大家要注意安全",
    "颱風天還要上班，老闆太過分了",
    "謝謝市府颱風前清理水溝，很棒",
    "颱風假公布得太晚，很不滿意",
    "颱風 路樹倒了 交通大亂",
    "今天天氣很好，不相關的貼文",
]


def _item(n: int, *, hours: float, author: str, likes: int = 0, pushes: int = 0, boos: int = 0):
    return NormalisedPost(
        external_id=f"p{n}",
        text=f"{TEXTS[n % len(TEXTS)]}（{n % 4}）",
        published_at=START + timedelta(hours=hours),
        author=author,
        likes=likes,
        pushes=pushes,
        boos=boos,
    )


def _ingest(source, items, capture):
    """The worker's path: store and match, analyse, then the refresh job (immediate backend)."""
    with capture(execute=True):
        ids = services.posts_store(source=source, items=items, cursor={})
        if ids:
            services.posts_analyse(post_ids=ids)
        else:
            services.aggregates_refresh_request()
    return ids


def _snapshot(topic) -> dict:
    return {
        (row["granularity"], row["source_id"], row["bucket_start"]): {f: row[f] for f in FIELDS}
        for row in TopicAggregate.objects.filter(topic=topic).values(
            "granularity", "source_id", "bucket_start", *FIELDS
        )
    }


def _expected(topic) -> dict:
    """The figures computed independently: Python over every post of the topic."""
    content_type = ContentType.objects.get_for_model(Post)
    keywords = dict(
        TextAnalysis.objects.filter(content_type=content_type).values_list("object_id", "keywords")
    )
    groups = defaultdict(list)
    for post in topic.posts.order_by("pk"):
        local = post.published_at.astimezone(TAIPEI).replace(minute=0, second=0, microsecond=0)
        for granularity, start in (("hour", local), ("day", local.replace(hour=0))):
            groups[(granularity, post.source_id, start)].append(post)
            groups[(granularity, None, start)].append(post)
    expected = {}
    for key, posts in groups.items():
        labels = Counter(post.sentiment for post in posts)
        words = Counter(
            entry["word"] if isinstance(entry, dict) else entry
            for post in posts
            for entry in keywords.get(post.pk, [])[:5]
        )
        authors = Counter(post.author_hash for post in posts if post.author_hash)
        engagement = {post.pk: post.likes + post.shares + post.pushes + post.boos for post in posts}
        texts = [post.text for post in posts]
        share = find_near_duplicates(texts)["campaign_share"] if len(texts) > 1 else 0.0
        expected[key] = {
            "volume": len(posts),
            "positive": labels["positive"],
            "neutral": labels["neutral"],
            "negative": labels["negative"],
            "unanalysed": labels[""],
            "pushes": sum(post.pushes for post in posts),
            "boos": sum(post.boos for post in posts),
            "duplicate_share": round(float(share), 4),
            "keywords": [[w, c] for w, c in sorted(words.items(), key=lambda i: (-i[1], i[0]))][
                :30
            ],
            "authors": [[a, c] for a, c in sorted(authors.items(), key=lambda i: (-i[1], i[0]))][
                :20
            ],
            "top_posts": [
                [pk, value]
                for pk, value in sorted(engagement.items(), key=lambda i: (-i[1], i[0]))[:20]
            ],
        }
    return expected


@pytest.fixture
def topics(make_source):
    first, second = make_source("upload"), make_source("upload")
    typhoon = Topic.objects.create(name="颱風", query="颱風", alert_min_volume=1000)
    typhoon.sources.set([first, second])
    closure = Topic.objects.create(name="停班停課", query="停班", alert_min_volume=1000)
    closure.sources.set([first])
    return first, second, typhoon, closure


def test_incremental_refresh_equals_full_recompute(
    topics, django_capture_on_commit_callbacks, monkeypatch
):
    first, second, typhoon, closure = topics
    events = []
    monkeypatch.setattr(
        "minyi.live.events.live_event_send", lambda stream, event: events.append((stream, event))
    )
    # Batch 1: one source over two days.
    batch = [
        _item(n, hours=n * 1.7, author=f"u{n % 5}", likes=n % 3, pushes=n % 4) for n in range(0, 24)
    ]
    _ingest(first, batch, django_capture_on_commit_callbacks)
    typhoon_posts = typhoon.posts.count()
    assert typhoon_posts > 0 and closure.posts.count() > 0
    assert (f"listening.topic.{typhoon.pk}", {"type": "posts", "count": typhoon_posts}) in events
    assert not AggregateDirty.objects.exists()
    assert _snapshot(typhoon) == _expected(typhoon)

    # Batch 2: the other source, into the same hours and days, plus one new day.
    batch = [
        _item(n, hours=(n - 24) * 1.3, author=f"u{n % 3}", likes=n % 5, boos=n % 2)
        for n in range(24, 50)
    ]
    _ingest(second, batch, django_capture_on_commit_callbacks)
    # Batch 3: more posts of the first source in already aggregated buckets.
    _ingest(
        first,
        [_item(n, hours=(n - 50) * 2.1, author="u9", pushes=7) for n in range(50, 60)],
        django_capture_on_commit_callbacks,
    )
    # Batch 4: posts seen again with new counts (late pushes and likes) change only counters.
    again = [_item(n, hours=n * 1.7, author=f"u{n % 5}", likes=9, pushes=n + 10) for n in (2, 5)]
    assert _ingest(first, again, django_capture_on_commit_callbacks) == []
    assert Post.objects.get(source=first, external_id="p5").pushes == 15
    # One label corrected after the fact (a re-analysis).
    post = typhoon.posts.filter(source=second).order_by("pk").first()
    flipped = "negative" if post.sentiment != "negative" else "positive"
    Post.objects.filter(pk=post.pk).update(sentiment=flipped)
    with django_capture_on_commit_callbacks(execute=True):
        services.aggregate_buckets_mark(post_ids=[post.pk])
        services.aggregates_refresh_request()

    assert not AggregateDirty.objects.exists()
    incremental = {topic.pk: _snapshot(topic) for topic in (typhoon, closure)}
    for topic in (typhoon, closure):
        assert incremental[topic.pk] == _expected(topic), topic.name
        assert (
            sum(
                row["volume"]
                for key, row in incremental[topic.pk].items()
                if key[:2] == ("day", None)
            )
            == topic.posts.count()
        )
    for topic in (typhoon, closure):
        services.topic_aggregates_rebuild(topic=topic)
        assert _snapshot(topic) == incremental[topic.pk], topic.name


def test_refresh_recomputes_only_stale_buckets(topics, django_capture_on_commit_callbacks):
    first, second, typhoon, closure = topics
    _ingest(
        first,
        [_item(n, hours=n * 5, author="a") for n in range(12)],
        django_capture_on_commit_callbacks,
    )
    _ingest(
        second,
        [_item(n, hours=(n - 12) * 5, author="b") for n in range(12, 24)],
        django_capture_on_commit_callbacks,
    )
    before = dict(
        TopicAggregate.objects.filter(topic=typhoon).values_list(
            "pk", "bucket_start"
        )  # row ids survive only when their bucket was left alone
    )
    post = typhoon.posts.filter(source=first).exclude(topics=closure).order_by("pk").first()
    Post.objects.filter(pk=post.pk).update(likes=100)
    assert services.aggregates_update_for_posts(post_ids=[post.pk]) == 2  # its hour and its day
    after = {
        (row.granularity, row.source_id, row.bucket_start): row
        for row in TopicAggregate.objects.filter(topic=typhoon)
    }
    local = post.published_at.astimezone(TAIPEI).replace(minute=0, second=0, microsecond=0)
    stale = {("hour", local), ("day", local.replace(hour=0))}
    for (granularity, source_id, start), row in after.items():
        rewritten = (granularity, start) in stale and source_id in (None, first.pk)
        assert (row.pk not in before) == rewritten, (granularity, source_id, start)
    assert after[("hour", first.pk, local)].top_posts[0] == [post.pk, 100]
    assert _snapshot(typhoon) == _expected(typhoon)


def test_tick_refreshes_marks_left_behind(topics, django_capture_on_commit_callbacks):
    first, _second, typhoon, _closure = topics
    with django_capture_on_commit_callbacks(execute=True):
        services.posts_store(
            source=first, items=[_item(0, hours=0, author="a")], cursor={}
        )  # stored and marked, but its analysis job never ran
    assert AggregateDirty.objects.exists() and not TopicAggregate.objects.exists()
    assert services.aggregates_stale_enqueue() is False  # too recent: the analysis may follow
    later = datetime.now(tz=TAIPEI) + timedelta(seconds=services.STALE_AFTER_SECONDS + 1)
    assert services.aggregates_stale_enqueue(now=later) is True  # immediate backend: ran
    assert not AggregateDirty.objects.exists()
    row = TopicAggregate.objects.get(topic=typhoon, granularity="day", source__isnull=True)
    assert (row.volume, row.unanalysed) == (1, 1)
