"""Benchmark of social listening (a script, not a test).

    python tests/benchmarks/listening_ingest.py [--posts 100000] [--requests 100]

Builds a throw-away SQLite database (or uses DATABASE_URL when set), writes a CSV of N synthetic
posts over 30 days (about a third match the topic), then reports:

(a) ingest end to end: upload → store + topic match → NLP analysis (chunks of 2,000, as the
    worker's analysis jobs) → the refresh job recomputing the stale hourly/daily buckets;
    posts per second, the share of that time spent in the NLP engine (texts_analyse) and in
    the refresh; then a small later batch (``--later``, default 200 posts) into the same month,
    as the periodic tick brings them, to show the cost of one incremental refresh;
(b) the topic dashboard (GET, in-process test client, analyst signed in): p50/p95/max over
    several date and source filters, and its query count.
"""

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WORDS = ["Uber", "優步", "計程車", "小黃", "司機", "費率", "安全", "方便", "太貴", "政府", "交通部"]
TAILS = ["很好用", "太貴了", "不安全", "比較方便", "應該管理", "支持", "反對", "普通"]


def setup_django(workdir: Path) -> None:
    os.environ.setdefault("MINYI_IGNORE_DOTENV", "1")
    os.environ.setdefault("MINYI_VAR_DIR", str(workdir))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minyi.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)


def write_csv(path: Path, count: int, *, first: int = 0, seed: int = 42) -> None:
    rng = random.Random(seed)
    start = datetime(2026, 10, 1, 0, 0)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "time", "author", "likes"])
        for n in range(first, first + count):
            words = rng.sample(WORDS, 3)
            text = f"{' '.join(words)} {rng.choice(TAILS)} 第{n}則"
            when = start + timedelta(minutes=rng.randrange(30 * 24 * 60))
            writer.writerow([f"p{n}", text, when.strftime("%Y-%m-%d %H:%M"), f"u{n % 5000}", n % 7])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--later", type=int, default=200)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="minyi-listening-bench-"))
    setup_django(workdir)

    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    import sentiment.services as nlp_services
    from minyi.accounts.services import user_create
    from sentiment.listening import services
    from sentiment.listening.connectors.upload import UploadConnector
    from sentiment.models import Post, Source, Topic, TopicAggregate

    settings.LISTENING_UPLOAD_MAX_BYTES = 1024 * 1024 * 1024
    path = workdir / "posts.csv"
    write_csv(path, args.posts)
    print(f"file: {args.posts} posts, {path.stat().st_size / 1e6:.1f} MB")

    source = Source.objects.create(
        name="upload",
        kind="upload",
        config={
            "mapping": {
                "id": "id",
                "text": "text",
                "published_at": "time",
                "author": "author",
                "likes": "likes",
            }
        },
    )
    topic = Topic.objects.create(
        name="Uber", query="(Uber OR 優步) AND (計程車 OR 小黃)", alert_z=99
    )
    topic.sources.add(source)

    nlp_seconds = 0.0
    original = nlp_services.texts_analyse

    def timed(**kwargs):
        nonlocal nlp_seconds
        started = time.perf_counter()
        try:
            return original(**kwargs)
        finally:
            nlp_seconds += time.perf_counter() - started

    services.texts_analyse = timed

    def ingest(path: Path) -> tuple[list[int], float, float, float]:
        """Store, analyse and refresh one file: (ids, store seconds, refresh seconds, total)."""
        started = time.perf_counter()
        result = services.source_run(source=source, connector=UploadConnector(source, path=path))
        stored = time.perf_counter() - started
        ids = result["post_ids"]
        for offset in range(0, len(ids), 2000):
            services.posts_analyse(post_ids=ids[offset : offset + 2000])
        analysed = time.perf_counter()
        services.aggregates_refresh()
        refresh_seconds = time.perf_counter() - analysed
        return ids, stored, refresh_seconds, time.perf_counter() - started

    ids, stored, refresh_seconds, total = ingest(path)
    print(f"(a) stored {len(ids)} posts ({topic.posts.count()} match) in {stored:.1f} s")
    print(
        f"    end to end {total:.1f} s = {len(ids) / total:.0f} posts/s; "
        f"NLP {nlp_seconds:.1f} s ({100 * nlp_seconds / total:.0f} % of the time); "
        f"aggregate refresh {refresh_seconds:.1f} s ({100 * refresh_seconds / total:.0f} %)"
    )
    assert Post.objects.filter(sentiment="").count() == 0
    day_volume = sum(
        TopicAggregate.objects.filter(
            topic=topic, granularity="day", source__isnull=True
        ).values_list("volume", flat=True)
    )
    assert day_volume == topic.posts.count(), (day_volume, topic.posts.count())
    if args.later:
        later = workdir / "later.csv"
        write_csv(later, args.later, first=args.posts, seed=7)
        nlp_seconds = 0.0
        ids, _stored, refresh_seconds, total = ingest(later)
        print(
            f"    a later batch of {len(ids)} posts: end to end {total:.2f} s, "
            f"NLP {nlp_seconds:.2f} s, aggregate refresh {refresh_seconds:.2f} s"
        )

    user = user_create(
        email="analyst@example.org",
        password="x-bench-42-pass",
        display_name="分析師",
        email_verified=True,
    )
    user.groups.add(Group.objects.get(name="分析師"))
    client = Client()
    client.force_login(user)
    urls = [
        f"/listening/topics/{topic.pk}/?start=2026-10-01&end=2026-10-31",
        f"/listening/topics/{topic.pk}/?start=2026-10-01&end=2026-10-31&source={source.pk}",
        f"/listening/topics/{topic.pk}/?start=2026-10-10&end=2026-10-11",
        f"/listening/topics/{topic.pk}/?start=2026-10-01&end=2026-10-15",
    ]
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        timings = []
        for n in range(args.requests):
            url = urls[n % len(urls)]
            began = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as queries:
            client.get(urls[0])
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"(b) dashboard over {args.requests} requests: p50 {statistics.median(timings):.0f} ms, "
        f"p95 {p95:.0f} ms, max {timings[-1]:.0f} ms; {len(queries)} queries"
    )


if __name__ == "__main__":
    main()
