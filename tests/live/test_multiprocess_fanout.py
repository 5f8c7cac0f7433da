"""Two ASGI server processes on one Redis: a vote on one reaches a page served by the other.

Runs the real servers (uvicorn) on loopback against a shared SQLite file and Redis;
skipped with the reason when Redis does not answer.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS = ("127.0.0.1", 6379)

pytestmark = pytest.mark.browser  # a multi-process test: kept out of the PostgreSQL pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("server did not start")


def _manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def two_servers(tmp_path):
    try:
        with socket.create_connection(REDIS, timeout=1):
            pass
    except OSError:
        pytest.skip("Redis does not answer on 127.0.0.1:6379: multi-process fan-out not tested")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        MINYI_VAR_DIR=str(tmp_path),
        MINYI_IGNORE_DOTENV="1",
        REDIS_URL="redis://127.0.0.1:6379/13",
        CHANNEL_PREFIX=f"fanout{os.getpid()}",
        TASK_BACKEND="immediate",
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
    )
    _manage(env, "migrate", "--noinput")
    _manage(env, "seed_demo")
    setup = _manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from minyi.accounts.models import User\n"
        "from participation.models import ConsultationPage\n"
        "u = User.objects.get(email='analyst@minyi.localhost')\n"
        "s = SessionStore(); s[SESSION_KEY] = str(u.pk)\n"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create()\n"
        "c = ConsultationPage.objects.get(slug='uberx')\n"
        "print(s.session_key, c.pk, c.statements.order_by('pk').first().pk)\n",
    )
    session_key, consultation_id, statement_id = setup.split()[-3:]
    servers = []
    for name in ("a", "b"):
        port, log = _free_port(), tmp_path / f"server-{name}.log"
        with log.open("wb") as handle:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "minyi.asgi:application",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--no-access-log",
                ],
                cwd=ROOT,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        _wait(port, process, log)
        servers.append((port, process))
    yield servers, session_key, consultation_id, statement_id
    for _port, process in servers:
        process.terminate()
        process.wait(timeout=15)


def test_vote_on_one_server_reaches_subscriber_on_the_other(two_servers):
    from websockets.sync.client import connect

    (port_a, _), (port_b, _) = two_servers[0]
    _, session_key, consultation_id, statement_id = two_servers
    stream = f"consultation.{consultation_id}"
    with connect(f"ws://127.0.0.1:{port_a}/ws/live/", origin="http://127.0.0.1") as socket_a:
        socket_a.send(json.dumps({"action": "subscribe", "stream": stream}))
        assert json.loads(socket_a.recv(timeout=10))["type"] == "subscribed"

        csrf = "a" * 32
        connection = http.client.HTTPConnection("127.0.0.1", port_b, timeout=30)
        connection.request(
            "POST",
            f"/api/v1/statements/{statement_id}/vote",
            json.dumps({"value": -1}),
            {
                "Content-Type": "application/json",
                "X-CSRFToken": csrf,
                "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
            },
        )
        response = connection.getresponse()
        body = json.loads(response.read())
        assert response.status == 200, body

        message = json.loads(socket_a.recv(timeout=10))
        assert message["type"] == "event" and message["stream"] == stream
        assert message["event"]["kind"] == "tally"
        assert message["event"]["statement"] == int(statement_id)
        assert message["event"]["disagree"] == body["disagrees"]
