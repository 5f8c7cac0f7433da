"""Browser tests: the real ASGI server in a subprocess, driven by Debian's Chromium.

Playwright's own browser download does not work here, so Chromium comes from the
PATH (``apt-get install chromium``). Without it every test in this folder is
skipped with a printed reason. The server runs the way production does (uvicorn
on ``minyi.asgi``) against a fresh SQLite database in a temporary folder; these
tests never touch the Django test database.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .axe import AxeUnavailableError, ensure_axe

REPO_ROOT = Path(__file__).resolve().parents[2]
BROWSER_DIR = Path(__file__).resolve().parent
SERVER_START_TIMEOUT_SECONDS = 60
MIGRATE_TIMEOUT_SECONDS = 300

# No network except loopback: nothing in Chromium may phone home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-quic",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder carries the `browser` marker."""
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("Chromium not found on PATH: browser tests skipped (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe.min.js from the installed axe-playwright-python wheel."""
    try:
        return ensure_axe()
    except AxeUnavailableError as exc:
        pytest.skip(str(exc))


@dataclass
class LiveSite:
    base_url: str
    log_path: Path
    process: subprocess.Popen

    def url(self, path: str) -> str:
        return self.base_url + path

    def log(self) -> str:
        """Everything the server printed so far (the console e-mail backend included)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def shell(self, script: str, *, what: str) -> str:
        """Run ``script`` with ``manage.py shell`` against this site's database; the last line
        it printed (set-up data a test needs, never a step a person takes)."""
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=REPO_ROOT,
            env=_server_env(self.log_path.parent),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(f"{what} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
        return done.stdout.strip().splitlines()[-1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "minyi.settings",
            "DATABASE_URL": f"sqlite:///{tmp / 'browser.sqlite3'}",
            "MINYI_VAR_DIR": str(tmp),
            "DEBUG": "true",  # static files straight from the app folders via WhiteNoise
            "TASK_BACKEND": "immediate",
            "EMAIL_URL": "consolemail://",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _wait_until_up(base_url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_path.read_text(encoding="utf-8", errors="replace")
            pytest.fail(f"uvicorn exited with status {process.returncode}:\n{log[-4000:]}")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=5):  # noqa: S310
                return
        except urllib.error.HTTPError:
            return  # any status means the server answers (503: a check is failing)
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    log = log_path.read_text(encoding="utf-8", errors="replace")
    pytest.fail(f"server did not answer /healthz within {SERVER_START_TIMEOUT_SECONDS} s:\n{log}")


@pytest.fixture(scope="session")
def live_site(chromium_path: str) -> Iterator[LiveSite]:
    """The real ASGI server (uvicorn), on a fresh SQLite database, on a free loopback port."""
    with tempfile.TemporaryDirectory(prefix="minyi-browser-") as tmp_name:
        tmp = Path(tmp_name)
        env = _server_env(tmp)
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=MIGRATE_TIMEOUT_SECONDS,
            check=False,
        )
        if migrate.returncode != 0:
            pytest.fail(f"migrate failed:\n{migrate.stdout[-2000:]}\n{migrate.stderr[-4000:]}")
        # The demo data gives the browser tests an open consultation (vTaiwan UberX).
        seed = subprocess.run(
            [sys.executable, "manage.py", "seed_demo"],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=MIGRATE_TIMEOUT_SECONDS,
            check=False,
        )
        if seed.returncode != 0:
            pytest.fail(f"seed_demo failed:\n{seed.stdout[-2000:]}\n{seed.stderr[-4000:]}")

        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        log_path = tmp / "server.log"
        with log_path.open("wb") as log_file:
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
                cwd=REPO_ROOT,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_until_up(base_url, process, log_path)
            yield LiveSite(base_url=base_url, log_path=log_path, process=process)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


# Module scope, not session: while sync Playwright runs, its event loop counts as the
# running loop, and pytest-asyncio tests collected after this folder would then fail
# ("Runner.run() cannot be called from a running event loop").
@pytest.fixture(scope="module")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def new_context(browser, live_site: LiveSite, **options):
    """A fresh browser context as a reader in Taiwan sees the site."""
    context = browser.new_context(
        base_url=live_site.base_url, locale="zh-TW", timezone_id="Asia/Taipei", **options
    )
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def context(browser, live_site: LiveSite):
    context = new_context(browser, live_site)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()
