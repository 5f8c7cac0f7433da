"""Faults (issue 9, item 2): the database down, Redis down, a full disk.

- Database unreachable: every request gets the friendly 503 page (Traditional Chinese,
  ``Retry-After``), and the site answers normally again as soon as the database is back,
  without a restart. Requests go through Django's real WSGI handler, which (unlike the
  test client) closes and reopens database connections around each request as the
  production servers do.
- Redis down: pages render, comments and votes are stored; only the live event is lost.
- Disk full while a file is stored: a clear 507 message and no half-written file.
"""

import copy
import errno
import io
import json
import logging
import os
import re
import socket
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from minyi.faults import DISK_FULL_MESSAGE, fault_kind


def closed_port() -> int:
    """A loopback port that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(path: str, *, method: str = "GET", **extra):
    """One request through WSGIHandler, the way a production server runs it."""
    request = getattr(RequestFactory(), method.lower())(path, **extra)
    statuses = []
    with translation.override(translation.get_language()):  # keep the test's language
        response = WSGIHandler()(request.environ, lambda status, headers: statuses.append(status))
        body = b"".join(response).decode()
        response.close()  # request_finished: Django closes/recycles the connection here
    return response, body


def _close_connection_and_pool() -> None:
    connection.close()
    if getattr(connection, "pool", None) is not None:
        connection.close_pool()


@contextmanager
def database_unreachable(tmp_path):
    """Point the connection at a database that is not there, then put it back."""
    saved = copy.deepcopy(connection.settings_dict)
    _close_connection_and_pool()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "db.sqlite3")
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
        connection.settings_dict["OPTIONS"].pop("pool", None)
    try:
        yield
    finally:
        _close_connection_and_pool()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def assert_friendly_503(response, body):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-cache" in response["Cache-Control"]
    assert 'lang="zh-Hant-TW"' in body
    assert "服務暫時無法使用" in body
    assert "Traceback" not in body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_database_down_gives_503_and_recovers_without_restart(tmp_path, make_consultation):
    page = make_consultation()
    response, _body = serve(page.url)
    assert response.status_code == 200

    with database_unreachable(tmp_path):
        # Pages that need the database answer 503 (a query string bypasses the page cache)...
        for path in ("/", f"{page.url}?section=1"):
            assert_friendly_503(*serve(path))
        # ...while the consultation page read a moment ago is still served from the cache.
        response, body = serve(page.url)
        assert response.status_code == 200 and response["X-Minyi-Page-Cache"] == "hit"
        assert page.title in body
        response, body = serve("/en/")
        assert response.status_code == 503
        assert "Service temporarily unavailable" in body  # the visitor's language
        response, body = serve(
            reverse("participation:state", args=[page.pk]), HTTP_ACCEPT="application/json"
        )
        assert response.status_code == 503
        assert json.loads(body)["ok"] is False
        assert response["Retry-After"] == "30"

    # The database is back: the same running process answers normally again.
    response, body = serve(page.url)
    assert response.status_code == 200
    assert page.title in body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_connection_killed_by_the_server_recovers(make_consultation):
    """PostgreSQL restarted under the site: its connections die; requests heal by themselves."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: kills the site's server-side connections")
    import psycopg

    page = make_consultation()
    assert serve(page.url)[0].status_code == 200
    params = connection.get_connection_params()
    params.pop("pool", None)
    params.pop("context", None)
    params.pop("cursor_factory", None)
    with psycopg.connect(**params, autocommit=True) as killer:
        killed = killer.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]
    assert killed >= 1
    statuses = []
    for _attempt in range(6):
        # A query string bypasses the page cache: these requests need the database.
        response, body = serve(f"{page.url}?section=1")
        statuses.append(response.status_code)
        if response.status_code == 503:
            assert_friendly_503(response, body)
        if response.status_code == 200:
            break
    assert statuses[-1] == 200, statuses
    assert set(statuses) <= {200, 503}, statuses
    _close_connection_and_pool()  # the test's own pooled connections were killed too


def test_fault_kind_sees_through_wrapped_errors():
    from django.db import InterfaceError, OperationalError

    assert fault_kind(OperationalError("server closed the connection")) == "database"
    assert fault_kind(InterfaceError("connection already closed")) == "database"
    wrapped = RuntimeError("while rendering")
    wrapped.__cause__ = OSError(errno.ENOSPC, "No space left on device")
    assert fault_kind(wrapped) == "disk_full"
    assert fault_kind(OSError(errno.ENOENT, "missing")) is None
    assert fault_kind(ValueError("bug")) is None


# --- Redis down ---------------------------------------------------------------------------

