# ruff: noqa: T201 - a script that starts the site and prints its figures
"""Comment flood: N signed-in citizens post comments on one consultation; the worker backlog.

    .venv/bin/python tests/load/comment_flood.py [--clients 50] [--seconds 60]
        [--processes 2] [--task-workers 2] [--drain-timeout 300]

Creates a throw-away PostgreSQL database (``minyi_flood_<pid>``, dropped at the end) with one
open consultation and one citizen (user + signed-in session) per client, starts uvicorn with
``--processes`` worker processes (Redis 127.0.0.1:6379 database 11 for cache and channel layer,
flushed) and ``--task-workers`` task workers (``manage.py run_worker``, the database backend).
Each client posts, back to back for ``--seconds``, a unique Traditional Chinese comment
(client number and sequence in the text) as a form POST to
/participate/consultations/<id>/comments/ with the CSRF cookie and ``csrfmiddlewaretoken``
field, asking for JSON; per POST it records the status, ``ok`` and the latency. The per-user
comment limits are lifted through COMMENT_RATE_LIMIT_PER_MINUTE / _PER_HOUR.

Every second it samples the backlog: comments of the consultation without a sentiment
``TextAnalysis`` and ``text_analysis`` jobs queued or running (printed every 5 s). After the
posting window it waits (at most ``--drain-timeout`` s) for the backlog to reach 0, then checks
that every accepted comment is stored exactly once (by its unique body), no refused one is
stored, and every stored comment has exactly one analysis. Prints comments/s, latency
p50/p95/p99, refusals by status and reason, backlog peak and drain time. Exits 1 on any loss,
duplicate or missing analysis, or when the backlog does not drain. Loopback only; bounded.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import (
    manage,
    percentile,
    postgres_database,
    require,
    servers,
    site_env,
    task_workers,
)

REDIS_DB = 11
TASK_PATH = "sentiment.tasks.text_analysis"

# Realistic comments on a transport regulation; every combination passes automatic screening
# unchanged (no personal data, no abuse, no repetition).
OPENINGS = (
    "我支持這項草案的方向，",
    "整體來說我贊成修法，",
    "身為每天通勤的市民，",
    "我住在中南部的鄉鎮，",
    "我是小型車行的經營者，",
    "作為家長，我想提醒主管機關，",
    "我對草案有些疑慮，",
    "感謝機關開放討論，",
)
POINTS = (
    "建議第三條的定義再寫清楚一些，避免執行時各縣市解讀不同。",
    "希望保險與理賠的責任歸屬能明確規範，讓乘客與駕駛都有保障。",
    "過渡期可以再延長半年，讓業者有時間調整營運與訓練司機。",
    "請考慮偏鄉的交通需求，不要只以都會區的情況來設計制度。",
    "資訊公開的部分應該定期公布統計數據，方便民眾監督。",
    "罰則的額度似乎偏高，建議先以輔導代替處罰。",
    "平台業者應負起更多管理責任，而不是全部轉嫁給個人駕駛。",
    "希望主管機關能說明評估的依據，以及參考了哪些國外的做法。",
)
CLOSINGS = ("謝謝。", "期待後續的回應。", "以上是我的淺見。", "希望能納入考量。")
STANCES = ("support", "oppose", "suggest")


def comment_body(client: int, seq: int) -> str:
    k = client * 7 + seq
    return (
        f"{OPENINGS[k % len(OPENINGS)]}{POINTS[(k // 3) % len(POINTS)]}"
        f"{CLOSINGS[(k // 5) % len(CLOSINGS)]}（參與者{client}的第{seq}則意見）"
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60, help="posting window")
    parser.add_argument("--processes", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--task-workers", type=int, default=2, help="manage.py run_worker")
    parser.add_argument("--drain-timeout", type=float, default=300)
    parser.add_argument("--pause", type=float, default=0, help="s between one client's posts")
    return parser.parse_args()


def prepare(env: dict, clients: int) -> tuple[int, list[str]]:
    """In this process: one open consultation and one signed-in citizen per client."""
    os.environ.update(env)
    import django

    django.setup()
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.cache import cache
    from django.utils import timezone

    from minyi.accounts.models import User
    from minyi.agencies.services import agency_create
    from minyi.home.models import HomePage
    from participation.models import ConsultationPage

    cache.clear()  # Redis database 11: no rate-limit windows or cached pages of earlier runs
    agency = agency_create(code="MOTC", name_zh="交通部", section_parent=HomePage.objects.get())
    page = ConsultationPage(
        title="多元化計程車管理辦法修正草案",
        slug="comment-flood",
        agency=agency,
        summary="留言壓力測試",
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=1),
    )
    agency.root_page.add_child(instance=page)
    users = User.objects.bulk_create(
        [User(email=f"citizen{n}@flood.invalid", display_name=f"市民{n}") for n in range(clients)]
    )
    # Commenting and voting need a confirmed e-mail address (identity level L1).
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in users]
    )
    sessions = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    return page.pk, sessions


def backlog(consultation_id: int) -> tuple[int, int]:
    """(comments without a TextAnalysis, text_analysis jobs queued or running)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Exists, OuterRef
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from participation.models import Comment
    from sentiment.models import TextAnalysis

    content_type = ContentType.objects.get_for_model(Comment)
    unanalysed = (
        Comment.objects.filter(consultation_id=consultation_id)
        .exclude(
            Exists(TextAnalysis.objects.filter(content_type=content_type, object_id=OuterRef("pk")))
        )
        .count()
    )
    pending = DBTaskResult.objects.filter(
        task_path=TASK_PATH, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    ).count()
    return unanalysed, pending


