"""Benchmark of the performance dashboard (a script, not a test).

    python tests/benchmarks/performance_dashboard.py [--programs 1500] [--requests 200]

Builds a throw-away SQLite database (or uses DATABASE_URL when set) with N programs × 5 KPIs ×
5 years (targets and year-end actuals), 5 budget years, 20 quarterly progress reports and
3 milestones each, spread over 10 agencies and the 22 counties, and reports:

(a) importing that data as one XLSX workbook: file size, time, and peak Python memory
    (tracemalloc, measured on a second, separate import into an emptied database);
    re-importing the same file (which must change nothing);
(b) the dashboard page (GET, in-process Django test client): p50/p95/max over several filter
    combinations, and its query count; the same for a program page.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def setup_django(workdir: Path) -> None:
    os.environ.setdefault("MINYI_IGNORE_DOTENV", "1")
    os.environ.setdefault("MINYI_VAR_DIR", str(workdir))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minyi.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("TASK_BACKEND", "immediate")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import override_settings

    # Static files are not collected here: plain static URLs, as in the tests.
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        ALLOWED_HOSTS=["*"],
    ).enable()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    out(f"Migrated a new database in {time.perf_counter() - started:.0f} s")


def make_rows(n_programs: int, agencies: list[str]) -> dict[str, list[list]]:
    from performance.counties import COUNTIES

    rng = random.Random(1500)
    county_names = [name for name, _en in COUNTIES.values()]
    data: dict[str, list[list]] = {
        key: []
        for key in ("programs", "kpis", "targets", "actuals", "budgets", "progress", "milestones")
    }
    years = range(110, 115)  # 民國 110–114
    for n in range(n_programs):
        code = f"B{n:05d}"
        nationwide = rng.random() < 0.3
        places = "全國" if nationwide else "、".join(rng.sample(county_names, rng.randint(1, 4)))
        data["programs"].append(
            [
                code,
                f"基準測試計畫 {n}",
                agencies[n % len(agencies)],
                rng.choice(["院管制", "部會管制", "自行管制"]),
                f"類別{n % 12}",
                f"Category {n % 12}",  # 類別(英文)
                110,
                114,
                "目標",
                "說明",
                places,
                "是",
            ]
        )
        for k in range(5):
            name = f"指標{k}"
            data["kpis"].append([code, name, "%", "", "", "越高越好", None, None])
            for year in years:
                target = 50 + k * 5 + (year - 110) * 2
                data["targets"].append([code, name, year, target])
                actual = round(target * rng.uniform(0.7, 1.15), 2)
                data["actuals"].append([code, name, year, "全年", actual, None, "", ""])
        behind = rng.choice([0, 0, 0, 3, 7, 12])
        for index, year in enumerate(years):
            budget = rng.randint(1_000, 500_000)
            data["budgets"].append(
                [code, year, budget, round(budget * rng.uniform(0.6, 1.0)), None]
            )
            for quarter, month_day in enumerate(("03-31", "06-30", "09-30", "12-31")):
                x = (index * 4 + quarter + 1) / 20
                planned = round(100 * (3 * x * x - 2 * x**3), 1)
                actual = max(0.0, round(planned - behind * x, 1))
                data["progress"].append([code, f"{year + 1911}-{month_day}", planned, actual, ""])
        for m, (name, day) in enumerate(
            (("規劃完成", "2021-06-30"), ("系統上線", "2023-06-30"), ("成效評估", "2025-12-15"))
        ):
            data["milestones"].append([code, name, day, day if m < 2 else None, [20, 50, 30][m]])
    return data


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1]


def bench(n_programs: int, n_requests: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from minyi.agencies.models import Agency
    from minyi.agencies.services import agency_create
    from minyi.home.models import HomePage
    from performance.importing import template_xlsx
    from performance.models import PerformanceDashboardPage, Program
    from performance.services import programs_import

    home = HomePage.objects.get()
    codes = [f"AG{n:02d}" for n in range(10)]
    for code in codes:
        if not Agency.objects.filter(code=code).exists():
            agency_create(code=code, name_zh=f"基準機關{code}", section_parent=home)
    user, _ = get_user_model().objects.get_or_create(
        email="bench@minyi.localhost", defaults={"display_name": "bench", "is_superuser": True}
    )
    if not PerformanceDashboardPage.objects.exists():
        home.add_child(instance=PerformanceDashboardPage(title="施政績效儀表板", slug="dashboard"))

    rows = make_rows(n_programs, codes)
    started = time.perf_counter()
    workbook = template_xlsx(rows)
    out(f"Data: {n_programs} programs, {sum(len(r) for r in rows.values()):,} rows in 7 sheets")
    out(f"  writing the XLSX: {time.perf_counter() - started:.1f} s, {len(workbook) / 1e6:.1f} MB")

    Program.objects.all().delete()
    started = time.perf_counter()
    summary = programs_import(files=[("bench.xlsx", workbook)], user=user)
    elapsed = time.perf_counter() - started
    created = sum(c["created"] for c in summary.counts.values())
    out(f"(a) XLSX import of {n_programs} programs: {elapsed:.1f} s ({created:,} rows created)")

    started = time.perf_counter()
    again = programs_import(files=[("bench.xlsx", workbook)], user=user)
    out(
        f"    re-import of the same file: {time.perf_counter() - started:.1f} s, "
        f"changed={again.changed}"
    )

    Program.objects.all().delete()
    tracemalloc.start()
    started = time.perf_counter()
    programs_import(files=[("bench.xlsx", workbook)], user=user)
    traced = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out(
        f"    peak Python memory during import (tracemalloc): {peak / 1e6:.0f} MB "
        f"(that run took {traced:.1f} s under tracemalloc)"
    )

    client = Client(HTTP_HOST="localhost")
    urls = [
        "/dashboard/",
        "/dashboard/?year=2024",
        "/dashboard/?county=63000",
        "/dashboard/?light=red",
        "/dashboard/?agency=AG03&year=2023",
        "/dashboard/?category=類別5&county=10015",
        "/dashboard/?page=20",
    ]
    for url in urls:  # warm caches (Wagtail site root, templates)
        assert client.get(url).status_code == 200
    timings = []
    for i in range(n_requests):
        url = urls[i % len(urls)]
        t0 = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/dashboard/?county=63000")
    out(
        f"(b) dashboard, {n_requests} GETs over {len(urls)} filter sets: "
        f"p50 {statistics.median(timings):.0f} ms, p95 {percentile(timings, 95):.0f} ms, "
        f"max {max(timings):.0f} ms; {len(queries)} queries per page"
    )
    program_urls = [f"/dashboard/programs/B{n:05d}/" for n in range(0, n_programs, 37)]
    client.get(program_urls[0])
    timings = []
    for i in range(n_requests):
        t0 = time.perf_counter()
        assert client.get(program_urls[i % len(program_urls)]).status_code == 200
        timings.append((time.perf_counter() - t0) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(program_urls[1])
    out(
        f"    program page: p50 {statistics.median(timings):.0f} ms, "
        f"p95 {percentile(timings, 95):.0f} ms; {len(queries)} queries per page"
    )
    t0 = time.perf_counter()
    response = client.get("/dashboard/data/kpi_values/csv/")
    lines = response.content.count(b"\n") - 1
    out(
        f"    CSV download of every KPI value ({lines:,} rows): "
        f"{(time.perf_counter() - t0) * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=1500)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="minyi-bench-") as workdir:
        setup_django(Path(workdir))
        from django.db import connection

        out(f"Database: {connection.vendor}; Python {sys.version.split()[0]}")
        bench(args.programs, args.requests)


if __name__ == "__main__":
    main()
