"""Replay the 49,997 vTaiwan vote events through the HTTP API or the vote WebSocket,
concurrently, on PostgreSQL.

    .venv/bin/python tests/benchmarks/vote_replay.py [--clients 50] [--workers 2] [--limit N]
        [--transport http|websocket]

Sets up a fresh PostgreSQL database (default postgres://postgres@127.0.0.1:5432/minyi_bench,
dropped and recreated), imports the statements of the vTaiwan UberX export without votes,
creates one signed-in session per voter, starts uvicorn the way production does (several
worker processes, Redis channel layer), then sends every vote event as
POST /api/v1/statements/{id}/vote (``--transport http``, the default: one keep-alive connection
per voter) or as a message on ws/participate/votes/ (``--transport websocket``: one connection per
voter); each vote is answered before the voter's next is sent; the server stores votes in
batches. N concurrent clients send them. Each
voter's events stay in timestamp order on one client (so "the last vote wins" is well defined);
different voters run concurrently. Voters are dealt to clients so that each has about the same
number of events (``balanced_clients``). At the end every statement's tally must equal a sequential
replay: 0 lost, 0 doubled. Prints votes/s and latency percentiles. Loopback only; stops by itself.

Data: vTaiwan UberX, gathered using the Polis software (compdemocracy.org/polis), sub-licensed
under CC BY 4.0 with Attribution to The Computational Democracy Project.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import gzip
import heapq
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "participation" / "fixtures" / "polis" / "vtaiwan-uberx"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/minyi_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="replay only the first N events")
    parser.add_argument("--timeout", type=int, default=900, help="give up after this many s")
    parser.add_argument("--transport", choices=["http", "websocket"], default="http")
    return parser.parse_args()


def load_events(limit: int) -> list[tuple[int, str, str, int]]:
    with gzip.open(FIXTURE / "votes.csv.gz", "rt", encoding="utf-8") as handle:
        rows = [
            (int(r["timestamp"]), r["comment-id"], r["voter-id"], int(r["vote"]))
            for r in csv.DictReader(handle)
        ]
    rows.sort()
    return rows[:limit] if limit else rows


def recreate_database(url: str) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    base = [
        "psql",
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        parts.username or "postgres",
        "-d",
        "postgres",
        "-v",
        "ON_ERROR_STOP=1",
        "-q",
    ]
    subprocess.run([*base, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=True)
    subprocess.run([*base, "-c", f'CREATE DATABASE "{name}"'], check=True)


def prepare(env: dict[str, str], voter_ids: set[str]) -> tuple[dict[str, int], dict[str, str]]:
    """Migrate, create the consultation and statements, and one session per voter."""
    os.environ.update(env)
    import django

    django.setup()
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from minyi.accounts.models import User
    from minyi.agencies.services import agency_create
    from minyi.home.models import HomePage
    from participation.models import ConsultationPage, Statement

    call_command("migrate", verbosity=0, interactive=False)
    agency = agency_create(code="MOTC", name_zh="交通部", section_parent=HomePage.objects.get())
    page = ConsultationPage(
        title="UberX",
        slug="uberx",
        agency=agency,
        summary="vote replay benchmark",
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=1),
    )
    agency.root_page.add_child(instance=page)
    with (FIXTURE / "comments.csv").open(encoding="utf-8") as handle:
        statements = {
            row["comment-id"]: Statement.objects.create(
                consultation=page, text=row["comment-body"], external_id=row["comment-id"]
            ).pk
            for row in csv.DictReader(handle)
        }
    users = User.objects.bulk_create(
        [User(email=f"voter{v}@bench.invalid", display_name=f"voter{v}") for v in voter_ids]
    )
    # Commenting and voting need a confirmed e-mail address (identity level L1).
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in users]
    )
    sessions = {}
    for voter_id, user in zip(voter_ids, users, strict=True):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions[voter_id] = session.session_key
    return statements, sessions


def balanced_clients(events: list[tuple[int, str, str, int]], clients: int) -> dict[str, int]:
    """Voter → client, so that every client has about as many events (largest voters first to
    the least-loaded client): the replay then ends when the work does, not when the one client
    dealt the most voters does. A voter stays on one client, so their events stay in order."""
    per_voter = Counter(voter for _t, _c, voter, _v in events)
    loads = [(0, n) for n in range(clients)]
    heapq.heapify(loads)
    assignment = {}
    for voter, count in sorted(per_voter.items(), key=lambda item: (-item[1], int(item[0]))):
        load, client = heapq.heappop(loads)
        assignment[voter] = client
        heapq.heappush(loads, (load + count, client))
    return assignment


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def main() -> None:
    args = parse_args()
    events = load_events(args.limit)
    voter_ids = sorted({voter for _t, _c, voter, _v in events}, key=int)
    print(f"{len(events)} vote events by {len(voter_ids)} voters; {args.clients} clients")

    recreate_database(args.database_url)
    env = {
        "DJANGO_SETTINGS_MODULE": "minyi.settings",
        "MINYI_IGNORE_DOTENV": "1",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,  # "" for the in-memory layer (one worker only)
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        # A voter casts up to 132 votes, replayed in seconds: lift the per-user vote limit.
        "VOTE_RATE_LIMIT_PER_MINUTE": "1000000",
        "VOTE_RATE_LIMIT_PER_HOUR": "1000000",
    }
    started = time.monotonic()
    statements, sessions = prepare(env, set(voter_ids))
    print(f"set-up: {time.monotonic() - started:.1f} s")

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
    deadline = time.monotonic() + args.timeout
    try:
        wait_for(port, time.monotonic() + 60)
        client_of = balanced_clients(events, args.clients)
        by_client: dict[int, list] = defaultdict(list)
        for event in events:  # already in timestamp order
            by_client[client_of[event[2]]].append(event)
        latencies: list[float] = []
        failures: list[str] = []
        lock = threading.Lock()

        def client(mine: list) -> None:
            # One keep-alive connection per voter, as each phone has its own (and as the
            # WebSocket transport does): 50 long-lived connections would stay with whichever
            # worker process accepted them first, so the replay would measure that draw.
            connections: dict[str, http.client.HTTPConnection] = {}
            last_event = {event[2]: n for n, event in enumerate(mine)}
            csrf = secrets.token_hex(16)
            local, errors = [], []
            for n, (_t, comment_id, voter_id, value) in enumerate(mine):
                if time.monotonic() > deadline:
                    errors.append("timeout")
                    break
                headers = {
                    "Content-Type": "application/json",
                    "X-CSRFToken": csrf,
                    "Cookie": f"sessionid={sessions[voter_id]}; csrftoken={csrf}",
                }
                body = json.dumps({"value": value})
                path = f"/api/v1/statements/{statements[comment_id]}/vote"
                sent = time.perf_counter()
                for attempt in (1, 2):
                    connection = connections.get(voter_id)
                    if connection is None:
                        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                        connections[voter_id] = connection
                    try:
                        connection.request("POST", path, body, headers)
                        response = connection.getresponse()
                        payload = response.read()
                        break
                    except OSError as exc:
                        connections.pop(voter_id).close()
                        # The server closes a connection idle past its keep-alive time, which
                        # the client sees on its next request: that request was never read.
                        stale = isinstance(exc, http.client.RemoteDisconnected | BrokenPipeError)
                        if attempt == 2 or not stale:
                            errors.append(repr(exc))
                            response = None
                            break
                if response is None:
                    continue
                local.append(time.perf_counter() - sent)
                if response.status != 200:
                    errors.append(f"{response.status} {payload[:200]!r}")
                if last_event[voter_id] == n:
                    connections.pop(voter_id).close()
            for connection in connections.values():
                connection.close()
            with lock:
                latencies.extend(local)
                failures.extend(errors)

        async def socket_client(mine: list) -> None:
            # asyncio, not threads: 1,900 open connections stay cheap for the client.
            from websockets.asyncio.client import connect

            sockets, local, errors = {}, [], []
            try:
                for ref, (_t, comment_id, voter_id, value) in enumerate(mine):
                    if time.monotonic() > deadline:
                        errors.append("timeout")
                        break
                    if voter_id not in sockets:
                        sockets[voter_id] = await connect(
                            f"ws://127.0.0.1:{port}/ws/participate/votes/",
                            additional_headers={
                                "Cookie": f"sessionid={sessions[voter_id]}",
                                "Origin": f"http://127.0.0.1:{port}",
                            },
                            open_timeout=30,
                        )
                    message = {"ref": ref, "statement": statements[comment_id], "value": value}
                    sent = time.perf_counter()
                    try:
                        await sockets[voter_id].send(json.dumps(message))
                        answer = json.loads(
                            await asyncio.wait_for(sockets[voter_id].recv(), timeout=30)
                        )
                    except Exception as exc:
                        errors.append(repr(exc))
                        await sockets.pop(voter_id).close()
                        continue
                    local.append(time.perf_counter() - sent)
                    if not answer.get("ok") or answer.get("ref") != ref:
                        errors.append(str(answer)[:200])
            finally:
                for connection in sockets.values():
                    await connection.close()
                latencies.extend(local)
                failures.extend(errors)

        async def socket_replay() -> None:
            await asyncio.gather(*(socket_client(m) for m in by_client.values()))

        threads = [threading.Thread(target=client, args=(m,)) for m in by_client.values()]
        if args.transport == "websocket":
            threads = [threading.Thread(target=asyncio.run, args=(socket_replay(),))]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=30)

    from participation.models import Statement

    expected: dict[str, Counter] = defaultdict(Counter)
    last = {}
    for _t, comment_id, voter_id, value in events:
        last[(comment_id, voter_id)] = value
    for (comment_id, _voter), value in last.items():
        expected[comment_id][value] += 1
    lost = doubled = 0
    for statement in Statement.objects.all():
        want = expected[statement.external_id]
        for got, key in (
            (statement.agree_count, 1),
            (statement.disagree_count, -1),
            (statement.pass_count, 0),
        ):
            lost += max(0, want[key] - got)
            doubled += max(0, got - want[key])

    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    print(
        f"replayed {len(latencies)} requests in {elapsed:.1f} s: {len(latencies) / elapsed:,.0f} "
        f"votes/s with {args.workers} uvicorn workers over {args.transport}"
    )
    print(
        f"latency p50 {q[49] * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms"
    )
    print(f"failed requests: {len(failures)}" + (f" (first: {failures[0]})" if failures else ""))
    print(f"tallies vs sequential replay: {lost} lost, {doubled} doubled")
    raise SystemExit(0 if not (lost or doubled or failures) else 1)


if __name__ == "__main__":
    main()