class Sampler(threading.Thread):
    """Samples the backlog every second; prints a line every 5 s."""

    def __init__(self, consultation_id: int, posted: Counter) -> None:
        super().__init__(daemon=True)
        self.consultation_id = consultation_id
        self.posted = posted
        self.samples: list[tuple[float, int, int]] = []
        self.stop = threading.Event()
        self.started_at = time.monotonic()

    def run(self) -> None:
        from django.db import connection

        try:
            while not self.stop.is_set():
                tick = time.monotonic()
                unanalysed, pending = backlog(self.consultation_id)
                elapsed = tick - self.started_at
                self.samples.append((elapsed, unanalysed, pending))
                if len(self.samples) % 5 == 1:
                    print(
                        f"  t={elapsed:5.0f} s  accepted {self.posted['accepted']:6d}, "
                        f"refused {self.posted['refused']:4d}; backlog: {unanalysed:5d} comments "
                        f"without analysis, {pending:5d} jobs queued or running",
                        flush=True,
                    )
                self.stop.wait(max(0.0, 1 - (time.monotonic() - tick)))
        finally:
            connection.close()

    def latest(self) -> tuple[int, int]:
        return self.samples[-1][1:] if self.samples else (-1, -1)


def wait_ready(port: int, timeout: float = 120) -> None:
    """Until the application answers (uvicorn's parent listens before its workers load it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
    sys.exit(f"the site did not answer within {timeout:.0f} s (see the uvicorn log)")


def flood(port: int, consultation_id: int, sessions: list[str], args, posted: Counter) -> dict:
    path = f"/participate/consultations/{consultation_id}/comments/"
    records: list[tuple[str, str, float]] = []  # (body, outcome, latency); outcome below
    lock = threading.Lock()
    end = time.monotonic() + args.seconds

    def client(n: int) -> None:
        csrf = secrets.token_hex(16)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "Cookie": f"sessionid={sessions[n]}; csrftoken={csrf}",
        }
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local, seq = [], 0
        while time.monotonic() < end:
            seq += 1
            body = comment_body(n, seq)
            form = urlencode(
                {"csrfmiddlewaretoken": csrf, "body": body, "stance": STANCES[seq % 3]}
            )
            sent = time.perf_counter()
            try:
                connection.request("POST", path, form.encode(), headers)
                response = connection.getresponse()
                payload = response.read()
            except OSError as exc:  # no answer: stored or not is unknown
                local.append((body, f"no answer ({type(exc).__name__})", None))
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            latency = time.perf_counter() - sent
            try:
                data = json.loads(payload)
            except ValueError:
                data = {}
            if response.status == 200 and data.get("ok") is True:
                outcome = f"accepted:{data.get('state')}"
            else:
                reason = (
                    data.get("error")
                    or data.get("message")
                    or payload[:80].decode("utf-8", "replace")
                )
                outcome = f"refused:{response.status} {reason}"
            local.append((body, outcome, latency))
            with lock:
                posted["accepted" if outcome.startswith("accepted") else "refused"] += 1
            if args.pause:
                time.sleep(args.pause)
        connection.close()
        with lock:
            records.extend(local)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"records": records, "elapsed": time.monotonic() - started}


def verify(consultation_id: int, records: list) -> dict:
    from django.contrib.contenttypes.models import ContentType
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from participation.models import Comment
    from sentiment.models import TextAnalysis

    rows = list(Comment.objects.filter(consultation_id=consultation_id).values_list("pk", "body"))
    by_body = Counter(body for _pk, body in rows)
    accepted = {body for body, outcome, _l in records if outcome.startswith("accepted")}
    refused = {body for body, outcome, _l in records if outcome.startswith("refused")}
    unanswered = {body for body, outcome, _l in records if outcome.startswith("no answer")}
    content_type = ContentType.objects.get_for_model(Comment)
    analyses = Counter(
        TextAnalysis.objects.filter(
            content_type=content_type, object_id__in=[pk for pk, _b in rows]
        ).values_list("object_id", flat=True)
    )
    return {
        "accepted": len(accepted),
        "once": sum(1 for body in accepted if by_body[body] == 1),
        "lost": sum(1 for body in accepted if by_body[body] == 0),
        "duplicated": sum(1 for count in by_body.values() if count > 1),
        "refused_stored": sum(1 for body in refused if by_body[body]),
        "unanswered": len(unanswered),
        "unanswered_stored": sum(1 for body in unanswered if by_body[body]),
        "unexpected": sum(1 for body in by_body if body not in accepted | refused | unanswered),
        "stored": len(rows),
        "analysed": sum(1 for pk, _b in rows if analyses[pk] == 1),
        "jobs_failed": DBTaskResult.objects.filter(
            task_path=TASK_PATH, status=TaskResultStatus.FAILED
        ).count(),
    }


def main() -> None:
    args = parse_args()
    require("127.0.0.1", 6379, "Redis")
    var_dir = Path(tempfile.mkdtemp(prefix="minyi-comment-flood-"))
    try:
        with postgres_database(f"minyi_flood_{os.getpid()}") as database_url:
            code = run(args, var_dir, database_url)
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)
    raise SystemExit(code)


def run(args, var_dir: Path, database_url: str) -> int:
    env = site_env(var_dir, database_url=database_url, redis_db=REDIS_DB, task_backend="database")
    env.update(
        DJANGO_SETTINGS_MODULE="minyi.settings",
        # Each citizen posts far more than a person would: lift the per-user comment limits.
        COMMENT_RATE_LIMIT_PER_MINUTE="1000000",
        COMMENT_RATE_LIMIT_PER_HOUR="1000000",
    )
    print(f"migrating a throw-away PostgreSQL database ({database_url}) …", flush=True)
    manage(env, "migrate", "--noinput")
    consultation_id, sessions = prepare(env, args.clients)
    from django.db import connections

    connections.close_all()
    posted: Counter = Counter()
    print(
        f"{args.clients} citizens post comments for {args.seconds:.0f} s on consultation "
        f"{consultation_id}: {args.processes} uvicorn processes, {args.task_workers} task workers",
        flush=True,
    )
    try:
        with (
            servers(env, 1, workers=args.processes) as (port,),
            task_workers(env, args.task_workers),
        ):
            wait_ready(port)
            sampler = Sampler(consultation_id, posted)
            sampler.start()
            result = flood(port, consultation_id, sessions, args, posted)
            posting_done = time.monotonic()
            print(f"posting window over after {result['elapsed']:.1f} s; draining …", flush=True)
            drained_at = None
            while time.monotonic() - posting_done < args.drain_timeout:
                time.sleep(0.5)
                if sampler.latest() == (0, 0) and sampler.samples[-1][0] > (
                    posting_done - sampler.started_at
                ):
                    drained_at = time.monotonic()
                    break
            sampler.stop.set()
            sampler.join(timeout=10)
        checks = verify(consultation_id, result["records"])
    finally:
        connections.close_all()

    records = result["records"]
    latencies = [latency * 1000 for _b, _o, latency in records if latency is not None]
    outcomes = Counter(outcome for _b, outcome, _l in records)
    accepted = sum(n for outcome, n in outcomes.items() if outcome.startswith("accepted"))
    states = ", ".join(f"{o[9:]} {n}" for o, n in outcomes.items() if o[:9] == "accepted:")
    peak = max(sampler.samples, key=lambda s: s[1] + s[2]) if sampler.samples else (0, 0, 0)
    print(
        f"comment_flood: {args.clients} clients, {args.seconds:.0f} s, {args.processes} uvicorn "
        f"processes, {args.task_workers} task workers, PostgreSQL + Redis\n"
        f"  POSTs: {len(records)}; accepted {accepted} = {accepted / result['elapsed']:.1f} "
        f"comments/s (comment states: {states})\n"
        f"  latency p50 {percentile(latencies, 0.5):.0f} ms, p95 {percentile(latencies, 0.95):.0f} "
        f"ms, p99 {percentile(latencies, 0.99):.0f} ms, max {max(latencies, default=0):.0f} ms"
    )
    refused = {o: n for o, n in outcomes.items() if not o.startswith("accepted")}
    print(f"  refused or unanswered: {sum(refused.values())}")
    for outcome, count in sorted(refused.items(), key=lambda item: -item[1]):
        print(f"    {count:6d}  {outcome}")
    print(
        f"  backlog peak: {peak[1]} comments without analysis, {peak[2]} jobs "
        f"(at t={peak[0]:.0f} s); "
        + (
            f"drained {drained_at - posting_done:.1f} s after the posting window"
            if drained_at
            else f"NOT drained within {args.drain_timeout:.0f} s (now {sampler.latest()})"
        )
    )
    print(
        f"  stored exactly once: {checks['once']}/{checks['accepted']}, "
        f"analysed: {checks['analysed']}/{checks['stored']}\n"
        f"  lost {checks['lost']}, duplicated {checks['duplicated']}, refused but stored "
        f"{checks['refused_stored']}, unexpected rows {checks['unexpected']}, unanswered "
        f"{checks['unanswered']} (stored {checks['unanswered_stored']}), failed analysis jobs "
        f"{checks['jobs_failed']}"
    )
    bad = (
        checks["lost"]
        or checks["duplicated"]
        or checks["refused_stored"]
        or checks["unexpected"]
        or checks["once"] != checks["accepted"]
        or checks["analysed"] != checks["stored"]
        or not accepted
        or drained_at is None
    )
    return 1 if bad else 0


if __name__ == "__main__":
    main()