DEAD_CHANNEL_LAYER = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [f"redis://127.0.0.1:{closed_port()}/0"]},
    }
}


@pytest.fixture
def redis_down(settings):
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = DEAD_CHANNEL_LAYER
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.mark.django_db
def test_redis_down_comments_and_votes_are_stored(
    client, make_consultation, make_user, redis_down, caplog, django_capture_on_commit_callbacks
):
    from participation.models import Comment, Vote
    from participation.services import statement_create

    page = make_consultation()
    statement = statement_create(consultation=page, user=make_user(), text="應該開放網路叫車")
    client.force_login(make_user())
    assert client.get(page.url).status_code == 200

    caplog.set_level(logging.WARNING, logger="minyi.live.events")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("participation:comment_post", args=[page.pk]),
            {"body": "Redis 停了也要存下來", "stance": "support"},
            HTTP_ACCEPT="application/json",
        )
    assert response.status_code == 200, response.content
    assert Comment.objects.filter(body="Redis 停了也要存下來").exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("participation:vote_post", args=[statement.pk]),
            {"value": "1"},
            HTTP_ACCEPT="application/json",
        )
    assert response.status_code == 200, response.content
    assert response.json()["tally"]["agree"] == 2  # its author's and this one
    assert Vote.objects.filter(statement=statement).count() == 2

    not_sent = [r for r in caplog.records if "not sent" in r.getMessage()]
    assert len(not_sent) == 2  # the comment's and the vote's live events, each logged once
    assert all(r.levelno == logging.WARNING for r in not_sent)
    assert client.get(page.url).status_code == 200


