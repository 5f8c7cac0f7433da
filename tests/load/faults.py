# ruff: noqa: T201 - a script that starts the site and prints what it saw
"""Redis stopped and started under a running site (issue 9, item 2).

    .venv/bin/python tests/load/faults.py [--timeout 20]

Starts a PRIVATE redis-server on a free loopback port (the shared Redis on 6379 is never
touched), seeds a throw-away site (SQLite file, the demo data) that uses it for its cache and
channel layer, starts one uvicorn process, then in three phases — Redis up, Redis stopped,
Redis started again on the same port — reads the consultation page, casts a vote through the
API and reads /healthz. Expected: the page renders and the vote is stored in every phase
(only live updates are lost while Redis is down), /healthz names the cache and the channel
layer while Redis is down, and everything is green again after the restart without
restarting the site. Prints one line per check and exits 1 if any expectation failed.
Skipped (exit 0, with the reason) when redis-server is not installed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _server import SESSION_SCRIPT, free_port, manage, servers, site_env

PAGE_SCRIPT = (
    "from participation.models import ConsultationPage\n"
    "print(ConsultationPage.objects.get(slug='uberx').url)\n"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=20, help="per request, in seconds")
    return parser.parse_args()


class PrivateRedis:
    def __init__(self, binary: str, port: int, folder: Path):
        self.binary, self.port, self.folder, self.process = binary, port, folder, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                connection.connect()
                connection.close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("the private redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def request(port, method, path, *, body=None, headers=None, timeout=20.0):
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body, headers or {})
        response = connection.getresponse()
        data = response.read()
        return response.status, data, time.perf_counter() - started
    except OSError as error:  # timeout or reset: the server did not answer
        return None, str(error).encode(), time.perf_counter() - started
    finally:
        connection.close()


def main() -> int:
    args = parse_args()
    binary = shutil.which("redis-server")
    if binary is None:
        print("faults.py SKIPPED: redis-server is not installed (apt-get install redis-server);")
        print("  it never stops the shared Redis, so it needs a private one.")
        return 0
    var_dir = Path(tempfile.mkdtemp(prefix="minyi-faults-"))
    redis = PrivateRedis(binary, free_port(), var_dir)
    redis.start()
    failures: list[str] = []
    try:
        env = site_env(var_dir)
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis.port}/0"
        print(f"seeding a throw-away site in {var_dir} (private Redis on {redis.port}) …")
        manage(env, "migrate", "--noinput")
        manage(env, "seed_demo")
        manage(env, "collectstatic", "--noinput")  # production storage needs the manifest
        output = manage(env, "shell", "-c", SESSION_SCRIPT).strip().splitlines()[-1]
        session_key, _consultation_id, _url_path, *statements = output.split()
        page_path = manage(env, "shell", "-c", PAGE_SCRIPT).strip().splitlines()[-1]
        csrf = "a" * 32
        headers = {
            "Content-Type": "application/json",
            "X-CSRFToken": csrf,
            "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
        }

        def check(phase: str, port: int, vote: int, *, redis_up: bool) -> None:
            status, _data, seconds = request(port, "GET", page_path, timeout=args.timeout)
            ok = status == 200
            print(f"  [{phase}] consultation page: {status} in {seconds:.2f} s")
            if not ok:
                failures.append(f"{phase}: page answered {status}")
            statement = statements[vote % len(statements)]
            status, data, seconds = request(
                port,
                "POST",
                f"/api/v1/statements/{statement}/vote",
                body=json.dumps({"value": [1, -1, 0][vote % 3]}),
                headers=headers,
                timeout=args.timeout,
            )
            print(f"  [{phase}] vote on statement {statement}: {status} in {seconds:.2f} s")
            if status != 200:
                failures.append(f"{phase}: vote answered {status}: {data[:300]!r}")
            status, data, seconds = request(port, "GET", "/healthz", timeout=args.timeout)
            failing = json.loads(data).get("failing") if status in (200, 503) else data[:200]
            print(f"  [{phase}] /healthz: {status}, failing {failing}")
            expected = [] if redis_up else ["cache", "channel_layer"]
            if status not in (200, 503) or sorted(failing) != expected:
                failures.append(f"{phase}: /healthz failing {failing}, expected {expected}")

        with servers(env, 1) as (port,):
            print("Redis up:")
            check("up", port, 0, redis_up=True)
            redis.stop()
            print("Redis stopped:")
            check("down", port, 1, redis_up=False)
            redis.start()
            time.sleep(1)  # let pooled clients notice the new server
            print("Redis started again (the site was not restarted):")
            check("back", port, 2, redis_up=True)
    finally:
        redis.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("faults.py: every expectation held.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
