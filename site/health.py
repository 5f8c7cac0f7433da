"""GET /healthz: the state of the database, cache, channel layer and task worker."""

import asyncio
import logging
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def check_cache() -> dict:
    key = f"minyi:healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    ok = cache.get(key) == "1"
    cache.delete(key)
    return {"ok": ok, "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def check_channel_layer() -> dict:
    layer = get_channel_layer()
    if layer is None:
        return {"ok": False, "error": "no channel layer configured"}

    async def round_trip() -> bool:
        channel = await layer.new_channel("healthz.")
        await layer.send(channel, {"type": "healthz.ping"})
        message = await asyncio.wait_for(layer.receive(channel), timeout=2)
        return message.get("type") == "healthz.ping"

    return {"ok": async_to_sync(round_trip)(), "backend": type(layer).__name__}


def check_worker() -> dict:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db import DatabaseBackend

    from minyi.jobs.selectors import task_backlog, workers_alive

    backend = type(task_backends[DEFAULT_TASK_BACKEND_ALIAS]).__name__
    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        # Immediate/dummy backends run tasks in the request: no worker to wait for.
        return {"ok": True, "backend": backend, "workers": 0}
    alive = workers_alive()
    backlog = task_backlog()
    result = {"ok": bool(alive), "backend": backend, "workers": len(alive), **backlog}
    if not alive:
        result["error"] = "no task worker has reported in the last " + (
            f"{settings.MINYI_WORKER_STALE_AFTER_SECONDS} seconds"
        )
    return result


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "channel_layer": check_channel_layer,
    "worker": check_worker,
}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report: dict[str, dict] = {}
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as exc:  # a health check reports failures, it never raises them
            logger.warning("Health check %s failed: %s", name, exc)
            report[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    failing = [name for name, result in report.items() if not result["ok"]]
    body = {
        "status": "ok" if not failing else "fail",
        "failing": failing,
        "checks": report,
        "time": timezone.now().isoformat(),
    }
    return JsonResponse(body, status=200 if not failing else 503)