@pytest.mark.django_db
def test_whole_redis_down_with_the_tolerant_cache(
    client, make_consultation, make_user, redis_down, settings, django_capture_on_commit_callbacks
):
    """Cache on Redis too (production): with ``minyi.faults.TolerantRedisCache`` pages still
    render and votes are stored. Django's own RedisCache answers 500 instead (the rate limit
    and the templates read the cache), see tests/load/faults.py."""
    from django.core.cache import cache

    from participation.models import Vote
    from participation.services import statement_create

    settings.CACHES = {
        "default": {
            "BACKEND": "minyi.faults.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    page = make_consultation()
    statement = statement_create(consultation=page, user=make_user(), text="快取停了也要能投票")
    client.force_login(make_user())
    assert cache.get("anything", "missing") == "missing"
    assert client.get(page.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("participation:vote_post", args=[statement.pk]),
            {"value": "-1"},
            HTTP_ACCEPT="application/json",
        )
    assert response.status_code == 200, response.content
    assert Vote.objects.filter(statement=statement, value=-1).count() == 1


@pytest.mark.django_db
def test_hung_channel_layer_does_not_hold_the_write(
    make_consultation, make_user, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """Redis stopped (not refusing): the live event gives up after its timeout."""
    import asyncio
    import time

    from channels.layers import InMemoryChannelLayer, channel_layers

    from minyi.live import events
    from participation.services import comment_create

    async def hang(self, group, message):
        await asyncio.sleep(60)

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    monkeypatch.setattr(InMemoryChannelLayer, "group_send", hang)
    monkeypatch.setattr(events, "LIVE_SEND_TIMEOUT_SECONDS", 0.2)
    page = make_consultation()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(consultation=page, user=make_user(), body="卡住也要存", stance="support")
    assert time.monotonic() - started < 5
    channel_layers.backends.clear()


# --- Disk full ------------------------------------------------------------------------------


@pytest.fixture
def disk_fills_up(settings, tmp_path, monkeypatch):
    """A file written under MEDIA_ROOT gets 64 KiB, then ENOSPC: the disk is full."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to tell which file a descriptor belongs to")
    media_root = tmp_path / "media"
    media_root.mkdir()
    settings.MEDIA_ROOT = str(media_root)
    real_fdopen = os.fdopen

    class FillingFile(io.FileIO):
        written = 0

        def write(self, data):
            room = DISK_ROOM_BYTES - self.written
            if len(data) > room:
                self.written += super().write(data[: max(room, 0)])
                raise OSError(errno.ENOSPC, "No space left on device")
            self.written += len(data)
            return super().write(data)

    def fdopen(fd, mode="r", *args, **kwargs):
        target = str(Path(f"/proc/self/fd/{fd}").readlink())
        if "w" in mode and target.startswith(str(media_root)):
            return FillingFile(fd, "wb")
        return real_fdopen(fd, mode, *args, **kwargs)

    monkeypatch.setattr(os, "fdopen", fdopen)
    return media_root


DISK_ROOM_BYTES = 64 * 1024


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def expected_in_page_language(body: str, message) -> str:
    lang = re.search(r'<html lang="([^"]+)"', body).group(1)
    with translation.override("en" if lang == "en" else "zh-hant"):
        return str(message)


@pytest.mark.django_db
def test_attachment_upload_on_full_disk_stores_nothing(client, make_user, settings, disk_fills_up):
    """Consultation attachments are Wagtail documents uploaded in the admin."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.documents import get_document_model

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "minyi.faults.SafeFileSystemStorage"},
    }
    admin = make_user()
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client.force_login(admin)
    upload = SimpleUploadedFile("條文對照表.pdf", b"%PDF-1.4\n" + b"x" * 300_000, "application/pdf")
    response = client.post(reverse("wagtaildocs:add"), {"title": "條文對照表", "file": upload})

    assert response.status_code == 507
    body = response.content.decode()
    assert expected_in_page_language(body, DISK_FULL_MESSAGE) in body
    assert not get_document_model().objects.exists()
    assert stored_files(disk_fills_up) == []


def test_plain_django_storage_would_keep_the_half_written_file(settings, disk_fills_up):
    """Why SafeFileSystemStorage exists: Django's own storage keeps the partial file."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage

    from minyi.faults import SafeFileSystemStorage

    content = b"x" * 300_000
    with pytest.raises(OSError, match="No space left"):
        FileSystemStorage(location=disk_fills_up).save("a.bin", ContentFile(content))
    assert [p.stat().st_size for p in stored_files(disk_fills_up)] == [DISK_ROOM_BYTES]
    (disk_fills_up / "a.bin").unlink()

    with pytest.raises(OSError, match="No space left"):
        SafeFileSystemStorage(location=disk_fills_up).save("b.bin", ContentFile(content))
    assert stored_files(disk_fills_up) == []


@pytest.fixture
def analyst_client(client, make_user):
    from minyi.agencies.roles import Role
    from minyi.agencies.services import user_role_add

    analyst = make_user()
    user_role_add(user=analyst, role=Role.ANALYST)
    client.force_login(analyst)
    return client


def _listening_upload(analyst_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sentiment.models import Source

    source = Source.objects.create(name="上傳", kind="upload", config={})
    rows = "".join(f"{n},第 {n} 則貼文\n" for n in range(20_000))
    upload = SimpleUploadedFile("posts.csv", ("id,text\n" + rows).encode(), "text/csv")
    return analyst_client.post(
        reverse("listening:source_upload", args=[source.pk]), {"file": upload}
    )


@pytest.mark.django_db
def test_listening_upload_on_full_disk_says_so(analyst_client, disk_fills_up):
    response = _listening_upload(analyst_client)
    assert response.status_code == 507
    body = response.content.decode()
    assert expected_in_page_language(body, DISK_FULL_MESSAGE) in body


@pytest.mark.django_db
def test_listening_upload_on_full_disk_leaves_no_partial_file(analyst_client, disk_fills_up):
    _listening_upload(analyst_client)
    assert stored_files(disk_fills_up) == []


def test_new_messages_have_translations():
    for message in (DISK_FULL_MESSAGE, "Not enough storage space", "Try again"):
        with translation.override("en"):
            english = str(message)
        with translation.override("zh-hant"):
            assert translation.gettext(english) != english, english


# --- Redis connections ----------------------------------------------------------------------


def test_redis_cache_objects_share_one_connection_pool():
    """Under ASGI Django makes a cache object per request context; they must not each open new
    connections to Redis (about a quarter of a cached page's time). Two objects, as two
    requests get them, and calls from several threads use one pool and one client."""
    import socket
    import threading

    from minyi.faults import TolerantRedisCache

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            pass
    except OSError:
        pytest.skip("needs Redis at 127.0.0.1:6379")
    params = {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}, "KEY_PREFIX": "t"}
    first = TolerantRedisCache("redis://127.0.0.1:6379/12", params)
    second = TolerantRedisCache("redis://127.0.0.1:6379/12", params)
    first.set("shared-pool", "一", timeout=30)
    assert second.get("shared-pool") == "一"
    client = first._cache.get_client(write=True)
    assert second._cache.get_client() is client

    def read() -> None:
        for _ in range(20):
            assert TolerantRedisCache("redis://127.0.0.1:6379/12", params).get("shared-pool")

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    pool = client.connection_pool
    # At most one connection per thread that ran at once, not one per cache object (82).
    assert len(pool._available_connections) + len(pool._in_use_connections) <= 5

    elsewhere = TolerantRedisCache("redis://127.0.0.1:6379/11", params)
    assert elsewhere._cache.get_client() is not client  # another server or database
    first.delete("shared-pool")
