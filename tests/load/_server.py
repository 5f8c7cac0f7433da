"""Shared helpers of the load scripts: a throw-away site on loopback (SQLite file or PostgreSQL,
Redis channel layer) served by several uvicorn processes and, where asked, task workers
(``manage.py run_worker``), the way production serves it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require(host: str, port: int, what: str) -> None:
    try:
        with socket.create_connection((host, port), timeout=1):
            return
    except OSError:
        sys.exit(f"{what} does not answer on {host}:{port}; start it first (loopback only).")


def site_env(
    var_dir: Path,
    *,
    database_url: str | None = None,
    redis_db: int = 12,
    task_backend: str = "immediate",
) -> dict:
    """Environment of the throw-away site. ``task_backend="database"`` queues background jobs
    for task workers (start them with :func:`task_workers`); "immediate" runs them in the
    request."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DATABASE_URL=database_url or f"sqlite:///{var_dir / 'load.sqlite3'}",
        MINYI_VAR_DIR=str(var_dir),
        MINYI_IGNORE_DOTENV="1",
        REDIS_URL=f"redis://127.0.0.1:6379/{redis_db}",
        CHANNEL_PREFIX=f"load{os.getpid()}",
        TASK_BACKEND=task_backend,
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
        # One session replays many votes in a burst: lift the per-user vote limit.
        VOTE_RATE_LIMIT_PER_MINUTE="1000000",
        VOTE_RATE_LIMIT_PER_HOUR="1000000",
    )
    return env


def manage(env: dict, *args: str, timeout: int = 600) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@contextmanager
def servers(env: dict, count: int, *, workers: int = 1):
    """``count`` uvicorn processes (each with ``workers`` workers); yields their ports."""
    started = []
    log_dir = Path(tempfile.mkdtemp(prefix="minyi-load-logs-"))
    try:
        for n in range(count):
            port = free_port()
            log = (log_dir / f"server-{n}.log").open("wb")
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
                    "--workers",
                    str(workers),
                    "--no-access-log",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            started.append((port, process, log_dir / f"server-{n}.log"))
        for port, process, log in started:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    sys.exit(f"server exited:\n{log.read_text()[-3000:]}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        sys.exit("server did not start")
                    time.sleep(0.2)
        yield [port for port, _process, _log in started]
    finally:
        for _port, process, _log in started:
            process.terminate()
        for _port, process, _log in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@contextmanager
def task_workers(env: dict, count: int):
    """``count`` task worker processes (``manage.py run_worker``, the database backend: give
    ``site_env(..., task_backend="database")``); yields their processes, stops them after."""
    started = []
    log_dir = Path(tempfile.mkdtemp(prefix="minyi-load-workers-"))
    try:
        for n in range(count):
            path = log_dir / f"worker-{n}.log"
            process = subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "run_worker",
                    "--no-reload",
                    "--no-startup-delay",
                    "--worker-id",
                    f"load-{os.getpid()}-{n}",
                ],
                cwd=ROOT,
                env=env,
                stdout=path.open("wb"),
                stderr=subprocess.STDOUT,
            )
            started.append((process, path))
        time.sleep(1)
        for process, path in started:
            if process.poll() is not None:
                sys.exit(f"task worker exited:\n{path.read_text()[-3000:]}")
        yield [process for process, _path in started]
    finally:
        for process, _path in started:
            process.terminate()  # SIGTERM: the worker finishes its current job, then stops
        for process, _path in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


PSQL = [
    "psql",
    "-h",
    "127.0.0.1",
    "-p",
    "5432",
    "-U",
    "postgres",
    "-d",
    "postgres",
    "-q",
    "-v",
    "ON_ERROR_STOP=1",
]


def _psql(*sql: str) -> None:
    for statement in sql:
        subprocess.run(
            [*PSQL, "-c", statement],
            check=True,
            timeout=60,
            env={**os.environ, "PGOPTIONS": "-c client_min_messages=warning"},
        )


@contextmanager
def postgres_database(name: str):
    """A fresh PostgreSQL database on 127.0.0.1:5432 (user postgres, trust), dropped after;
    yields its URL."""
    require("127.0.0.1", 5432, "PostgreSQL")
    _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


SESSION_SCRIPT = (
    "from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY\n"
    "from django.contrib.sessions.backends.db import SessionStore\n"
    "from minyi.accounts.models import User\n"
    "from participation.models import ConsultationPage\n"
    "u = User.objects.get(email='analyst@minyi.localhost')\n"
    "s = SessionStore(); s[SESSION_KEY] = str(u.pk)\n"
    "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
    "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create()\n"
    "c = ConsultationPage.objects.get(slug='uberx')\n"
    "print(s.session_key, c.pk, c.url_path, "
    "' '.join(str(pk) for pk in c.statements.order_by('pk').values_list('pk', flat=True)[:50]))\n"
)
