"""Journey tests: each role's whole task, done through the screens that role uses.

The site runs as `./dev run` runs it: migrated and seeded (`seed_demo`) on a fresh SQLite
database, served by uvicorn, with a real task worker (`manage.py run_worker`) on the database
task backend, so that background work (analysis, e-mail, reports) happens the way it does in
production. Chromium comes from the PATH as for `tests/browser/`.

Rules for a journey: every step under test is done through the UI only (no service call or ORM
write to set it up); a step may read the server log (the console e-mail backend) as a person
reads their mailbox. Each journey runs at 1280 px and at 390 px (`viewport` fixture). A failing
journey saves a screenshot and the page's HTML under `var/journeys/failures/`; `shot()` saves
named screenshots under `var/journeys/screens/` for looking at the pages by eye.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import expect

# The browser and Chromium fixtures are the browser tests' own (imported fixtures register here).
from tests.browser.conftest import (  # noqa: F401
    _free_port,
    _server_env,
    _wait_until_up,
    browser,
    chromium_path,
)
from tests.support.oidc_provider import LocalOIDCProvider

# A step's effect (a worker's job, a decision's redirect) may take a few seconds on a busy CI
# machine: assertions wait up to 15 s, like the contexts' actions, instead of Playwright's 5 s.
expect.set_options(timeout=15_000)

REPO_ROOT = Path(__file__).resolve().parents[2]
JOURNEY_DIR = Path(__file__).resolve().parent
ARTEFACTS = REPO_ROOT / "var" / "journeys"
SETUP_TIMEOUT_SECONDS = 300
DEMO_USER_LINE = re.compile(r"^\s+\S.*?\s+(\S+@minyi\.localhost)\s+(\S+)\s*$", re.MULTILINE)
PASSWORD = "journey-Passw0rd-2026"
CONFIRM_LINK = r"https?://[^\s\"'<>]+/accounts/confirm-email/[^/\s\"'<>]+/"
# What the console SMS backend prints (minyi.accounts.sms.ConsoleSMSBackend).
SMS_CODE = r"\[SMS to \+886{national}\] [^\n]*?(\d{{6}})"

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Journeys drive a browser: they carry the `browser` and `journey` markers."""
    for item in items:
        if JOURNEY_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.journey)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@dataclass
class JourneySite:
    base_url: str
    tmp: Path
    passwords: dict[str, str]
    env: dict[str, str]
    processes: list[subprocess.Popen] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url + path

    LOGS = ("server.log", "worker.log")

    def _read(self, name: str) -> str:
        path = self.tmp / name
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def log(self) -> str:
        """Everything the server and the worker printed (the console e-mail backend included)."""
        return "\n".join(self._read(name) for name in self.LOGS)

    def manage(self, *args: str) -> str:
        """A management command against the journey's site (for the clock, never for a step
        a person takes)."""
        return _run_manage(*args, env=self.env)

    def log_mark(self) -> tuple[int, ...]:
        """Where each log ends now; pass it to wait_for_log to read only what comes after."""
        return tuple(len(self._read(name)) for name in self.LOGS)

    def wait_for_log(
        self, pattern: str, *, after: tuple[int, ...] | None = None, timeout: float = 60.0
    ) -> re.Match:
        """The first match of `pattern` printed after `after` (as a person waits for mail)."""
        regex = re.compile(pattern)
        after = after or (0,) * len(self.LOGS)
        deadline = time.monotonic() + timeout
        while True:
            texts = [self._read(name)[start:] for name, start in zip(self.LOGS, after, strict=True)]
            for text in texts:
                # Undo quoted-printable soft line breaks, should a body ever be encoded that way.
                text = text.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=")
                match = regex.search(text)
                if match:
                    return match
            if time.monotonic() > deadline:
                tail = "\n".join(t[-1500:] for t in texts)
                pytest.fail(f"nothing matching {pattern!r} within {timeout} s:\n{tail}")
            time.sleep(0.3)


def _run_manage(*args: str, env: dict[str, str]) -> str:
    completed = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=SETUP_TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        pytest.fail(
            f"manage.py {' '.join(args)} failed:\n{completed.stdout[-2000:]}\n"
            f"{completed.stderr[-4000:]}"
        )
    return completed.stdout


