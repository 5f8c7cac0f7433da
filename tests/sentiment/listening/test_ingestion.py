import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from sentiment.listening.connectors import connector_for
from sentiment.listening.connectors.upload import UploadConnector
from sentiment.listening.query import query_matches
from sentiment.listening.services import author_hash, raw_payloads_purge, source_run
from sentiment.models import Post, SourceStatus, Topic, TopicAggregate

from .conftest import DCARD_ROUTES, FACEBOOK_ROUTES, FIXTURES, PTT_ROUTES, routes_transport
from .test_connectors import CSV_MAPPING

QUERY = "(Uber OR 優步) AND (計程車 OR 小黃) NOT 股價"


def _run(source, **kwargs):
    return source_run(
        source=source, connector=connector_for(source, sleep=lambda s: None, **kwargs)
    )


class _FeedConnector:
    """The RSS connector reading a fixture file instead of the network."""

    def __init__(self, source, name):
        self.inner = connector_for(source)
        self.name = name
        self.warnings = self.inner.warnings

    def fetch(self, cursor):
        return self.inner.parse((FIXTURES / self.name).read_bytes(), cursor)


@pytest.fixture
def all_sources(make_source, settings):
    settings.LISTENING_FACEBOOK_TOKEN = "token"
    sources = {
        "ptt": make_source("ptt", board="Gossiping"),
        "dcard": make_source("dcard", forum="trending"),
        "facebook": make_source("facebook", page_id="1000"),
        "cna": make_source("rss", url="https://www.cna.com.tw/rss"),
        "press": make_source("rss", url="https://example.gov.tw/press.atom"),
        "csv": make_source("upload", mapping=CSV_MAPPING),
        "jsonl": make_source(
            "upload", mapping={"id": "id", "text": "text", "published_at": "time"}
        ),
    }
    topic = Topic.objects.create(name="Uber 與計程車", query=QUERY, alert_min_volume=1000)
    topic.sources.set(sources.values())
    return sources, topic


def _run_all(sources):
    results = {
        "ptt": _run(sources["ptt"], transport=routes_transport(PTT_ROUTES)),
        "dcard": _run(sources["dcard"], transport=routes_transport(DCARD_ROUTES)),
        "facebook": _run(sources["facebook"], transport=routes_transport(FACEBOOK_ROUTES)),
        "cna": source_run(
            source=sources["cna"], connector=_FeedConnector(sources["cna"], "cna.rss")
        ),
        "press": source_run(
            source=sources["press"], connector=_FeedConnector(sources["press"], "bad_dates.atom")
        ),
        "csv": source_run(
            source=sources["csv"],
            connector=UploadConnector(sources["csv"], path=FIXTURES / "upload.csv"),
        ),
        "jsonl": source_run(
            source=sources["jsonl"],
            connector=UploadConnector(sources["jsonl"], path=FIXTURES / "upload.jsonl"),
        ),
    }
    return results


def test_topic_collects_matching_posts_from_every_connector(
    all_sources, django_capture_on_commit_callbacks, make_user, client
):
    sources, topic = all_sources
    with django_capture_on_commit_callbacks(execute=True):
        results = _run_all(sources)
    stored = {name: result["created"] for name, result in results.items()}
    assert stored == {
        "ptt": 8,
        "dcard": 4,
        "facebook": 5,
        "cna": 2,
        "press": 3,
        "csv": 3,
        "jsonl": 2,
    }
    assert results["ptt"]["status"] == SourceStatus.PARTIAL  # the broken article
    assert results["cna"]["status"] == SourceStatus.OK
    # Expected matches computed independently of the stored links: by hand per fixture ...
    by_hand = {"ptt": 2, "dcard": 1, "facebook": 2, "cna": 1, "press": 3, "csv": 2, "jsonl": 1}
    for name, source in sources.items():
        assert topic.posts.filter(source=source).count() == by_hand[name], name
    # ... and by re-evaluating the query on every stored post.
    expected = sum(query_matches(QUERY, post.text) for post in Post.objects.all())
    assert expected == sum(by_hand.values()) == topic.posts.count() == 12

    # Every post was analysed, and the aggregates add up.
    assert not Post.objects.filter(sentiment="").exists()
    day_total = TopicAggregate.objects.filter(
        topic=topic, granularity="day", source__isnull=True
    ).values_list("volume", flat=True)
    assert sum(day_total) == 12

    # Parents and hashed authors.
    push = Post.objects.get(external_id="M.1700000000.A.1A1#1")
    assert push.parent.external_id == "M.1700000000.A.1A1"
    article = push.parent
    assert article.author_hash == author_hash(source_kind="ptt", handle="driver01")
    assert "driver01" not in article.author_hash and len(article.author_hash) == 64

    # The dashboard shows the same counts.
    from django.contrib.auth.models import Group

    analyst = make_user()
    analyst.groups.add(Group.objects.get(name="分析師"))
    client.force_login(analyst)
    today = timezone.localdate()
    response = client.get(f"/listening/topics/{topic.pk}/?start=2023-11-01&end={today}")
    assert response.status_code == 200
    data = response.context["data"]
    assert data["totals"]["volume"] == 12
    assert sum(row["volume"] for row in data["sources"]) == 12
    assert {row["name"]: row["volume"] for row in data["sources"]}["ptt source"] == 2
    for label in ("positive", "neutral", "negative"):
        assert data["totals"].get(label, 0) == topic.posts.filter(sentiment=label).count()
    response = client.get(
        f"/listening/topics/{topic.pk}/?start=2023-11-01&end={today}&source={sources['dcard'].pk}"
    )
    assert response.context["data"]["totals"]["volume"] == 1

    export = client.get(f"/listening/topics/{topic.pk}/export.csv?start=2023-11-01&end={today}")
    body = export.content.decode("utf-8")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert body.startswith("\ufeff") and len(rows) == 13
    xlsx = client.get(f"/listening/topics/{topic.pk}/export.xlsx?start=2023-11-01&end={today}")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"

    # Re-running every connector on the same data adds nothing.
    before = Post.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        again = _run_all(sources)
    assert all(result["created"] == 0 for result in again.values())
    assert Post.objects.count() == before
    assert topic.posts.count() == 12


