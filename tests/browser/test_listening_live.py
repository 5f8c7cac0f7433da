"""An analyst watches a listening topic while a colleague imports a file: the new post arrives
on the open dashboard over the WebSocket, without a reload."""

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import REPO_ROOT, _server_env, new_context
from .test_signup_flow import _log_in

pytestmark = pytest.mark.browser

PASSWORD = "Listening-live-2026!"
ANALYST = "analyst@minyi.localhost"  # seeded by seed_demo
# Sets a known password for the demo analyst and prints the demo topic and source ids.
SETUP = f"""
import json
from minyi.accounts.models import User
from sentiment.listening.demo import DEMO_SOURCE, DEMO_TOPIC
from sentiment.models import Source, Topic
user = User.objects.get(email={ANALYST!r})
user.set_password({PASSWORD!r})
user.save()
print(json.dumps({{
    "topic": Topic.objects.get(name=DEMO_TOPIC).pk,
    "source": Source.objects.get(name=DEMO_SOURCE).pk,
}}))
"""


def _demo_ids(live_site) -> dict:
    env = _server_env(Path(live_site.log_path).parent)
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SETUP],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"setup failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _wait_subscribed(page: Page, frames: list, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any('"subscribed"' in str(frame) for frame in frames):
            return
        page.wait_for_timeout(100)
    pytest.fail(f"the dashboard did not subscribe to its live stream: {frames}")


def test_new_post_arrives_live_on_the_topic_dashboard(browser, live_site, tmp_path) -> None:
    ids = _demo_ids(live_site)
    watcher_context = new_context(browser, live_site)
    importer_context = new_context(browser, live_site)
    try:
        watcher, importer = watcher_context.new_page(), importer_context.new_page()
        _log_in(watcher, ANALYST, PASSWORD)
        _log_in(importer, ANALYST, PASSWORD)

        frames: list = []
        watcher.on("websocket", lambda ws: ws.on("framereceived", lambda data: frames.append(data)))
        watcher.goto(f"/listening/topics/{ids['topic']}/")
        volume = watcher.locator("#listening-volume")
        before = int(volume.inner_text())
        assert before > 0  # the demo posts
        _wait_subscribed(watcher, frames)

        # A colleague imports one new post that matches the topic's query.
        upload = tmp_path / "new.csv"
        upload.write_text(
            "id,text,published_at,author,likes\n"
            "live-1,優步司機今天在臺北車站排班，和計程車搶客,"
            f"{datetime.now(UTC).isoformat(timespec='seconds')},live_tester,3\n",
            encoding="utf-8",
        )
        importer.goto(f"/listening/sources/{ids['source']}/upload/")
        importer.set_input_files("input[name=file]", str(upload))
        with importer.expect_navigation():
            importer.locator("main form button[type=submit]").click()
        with importer.expect_navigation():
            importer.locator("main form button[type=submit]").click()
        expect(importer.locator("p[role=status]")).to_be_visible()

        # The open dashboard counts it and says so, politely, without a reload.
        expect(volume).to_have_text(str(before + 1), timeout=30_000)
        expect(watcher.locator("#listening-live")).to_have_text(
            "有新貼文，請重新整理頁面以更新圖表。"
        )
        # A reload shows the same figure from the refreshed aggregates.
        watcher.reload()
        expect(watcher.locator("#listening-volume")).to_have_text(str(before + 1))
    finally:
        watcher_context.close()
        importer_context.close()
