"""/healthz reports each part and names the one that fails."""

import pytest
from django.utils import timezone

from minyi.jobs.services import worker_heartbeat_beat

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Nothing listens on port 9 (discard) on loopback: a real connection failure, not a mock.
DEAD_REDIS = "redis://127.0.0.1:9/0"


def test_all_green_with_immediate_tasks(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "channel_layer", "worker"}
    assert all(check["ok"] for check in body["checks"].values())
    assert response["Cache-Control"].startswith("max-age=0")


def test_database_backend_without_worker_is_503(client, settings):
    settings.TASKS = DB_TASKS
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["worker"]


def test_database_backend_with_live_worker_is_green(client, settings):
    settings.TASKS = DB_TASKS
    worker_heartbeat_beat(worker_id="w1", queues="*", started_at=timezone.now())
    response = client.get("/healthz")
    assert response.status_code == 200
    worker = response.json()["checks"]["worker"]
    assert worker["workers"] == 1
    assert worker["ready"] == 0


def test_stale_worker_counts_as_down(client, settings):
    from minyi.jobs.models import WorkerHeartbeat

    settings.TASKS = DB_TASKS
    worker_heartbeat_beat(worker_id="w1", queues="*", started_at=timezone.now())
    WorkerHeartbeat.objects.update(last_seen_at=timezone.now() - timezone.timedelta(minutes=5))
    assert client.get("/healthz").status_code == 503


def test_unreachable_cache_is_named(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "cache" in response.json()["failing"]


def test_unreachable_channel_layer_is_named(client, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [DEAD_REDIS]},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["channel_layer"]