@pytest.mark.parametrize(
    ("kind", "setup", "message"),
    [
        (
            "dcard",
            {"/service/api/v2/forums/trending/posts": (200, "dcard_post_254000003_truncated.json")},
            "不是有效的 JSON",
        ),
        ("dcard", {"/service/api/v2/forums/trending/posts": (500, "")}, "回應 500"),
        (
            "ptt",
            {"/bbs/Gossiping/index.html": (200, "ptt_article_broken.html")},
            "HTML 格式不符預期",
        ),
    ],
)
def test_failed_runs_record_a_message_and_store_nothing(make_source, kind, setup, message):
    source = make_source(kind, board="Gossiping", forum="trending")
    result = _run(source, transport=routes_transport(setup))
    source.refresh_from_db()
    assert source.last_status == SourceStatus.ERROR
    assert message in source.last_error and source.last_run_at is not None
    assert result["created"] == 0 and not Post.objects.exists()
    assert source.cursor == {}


def test_bad_upload_files_end_in_the_status(make_source, tmp_path):
    source = make_source("upload", mapping=CSV_MAPPING)
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    source_run(source=source, connector=UploadConnector(source, path=big))
    assert "檔案太大" in source.last_error and source.last_status == SourceStatus.ERROR
    source_run(
        source=source, connector=UploadConnector(source, path=FIXTURES / "upload_truncated.jsonl")
    )
    assert "第 2 行" in source.last_error
    assert not Post.objects.exists()  # line 1 was fine, but nothing is half-written


def test_unexpected_exception_is_isolated(make_source):
    source = make_source("rss", url="https://x.test")

    class Exploding:
        warnings = []

        def fetch(self, cursor):
            raise RuntimeError("boom")

    result = source_run(source=source, connector=Exploding())
    assert result["status"] == SourceStatus.ERROR and "boom" in source.last_error


class _Stub:
    def __init__(self, calls):
        self.calls = calls

    def enqueue(self, **kwargs):
        self.calls.append(kwargs)


def test_scheduler_queues_due_sources_once(make_source, monkeypatch):
    from sentiment.listening import services, tasks

    due = make_source("rss", url="https://x.test")
    later = make_source("rss", url="https://y.test")
    later.next_run_at = timezone.now() + timedelta(hours=1)
    later.save()
    make_source("upload")
    queued = []
    monkeypatch.setattr(tasks, "source_fetch", _Stub(queued))
    assert services.sources_due_enqueue() == [due.pk]
    assert services.sources_due_enqueue() == []  # claimed
    assert queued == [{"source_id": due.pk}]


def test_raw_payloads_are_purged_after_retention(make_source, settings):
    settings.LISTENING_RAW_RETENTION_DAYS = 90
    source = make_source("upload", mapping=CSV_MAPPING)
    source_run(source=source, connector=UploadConnector(source, path=FIXTURES / "upload.csv"))
    post = Post.objects.first()
    assert post.raw and post.raw_expires_at > timezone.now() + timedelta(days=89)
    assert raw_payloads_purge(now=timezone.now() + timedelta(days=30)) == 0
    assert raw_payloads_purge(now=timezone.now() + timedelta(days=91)) == 3
    post.refresh_from_db()
    assert post.raw is None and post.text


def test_dashboard_needs_the_analyst_role(client, make_user, db):
    topic = Topic.objects.create(name="t", query="a")
    assert client.get(f"/listening/topics/{topic.pk}/").status_code == 302
    client.force_login(make_user())
    assert client.get(f"/listening/topics/{topic.pk}/").status_code == 403
