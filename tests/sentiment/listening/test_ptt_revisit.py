"""PTT: pushes added after an article was read are picked up by re-visiting recent articles."""

from datetime import timedelta

from django.utils import timezone

from sentiment.listening.connectors import connector_for
from sentiment.listening.selectors import posts_to_revisit
from sentiment.listening.services import source_run
from sentiment.models import Post, Topic, TopicAggregate

from .conftest import PTT_ROUTES, routes_transport
from .test_ingestion import QUERY

ARTICLE = "M.1700000000.A.1A1"
OTHER = "M.1700000600.A.2B2"
OLD = "M.1699990000.A.0F0"
LATER_ROUTES = {**PTT_ROUTES, f"/bbs/Gossiping/{ARTICLE}.html": (200, "ptt_article_1_later.html")}


def _run(source, routes, seen=None):
    connector = connector_for(
        source, transport=routes_transport(routes, seen), sleep=lambda seconds: None
    )
    return source_run(source=source, connector=connector)


def _make_recent(external_id, *, days=1.0):
    """The fixtures are from 2023: pretend this article was published ``days`` ago."""
    Post.objects.filter(external_id=external_id).update(
        published_at=timezone.now() - timedelta(days=days)
    )


def _paths(seen):
    return [request.url.path for request in seen]


def test_revisit_adds_only_the_new_pushes_and_updates_counts(
    make_source, django_capture_on_commit_callbacks
):
    source = make_source("ptt", board="Gossiping")
    topic = Topic.objects.create(name="Uber", query=QUERY, alert_min_volume=1000)
    topic.sources.add(source)
    with django_capture_on_commit_callbacks(execute=True):
        assert _run(source, PTT_ROUTES)["created"] == 8
    article = Post.objects.get(external_id=ARTICLE)
    assert (article.pushes, article.boos, article.replies.count()) == (2, 1, 4)
    _make_recent(ARTICLE)
    _make_recent(OTHER)  # OLD stays outside the three-day window

    seen = []
    with django_capture_on_commit_callbacks(execute=True):
        result = _run(source, LATER_ROUTES, seen)
    assert result["created"] == 2
    assert _paths(seen).count(f"/bbs/Gossiping/{ARTICLE}.html") == 1
    assert _paths(seen).count(f"/bbs/Gossiping/{OTHER}.html") == 1
    assert f"/bbs/Gossiping/{OLD}.html" not in _paths(seen)
    article.refresh_from_db()
    assert (article.pushes, article.boos) == (3, 2)
    new = Post.objects.filter(parent=article).order_by("external_id")
    assert [p.external_id for p in new][-2:] == [f"{ARTICLE}#5", f"{ARTICLE}#6"]
    assert [(p.text, p.pushes, p.boos) for p in new if p.external_id.endswith(("#5", "#6"))] == [
        ("優步跟計程車都要有保險", 1, 0),
        ("又是這種文", 0, 1),
    ]
    assert not Post.objects.filter(sentiment="").exists()  # the new pushes were analysed
    assert Post.objects.get(external_id=ARTICLE).revisited_at is not None
    # The aggregates follow: the matching new push, and the article's new counts.
    matched = topic.posts.all()
    totals = TopicAggregate.objects.filter(topic=topic, granularity="day", source__isnull=True)
    assert sum(row.volume for row in totals) == matched.count() == 3  # 2 before, 1 new push
    assert sum(row.pushes for row in totals) == sum(p.pushes for p in matched)
    assert sum(row.boos for row in totals) == sum(p.boos for p in matched)

    # Running again on the same pages adds nothing and changes nothing.
    before = list(Post.objects.order_by("pk").values_list("pk", "pushes", "boos"))
    with django_capture_on_commit_callbacks(execute=True):
        assert _run(source, LATER_ROUTES)["created"] == 0
    assert list(Post.objects.order_by("pk").values_list("pk", "pushes", "boos")) == before


def test_revisits_are_bounded_per_run_and_take_turns(make_source):
    source = make_source("ptt", board="Gossiping", revisit_limit=1)
    _run(source, PTT_ROUTES)
    _make_recent(ARTICLE, days=2)
    _make_recent(OTHER, days=1)
    routes = dict(LATER_ROUTES)
    del routes[f"/bbs/Gossiping/{OTHER}.html"]  # deleted on PTT since: no error for that

    fetched = []
    for _run_number in range(3):
        seen = []
        _run(source, routes, seen)
        fetched.append([p for p in _paths(seen) if ARTICLE in p or OTHER in p])
    # One article per run, the newer one first, then the other, then the first again.
    assert fetched == [
        [f"/bbs/Gossiping/{OTHER}.html"],
        [f"/bbs/Gossiping/{ARTICLE}.html"],
        [f"/bbs/Gossiping/{OTHER}.html"],
    ]
    source.refresh_from_db()
    assert OTHER not in source.last_error  # a vanished article is no warning
    assert Post.objects.get(external_id=ARTICLE).pushes == 3
    assert Post.objects.filter(parent__external_id=ARTICLE).count() == 6


def test_revisit_window_defaults_to_three_days(make_source):
    source = make_source("ptt", board="Gossiping")
    now = timezone.now()
    for n, days in enumerate([0.5, 2.9, 3.1, 10]):
        Post.objects.create(
            source=source,
            external_id=f"M.{1700000000 + n}.A.00{n}",
            text="x",
            published_at=now - timedelta(days=days),
        )
    connector = connector_for(source)
    days, limit = connector.revisit_window()
    assert (days, limit) == (3.0, 20)
    assert posts_to_revisit(source=source, days=days, limit=limit, now=now) == [
        "M.1700000000.A.000",
        "M.1700000001.A.001",
    ]
    assert connector_for(make_source("rss", url="https://x.test")).revisit_window() == (0.0, 0)
