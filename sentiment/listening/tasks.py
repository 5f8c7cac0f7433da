"""Background jobs of social listening (run by ``manage.py run_worker``)."""

from datetime import timedelta

from django.utils import timezone

from minyi.jobs.tasks import job

TICK_SECONDS = 60


@job(max_attempts=1)
def source_fetch(*, source_id: int) -> dict:
    """One source's run; failures end in the source's status, not in a retry storm."""
    from sentiment.models import Source

    from .services import source_run

    source = Source.objects.filter(pk=source_id, enabled=True).first()
    if source is None:
        return {"status": "skipped"}
    result = source_run(source=source)
    return {"status": result["status"], "created": result["created"]}


@job(max_attempts=1)
def upload_ingest_job(*, source_id: int, path: str) -> dict:
    from sentiment.models import Source

    from .services import upload_ingest

    result = upload_ingest(source=Source.objects.get(pk=source_id), path=path)
    return {"status": result["status"], "created": result["created"]}


@job(max_attempts=3, backoff_seconds=30)
def posts_analysis(*, post_ids: list[int]) -> int:
    from .services import posts_analyse

    return posts_analyse(post_ids=post_ids)


@job(max_attempts=3, backoff_seconds=30)
def aggregates_refresh_job() -> int:
    """Recompute the stale aggregate buckets (a no-op when another run already did)."""
    from .services import aggregates_refresh

    return aggregates_refresh()


@job(max_attempts=3, backoff_seconds=60)
def raw_payload_purge() -> int:
    from .services import raw_payloads_purge

    return raw_payloads_purge()


@job(max_attempts=1)
def listening_tick(*, reschedule: bool = False) -> list[int]:
    """Queue due sources, purge old raw payloads, queue a refresh of long-stale aggregates.

    The workers' scheduler (minyi.jobs.schedule, registered in SentimentConfig.ready) queues it
    every minute; ``reschedule=True`` makes a tick queue the next one itself, for deployments
    that run a worker without the scheduler.
    """
    from .services import aggregates_stale_enqueue, raw_payloads_purge, sources_due_enqueue

    queued = sources_due_enqueue()
    raw_payloads_purge()
    aggregates_stale_enqueue()
    if reschedule and listening_tick.get_backend().supports_defer:
        listening_tick.using(run_after=timezone.now() + timedelta(seconds=TICK_SECONDS)).enqueue()
    return queued


@job(max_attempts=1)
def topic_rematch_job(*, topic_id: int) -> int:
    from sentiment.models import Topic

    from .services import topic_rematch

    topic = Topic.objects.filter(pk=topic_id).first()
    return topic_rematch(topic=topic) if topic else 0