def _start(command: list[str], *, env: dict[str, str], log_path: Path) -> subprocess.Popen:
    with log_path.open("wb") as log_file:
        return subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[LocalOIDCProvider]:
    """A government identity provider (OpenID Connect) on loopback, for the L3 sign-in."""
    provider = LocalOIDCProvider().start()
    yield provider
    provider.stop()


@pytest.fixture(scope="session")
def journey_site(
    chromium_path: str,  # noqa: F811 - the fixture
    oidc_provider: LocalOIDCProvider,
) -> Iterator[JourneySite]:
    """The seeded site served by uvicorn with one task worker, as `./dev run` starts it."""
    with tempfile.TemporaryDirectory(prefix="minyi-journeys-") as tmp_name:
        tmp = Path(tmp_name)
        env = _server_env(tmp)
        env["TASK_BACKEND"] = "database"
        # Text messages are printed in the server log (read like the e-mails); the government
        # identity provider is the loopback one; every person in the journeys comes from
        # 127.0.0.1, more than a real address asks for codes in an hour.
        env["SMS_BACKEND"] = "console"
        env["GOVID_OIDC_SERVER_URL"] = oidc_provider.issuer
        env["GOVID_OIDC_CLIENT_ID"] = oidc_provider.client_id
        env["GOVID_OIDC_CLIENT_SECRET"] = oidc_provider.client_secret
        env["MOBILE_CODE_RATE_LIMIT_PER_IP_HOUR"] = "500"
        # The journeys compress days of use into minutes with a few shared demo accounts (the
        # demo citizen comments in four of them): a person's limit of 5 comments a minute would
        # refuse them on a fast machine. The limits themselves are tested in tests/security.
        env["COMMENT_RATE_LIMIT_PER_MINUTE"] = "60"
        _run_manage("migrate", "--noinput", env=env)
        seeded = _run_manage("seed_demo", env=env)
        passwords = dict(DEMO_USER_LINE.findall(seeded))
        if not passwords:
            pytest.fail(f"seed_demo printed no demo users:\n{seeded}")
        port = _free_port()
        site = JourneySite(
            base_url=f"http://127.0.0.1:{port}", tmp=tmp, passwords=passwords, env=env
        )
        site.processes.append(
            _start(
                [sys.executable, "manage.py", "run_worker", "--no-reload"],
                env=env,
                log_path=tmp / "worker.log",
            )
        )
        server = _start(
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
            env=env,
            log_path=tmp / "server.log",
        )
        site.processes.append(server)
        try:
            _wait_until_up(site.base_url, server, tmp / "server.log")
            yield site
        finally:
            for process in site.processes:
                process.terminate()
            for process in site.processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request) -> str:
    """Each journey runs on a desktop (1280 px) and on a phone (390 px)."""
    return request.param


