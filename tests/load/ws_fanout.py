# ruff: noqa: T201 - a script that starts the site and prints its figures
"""Live fan-out: N WebSocket clients on one consultation, two uvicorn processes on one Redis.

    .venv/bin/python tests/load/ws_fanout.py [--clients 200] [--votes 20]

Seeds a throw-away site (SQLite file + Redis database 12, the demo data), starts two ASGI
processes, connects N clients with ``websockets`` (half to each process) subscribed to
``consultation.<id>``, then posts ``--votes`` votes one after another through the API of the first
process. For each vote it measures the time from sending the POST to the arrival of the tally
event at the LAST client, and prints p50/p95/max and how many clients missed an event.
Loopback only; bounded (gives up after --timeout seconds).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import SESSION_SCRIPT, manage, percentile, require, servers, site_env


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--votes", type=int, default=20)
    parser.add_argument("--timeout", type=int, default=300)
    return parser.parse_args()


async def run(ports, consultation_id, statements, session_key, clients, votes) -> dict:
    import websockets

    stream = f"consultation.{consultation_id}"
    arrivals: list[dict[int, float]] = [{} for _ in range(votes)]
    expected: dict[int, int] = {}  # statement → vote number (each vote on its own statement)

    async def client(n: int, ready: asyncio.Event, connected: list) -> None:
        port = ports[n % len(ports)]
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/ws/live/", origin="http://127.0.0.1", open_timeout=60
        ) as ws:
            await ws.send(json.dumps({"action": "subscribe", "stream": stream}))
            while json.loads(await ws.recv()).get("type") != "subscribed":
                pass
            connected.append(n)
            if len(connected) == clients:
                ready.set()
            while True:
                message = json.loads(await ws.recv())
                event = message.get("event") or {}
                if event.get("kind") != "tally":
                    continue
                vote = expected.get(int(event["statement"]))
                if vote is not None and n not in arrivals[vote]:
                    arrivals[vote][n] = time.perf_counter()

    ready, connected = asyncio.Event(), []
    tasks = [asyncio.create_task(client(n, ready, connected)) for n in range(clients)]
    await asyncio.wait_for(ready.wait(), timeout=120)
    csrf = "a" * 32
    latencies, missed = [], 0
    loop = asyncio.get_running_loop()
    usable = list(statements)
    for vote in range(votes):
        statement = usable[vote % len(usable)]

        def post(statement=statement):
            connection = http.client.HTTPConnection("127.0.0.1", ports[0], timeout=30)
            connection.request(
                "POST",
                f"/api/v1/statements/{statement}/vote",
                json.dumps({"value": 1}),
                {
                    "Content-Type": "application/json",
                    "X-CSRFToken": csrf,
                    "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
                },
            )
            response = connection.getresponse()
            return response.status, json.loads(response.read())

        expected[statement] = vote
        started = time.perf_counter()
        status, body = await loop.run_in_executor(None, post)
        while status == 400 and len(usable) > 1:  # a statement moderated away: take another
            usable.remove(statement)
            statement = usable[vote % len(usable)]
            expected[statement] = vote
            started = time.perf_counter()
            status, body = await loop.run_in_executor(None, lambda s=statement: post(s))
        if status != 200:
            raise SystemExit(f"vote failed: {status} {body}")
        deadline = time.perf_counter() + 10
        while len(arrivals[vote]) < clients and time.perf_counter() < deadline:
            await asyncio.sleep(0.005)
        if len(arrivals[vote]) < clients:
            missed += clients - len(arrivals[vote])
        if arrivals[vote]:
            latencies.append(max(arrivals[vote].values()) - started)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return {"latencies": latencies, "missed": missed}


def main() -> None:
    args = parse_args()
    require("127.0.0.1", 6379, "Redis")
    var_dir = Path(tempfile.mkdtemp(prefix="minyi-ws-fanout-"))
    env = site_env(var_dir)
    print(f"seeding a throw-away site in {var_dir} …", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    output = manage(env, "shell", "-c", SESSION_SCRIPT).strip().splitlines()[-1]
    session_key, consultation_id, _path, *statements = output.split()
    with servers(env, 2) as ports:
        started = time.monotonic()
        result = asyncio.run(
            asyncio.wait_for(
                run(
                    ports,
                    consultation_id,
                    [int(s) for s in statements],
                    session_key,
                    args.clients,
                    args.votes,
                ),
                timeout=args.timeout,
            )
        )
    latencies = [value * 1000 for value in result["latencies"]]
    print(
        f"ws_fanout: {args.clients} clients on 2 ASGI processes + Redis, {args.votes} votes "
        f"({time.monotonic() - started:.1f} s)\n"
        f"  vote POST → last client: p50 {percentile(latencies, 0.5):.1f} ms, "
        f"p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms; "
        f"missed deliveries: {result['missed']}"
    )


if __name__ == "__main__":
    main()
