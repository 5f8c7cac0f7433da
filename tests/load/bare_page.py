# ruff: noqa: T201 - a script that starts the site and prints its figures
"""Readers: the consultation page and the performance dashboard against a bare Wagtail page.

    .venv/bin/python tests/load/bare_page.py [--readers 100] [--requests 2000] [--workers 2]

Seeds a throw-away site (SQLite file + Redis, the demo data), starts uvicorn with ``--workers``
processes, and has ``--readers`` concurrent clients GET, in turn, the demo consultation page, the
performance dashboard and the house-rules page (a plain Wagtail content page: the cost of the CMS
shell itself). Prints requests/s and p50/p95/p99 for each, and the ratios to the bare page, the
figures issue 9 tracks. Readers are anonymous, like most of a consultation's readers.
Loopback only; bounded by --requests.
"""

from __future__ import annotations

import argparse
import http.client
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import manage, percentile, require, servers, site_env

PATHS_SCRIPT = (
    "from participation.models import ConsultationPage\n"
    "from moderation.models import HouseRulesPage\n"
    "from performance.models import PerformanceDashboardPage\n"
    "print(ConsultationPage.objects.get(slug='uberx').url,"
    " PerformanceDashboardPage.objects.first().url, HouseRulesPage.objects.first().url)\n"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=100)
    parser.add_argument("--requests", type=int, default=2000, help="page views per page")
    parser.add_argument("--workers", type=int, default=2)
    return parser.parse_args()


def hammer(port: int, path: str, readers: int, total: int) -> dict:
    latencies: list[float] = []
    errors = [0]
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    remaining = [total]

    def reader() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if remaining[0] <= 0:
                    return
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
                with lock:
                    statuses[response.status] = statuses.get(response.status, 0) + 1
            except OSError:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                ok = False
            with lock:
                latencies.append(time.perf_counter() - started)
                errors[0] += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=reader) for _ in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ms = [value * 1000 for value in latencies]
    return {
        "rps": len(latencies) / elapsed,
        "p50": percentile(ms, 0.5),
        "p95": percentile(ms, 0.95),
        "p99": percentile(ms, 0.99),
        "errors": errors[0],
        "statuses": statuses,
    }


def main() -> None:
    args = parse_args()
    require("127.0.0.1", 6379, "Redis")
    var_dir = Path(tempfile.mkdtemp(prefix="minyi-bare-page-"))
    env = site_env(var_dir, redis_db=11)
    print(f"seeding a throw-away site in {var_dir} …", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    manage(env, "collectstatic", "--noinput")  # production storage needs the manifest
    paths = manage(env, "shell", "-c", PATHS_SCRIPT).strip().splitlines()[-1].split()
    consultation, dashboard, bare = paths
    with servers(env, 1, workers=args.workers) as (port,):
        for path in (consultation, dashboard, bare):
            hammer(port, path, 4, 40)  # warm the caches of every worker
        results = {
            "consultation": hammer(port, consultation, args.readers, args.requests),
            "dashboard": hammer(port, dashboard, args.readers, args.requests),
            "bare": hammer(port, bare, args.readers, args.requests),
        }
    for name, r in results.items():
        print(
            f"{name:>12}: {r['rps']:.0f} req/s, p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, "
            f"p99 {r['p99']:.0f} ms, errors {r['errors']} (status codes {r['statuses']})"
        )
    for name in ("consultation", "dashboard"):
        ratio = results["bare"]["rps"] / results[name]["rps"]
        print(f"ratio bare/{name} (req/s): {ratio:.2f}")


if __name__ == "__main__":
    main()