class Person:
    """One person at their own browser: a context with its cookies, at the journey's width."""

    def __init__(self, *, browser, site, viewport: str, name: str, test_name: str):  # noqa: F811
        self.site = site
        self.name = name
        self.viewport = viewport
        self.test_name = test_name
        self.context = browser.new_context(
            base_url=site.base_url,
            locale="zh-TW",
            timezone_id="Asia/Taipei",
            **VIEWPORTS[viewport],
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.shots = 0

    def shot(self, label: str, *, max_screens: int = 30) -> Path:
        """The whole page as one PNG under var/journeys/screens/, for looking at by eye.

        Stitched from one screenshot per screenful, scrolling as a reader does: Playwright's
        full-page mode resizes the window for a moment, and responsive charts redraw at that
        size, so its pictures show overlaps that no reader ever sees."""
        from PIL import Image

        self.shots += 1
        folder = ARTEFACTS / "screens" / self.test_name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.shots:02d}-{self.name}-{label}-{self.viewport}.png"
        page = self.page
        view_height = page.viewport_size["height"]
        total = min(
            page.evaluate("document.documentElement.scrollHeight"), view_height * max_screens
        )
        start = page.evaluate("window.scrollY")
        pieces = []
        for top in range(0, total, view_height):
            page.evaluate(f"window.scrollTo(0, {top})")
            page.wait_for_timeout(50)
            scrolled = page.evaluate("window.scrollY")
            shot = folder / f".piece-{len(pieces)}.png"
            page.screenshot(path=str(shot))
            pieces.append((scrolled, Image.open(shot)))
        scale = pieces[0][1].width / page.viewport_size["width"]
        sheet = Image.new("RGB", (pieces[0][1].width, round(total * scale)), "white")
        for scrolled, image in pieces:
            sheet.paste(image, (0, round(scrolled * scale)))
        sheet.save(path)
        for piece in folder.glob(".piece-*.png"):
            piece.unlink()
        page.evaluate(f"window.scrollTo(0, {start})")
        return path

    def log_in(self, email: str, password: str | None = None) -> None:
        """Sign in through the sign-in form, as a demo user (password from seed_demo) or not."""
        password = password or self.site.passwords[email]
        page = self.page
        page.goto("/accounts/login/")
        form = page.locator("main form:has(input[type=password])").first
        form.locator("input[name=login], input[name=email]").first.fill(email)
        form.locator("input[name=password]").fill(password)
        with page.expect_navigation():
            form.locator("button[type=submit], input[type=submit]").first.click()
        if "/accounts/login/" in page.url:
            pytest.fail(f"{email} could not sign in: {page.locator('main').inner_text()[:500]}")

    def sign_up(self, *, email: str, display_name: str, password: str = PASSWORD) -> None:
        """Sign up and open the confirmation link from the e-mail (the server log): signed in."""
        page = self.page
        page.goto("/accounts/signup/")
        form = page.locator("main form:has(input[name=password1])")
        form.locator("input[name=email]").fill(email)
        form.locator("input[name=display_name]").fill(display_name)
        form.locator("input[name=password1]").fill(password)
        form.locator("input[name=password2]").fill(password)
        mark = self.site.log_mark()
        with page.expect_navigation():
            form.locator("button[type=submit]").first.click()
        link = self.site.wait_for_log(CONFIRM_LINK, after=mark)
        page.goto(link.group(0))
        with page.expect_navigation():
            page.locator("main form[method=post] button[type=submit]").first.click()
        # Confirming in the browser that signed up signs in, to the profile.
        expect(page).to_have_url(re.compile(r"/me/$"))

    def verify_mobile(self, number: str) -> None:
        """On the verification form: enter the number, read the code from the text message (the
        console SMS backend's line in the server log), enter it."""
        page = self.page
        page.get_by_role("textbox", name="手機號碼").fill(number)
        mark = self.site.log_mark()
        with page.expect_navigation():
            page.get_by_role("button", name="傳送驗證碼").click()
        national = re.sub(r"\D", "", number)[-9:]
        code = self.site.wait_for_log(SMS_CODE.format(national=national), after=mark).group(1)
        page.get_by_role("textbox", name="驗證碼").fill(code)
        with page.expect_navigation():
            page.get_by_role("button", name="驗證", exact=True).click()

    def close(self, failed: bool) -> None:
        if failed:
            folder = ARTEFACTS / "failures"
            folder.mkdir(parents=True, exist_ok=True)
            stem = folder / f"{self.test_name}-{self.name}-{self.viewport}"
            try:
                self.page.screenshot(path=f"{stem}.png", full_page=True)
                Path(f"{stem}.html").write_text(self.page.content(), encoding="utf-8")
            except Exception as exc:  # the test's own failure matters more than its screenshot
                warnings.warn(f"no failure screenshot of {self.name}: {exc}", stacklevel=1)
        self.context.close()


@pytest.fixture
def people(request, browser, journey_site: JourneySite, viewport: str):  # noqa: F811
    """`people("citizen")` opens one more person's browser; all are closed after the test,
    with a screenshot of each when the test failed."""
    opened: list[Person] = []
    test_name = re.sub(r"[^\w-]+", "-", request.node.name).strip("-")

    def open_person(name: str) -> Person:
        person = Person(
            browser=browser,
            site=journey_site,
            viewport=viewport,
            name=name,
            test_name=test_name,
        )
        opened.append(person)
        return person

    yield open_person
    report = getattr(request.node, "report_call", None)
    failed = report is None or report.failed
    for person in opened:
        person.close(failed)


@pytest.fixture
def unique() -> str:
    """A short random tag, so that the desktop and phone runs do not collide on one site."""
    return secrets.token_hex(3)
