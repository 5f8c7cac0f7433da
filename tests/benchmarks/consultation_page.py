"""A consultation page with 1,000 comments, read by 20 concurrent readers.

    .venv/bin/python tests/benchmarks/consultation_page.py [--comments 1000] [--readers 20]
        [--requests 400] [--workers 2] [--database-url URL] [--redis-url URL] [--signed-in]

Sets up a fresh PostgreSQL database (default postgres://postgres@127.0.0.1:5432/minyi_bench,
dropped and recreated), creates a consultation with N comments (a third of them replies, every
one analysed by the NLP engine, as the worker leaves them) and 50 statements, counts the SQL
queries of one page view at 10 and at N comments (they must be equal), then serves the site with
uvicorn (several worker processes, as in production) and fetches the page from R concurrent
readers, printing requests/s and latency percentiles. The target (issue 3): p95 under 150 ms.
Readers are anonymous unless ``--signed-in``, where each reader is a different signed-in citizen
(some of them authors of comments on the page). Both come from the shared page cache
(minyi.page_cache): anonymous readers from a copy served before authentication,
citizens from a copy whose own parts (follow button, next statement, withdraw buttons) are
filled for each of them. ``--no-page-cache`` renders every page in full. The cache is Redis when
it answers at --redis-url (as in production), else each process's own memory. Loopback only;
stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from vote_replay import free_port, recreate_database, wait_for

ROOT = Path(__file__).resolve().parents[2]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/minyi_bench")
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400, help="page views in all")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument(
        "--signed-in", action="store_true", help="each reader a different signed-in citizen"
    )
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="render every page in full (MINYI_PAGE_CACHE=0)",
    )
    return parser.parse_args()


def redis_answers(url: str) -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        return False
    return True


def prepare(env: dict[str, str], comments: int, readers: int) -> tuple[str, dict, list[str]]:
    os.environ.update(env)
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    from minyi.accounts.models import User
    from minyi.agencies.services import agency_create
    from minyi.home.models import HomePage
    from participation.models import (
        Comment,
        ConsultationPage,
        ConsultationSection,
        Statement,
    )
    from sentiment.services import texts_analyse

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)  # as at deploy time
    agency = agency_create(code="MOTC", name_zh="交通部", section_parent=HomePage.objects.get())
    page = ConsultationPage(
        title="自用車載客服務管理辦法草案",
        slug="uberx",
        agency=agency,
        summary="consultation page benchmark",
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=30),
    )
    for n in range(1, 11):
        page.sections.add(ConsultationSection(number=f"第{n}條", text=f"條文內容 {n}"))
    agency.root_page.add_child(instance=page)
    sections = list(page.sections.all())
    users = User.objects.bulk_create(
        [User(email=f"reader{n}@bench.invalid", display_name=f"讀者{n:04d}") for n in range(200)]
    )
    Statement.objects.bulk_create(
        [Statement(consultation=page, text=f"意見陳述第 {n} 則") for n in range(50)]
    )

    def add_comments(count: int, offset: int) -> None:
        tops = Comment.objects.bulk_create(
            [
                Comment(
                    consultation=page,
                    section=sections[n % len(sections)] if n % 3 else None,
                    author=users[n % len(users)],
                    stance=("support", "oppose", "suggest")[n % 3],
                    body=f"第 {offset + n} 則留言：計程車業者與平台應該公平競爭，乘客安全最重要。",
                )
                for n in range(count - count // 3)
            ]
        )
        Comment.objects.bulk_create(
            [
                Comment(
                    consultation=page,
                    section=parent.section,
                    parent=parent,
                    author=users[(n + 7) % len(users)],
                    body=f"回覆 {offset + n}：同意，也要保障司機。",
                )
                for n, parent in enumerate(tops[: count // 3])
            ]
        )
        pks = list(Comment.objects.filter(analyses__isnull=True).values_list("pk", flat=True))
        texts_analyse(model_label="participation.comment", pks=pks, batch_size=256)

    clients = []
    for user in users[:readers]:
        clients.append(Client())
        clients[-1].force_login(user)

    def queries(client: Client) -> int:
        client.get(page.url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page.url).status_code == 200
        return len(captured)

    def counts() -> dict[str, int]:
        with override_settings(MINYI_PAGE_CACHE=False):
            full = queries(clients[0])
        return {"rendered in full": full, "citizens' copy": queries(clients[0])}

    add_comments(10, 0)
    small = counts()
    add_comments(comments - 10, 10)
    large = counts()
    from django.core.cache import cache

    cache.clear()
    sessions = [client.cookies["sessionid"].value for client in clients]
    return page.url, {k: (small[k], large[k]) for k in small}, sessions


def main() -> None:
    args = parse_args()
    recreate_database(args.database_url)
    env = {
        "DJANGO_SETTINGS_MODULE": "minyi.settings",
        "MINYI_IGNORE_DOTENV": "1",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url if redis_answers(args.redis_url) else "",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "LOG_LEVEL": "WARNING",
    }
    started = time.monotonic()
    if args.no_page_cache:
        env["MINYI_PAGE_CACHE"] = "0"
    url, query_counts, sessions = prepare(env, args.comments, args.readers)
    print(f"set-up with {args.comments} analysed comments: {time.monotonic() - started:.1f} s")
    for how, (small, large) in query_counts.items():
        print(
            f"queries per signed-in page view, {how}: {small} with 10 comments, "
            f"{large} with {args.comments}"
        )
    print(
        f"readers: {'signed-in citizens' if args.signed_in else 'anonymous'}; "
        f"cache: {'Redis' if env['REDIS_URL'] else 'per-process memory'}"
        f"{'; page cache off' if args.no_page_cache else ''}"
    )

    def headers_of(n: int) -> dict[str, str]:
        return {"Cookie": f"sessionid={sessions[n % len(sessions)]}"} if args.signed_in else {}

    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "minyi.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        wait_for(port, time.monotonic() + 60)
        latencies: list[float] = []
        failures: list[str] = []
        cache_states: Counter = Counter()
        lock = threading.Lock()
        per_reader = max(1, args.requests // args.readers)

        def reader(n: int) -> None:
            headers = headers_of(n)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for _ in range(per_reader):
                begun = time.perf_counter()
                connection.request("GET", url, headers=headers)
                response = connection.getresponse()
                body = response.read()
                elapsed = time.perf_counter() - begun
                with lock:
                    if response.status != 200 or b"comment-body" not in body:
                        failures.append(str(response.status))
                    latencies.append(elapsed)
                    cache_states[response.getheader("X-Minyi-Page-Cache") or "none"] += 1

        # Warm up: every worker process has served the page, and the page cache holds it
        # (the misses of a cold cache are a one-off, reported apart from the figures below).
        for n in range(4):
            warm = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            warm.request("GET", url, headers=headers_of(n))
            warm.getresponse().read()
            warm.close()
        began = time.monotonic()
        threads = [threading.Thread(target=reader, args=(n,)) for n in range(args.readers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - began
        latencies.sort()

        def pct(share: float) -> float:
            return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000

        print(
            f"{len(latencies)} page views by {args.readers} readers in {wall:.1f} s "
            f"= {len(latencies) / wall:.1f} pages/s; failed {len(failures)}; "
            f"page cache {dict(cache_states)}"
        )
        print(
            f"latency p50 {pct(0.5):.0f} ms, p95 {pct(0.95):.0f} ms, p99 {pct(0.99):.0f} ms, "
            f"mean {statistics.fmean(latencies) * 1000:.0f} ms"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
