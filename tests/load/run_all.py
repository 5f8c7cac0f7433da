# ruff: noqa: T201 - a script that starts the site and prints its figures
"""Run every load script of issue 9 in turn (opt-in; not collected by pytest).

    .venv/bin/python tests/load/run_all.py [--quick]

Needs PostgreSQL (127.0.0.1:5432, user postgres, trust) for the vote replay, the consultation
page benchmark and the comment flood, and Redis (127.0.0.1:6379) for all of them. Each script
is bounded; the whole run stops by itself. ``--quick`` uses small counts (a smoke run of the
harness).
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    q = args.quick
    runs = [
        (
            "vote replay, 100 clients",
            ["tests/benchmarks/vote_replay.py", "--clients", "100", "--workers", "2"]
            + (["--limit", "2000"] if q else []),
            1200,
        ),
        (
            "consultation page, 100 readers",
            ["tests/benchmarks/consultation_page.py", "--readers", "100"]
            + (["--requests", "400"] if q else ["--requests", "4000"]),
            900,
        ),
        (
            "bare Wagtail page vs consultation page, 100 readers",
            ["tests/load/bare_page.py", "--readers", "100", "--requests", "400" if q else "4000"],
            900,
        ),
        (
            "live fan-out",
            ["tests/load/ws_fanout.py", "--clients", "50" if q else "200", "--votes", "20"],
            600,
        ),
        (
            "comment flood and worker backlog",
            [
                "tests/load/comment_flood.py",
                *(["--clients", "10", "--seconds", "15"] if q else ["--clients", "50"]),
            ],
            900,
        ),
    ]
    failed = []
    for title, command, limit in runs:
        print(f"\n== {title}: {' '.join(command)}", flush=True)
        started = time.monotonic()
        try:
            done = subprocess.run([PY, *command], cwd=ROOT, timeout=limit, check=False)
            code = done.returncode
        except subprocess.TimeoutExpired:
            code = "timeout"
        print(f"== {title}: exit {code} after {time.monotonic() - started:.0f} s", flush=True)
        if code != 0:
            failed.append(title)
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
