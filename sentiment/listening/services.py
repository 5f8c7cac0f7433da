"""Writes of social listening: run sources, store and match posts, analyse, aggregate, alert."""

import hashlib
import logging
import math
import os
import tempfile
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import (
    Count,
    DateTimeField,
    F,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import RowNumber, Trunc
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from moderation.services import personal_data_mask
from sentiment.models import (
    AggregateDirty,
    Alert,
    AlertMetric,
    Granularity,
    Post,
    Source,
    SourceStatus,
    TextAnalysis,
    Topic,
    TopicAggregate,
)
from sentiment.services import analysed_model_labels, analysed_model_register, texts_analyse

from .connectors import Connector, ConnectorError, NormalisedPost, connector_for
from .connectors.upload import upload_decode, upload_rows, upload_size_check
from .query import QueryError, query_parse, text_normalise
from .selectors import listening_analysts, posts_to_revisit

logger = logging.getLogger(__name__)

POST_LABEL = "sentiment.post"
ALERT_NOTIFICATION_KIND = "listening_alert"  # registered in sentiment/apps.py
BATCH = 1000
EWMA_ALPHA = 0.3
BASELINE_HOURS = 24 * 7
MIN_BASELINE_HOURS = 6
CLAIM_BATCH = 5000  # stale-bucket marks claimed per refresh transaction
RANGES_PER_QUERY = 100  # contiguous bucket ranges OR-ed into one query
BUCKETS_PER_QUERY = 200
STALE_AFTER_SECONDS = 300  # the tick refreshes marks older than this (a lost job)
TOP_POSTS = 20
COUNTERS = ("likes", "shares", "pushes", "boos")


def post_analysis_register() -> None:
    if POST_LABEL not in analysed_model_labels():
        analysed_model_register(model_label=POST_LABEL, text_of=lambda post: post.text)


post_analysis_register()


def raw_retention_days() -> int:
    return int(getattr(settings, "LISTENING_RAW_RETENTION_DAYS", 90))


def author_hash(*, source_kind: str, handle: str) -> str:
    """Salted SHA-256 of a handle; the salt derives from SECRET_KEY and is never stored."""
    if not handle:
        return ""
    salt = hashlib.sha256(f"minyi.listening.author:{settings.SECRET_KEY}".encode()).digest()
    return hashlib.sha256(salt + f"{source_kind}:{handle}".encode()).hexdigest()


# --- Running a source -----------------------------------------------------------------------------


def source_run(*, source: Source, connector: Connector | None = None) -> dict:
    """Fetch, store and match one source's new items; never raises for a source's own failure.

    Returns ``{"status", "created", "message", "post_ids"}`` and records it on the source.
    """
    started = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        connector = connector or connector_for(source)
        if isinstance(connector, Connector):
            days, limit = connector.revisit_window()
            if limit:
                connector.revisit = posts_to_revisit(source=source, days=days, limit=limit)
        try:
            items, cursor = connector.fetch(dict(source.cursor or {}))
            post_ids = posts_store(
                source=source,
                items=items,
                cursor=cursor,
                revisited=getattr(connector, "revisited", []),
            )
        except ConnectorError as error:
            return _source_status(source, started, SourceStatus.ERROR, str(error), 0)
        except Exception as error:  # one broken source must never stop the others
            logger.exception("Listening source %s failed", source.pk)
            return _source_status(
                source,
                started,
                SourceStatus.ERROR,
                _("Unexpected error: %(error)s") % {"error": f"{type(error).__name__}: {error}"},
                0,
            )
        status = SourceStatus.PARTIAL if connector.warnings else SourceStatus.OK
        message = "\n".join(connector.warnings[:20])
        result = _source_status(source, started, status, message, len(post_ids))
    result["post_ids"] = post_ids
    if post_ids:
        from .tasks import posts_analysis

        for start in range(0, len(post_ids), 500):
            chunk = post_ids[start : start + 500]
            transaction.on_commit(lambda chunk=chunk: posts_analysis.enqueue(post_ids=chunk))
    return result


def _source_status(source, started, status, message, created) -> dict:
    interval = timedelta(minutes=max(1, source.interval_minutes))
    Source.objects.filter(pk=source.pk).update(
        last_run_at=started,
        next_run_at=started + interval,
        last_status=status,
        last_error=message[:5000],
        last_items=created,
    )
    if created:
        from django.db.models import F

        Source.objects.filter(pk=source.pk).update(items_fetched=F("items_fetched") + created)
    source.refresh_from_db()
    return {"status": status, "created": created, "message": message, "post_ids": []}


def posts_store(
    *,
    source: Source,
    items: list[NormalisedPost],
    cursor: dict,
    revisited: list[str] | tuple = (),
) -> list[int]:
    """Store new items (all or nothing) and the new cursor; returns the new posts' ids.

    Items already stored only update their likes, shares, pushes and boos; ``revisited`` are
    the external ids the connector fetched again for late replies (stamped ``revisited_at``).
    """
    unique: dict[str, NormalisedPost] = {}
    for item in items:
        if item.external_id and item.text.strip():
            unique.setdefault(item.external_id[:200], item)
    now = timezone.now()
    expires = now + timedelta(days=raw_retention_days())
    with transaction.atomic():
        existing: dict[str, tuple] = {}
        keys = list(unique)
        for start in range(0, len(keys), BATCH):
            existing.update(
                (row[0], row[1:])
                for row in Post.objects.filter(
                    source=source, external_id__in=keys[start : start + BATCH]
                ).values_list("external_id", "pk", *COUNTERS)
            )
        new_items = [item for key, item in unique.items() if key not in existing]
        changed = _counters_update(unique, existing)
        Post.objects.bulk_create(
            [
                Post(
                    source=source,
                    external_id=item.external_id[:200],
                    url=item.url[:1000],
                    author_hash=author_hash(source_kind=source.kind, handle=item.author),
                    # Personal data is masked before storage, as in citizens' comments.
                    title=personal_data_mask(text=item.title)[:300],
                    text=personal_data_mask(text=item.text),
                    published_at=item.published_at,
                    likes=item.likes,
                    shares=item.shares,
                    pushes=item.pushes,
                    boos=item.boos,
                    raw=_raw_masked(item.raw),
                    raw_expires_at=expires if item.raw is not None else None,
                )
                for item in new_items
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )
        new_keys = [item.external_id[:200] for item in new_items]
        ids: dict[str, int] = {}
        for start in range(0, len(new_keys), BATCH):
            ids.update(
                Post.objects.filter(
                    source=source, external_id__in=new_keys[start : start + BATCH]
                ).values_list("external_id", "pk")
            )
        _parents_link(source, new_items, ids)
        topic_posts_match(source=source, post_ids=list(ids.values()))
        aggregate_buckets_mark(post_ids=[*ids.values(), *changed])
        for start in range(0, len(revisited), BATCH):
            Post.objects.filter(
                source=source, external_id__in=revisited[start : start + BATCH]
            ).update(revisited_at=now)
        Source.objects.filter(pk=source.pk).update(cursor=cursor)
    if changed and not ids:
        aggregates_refresh_request()  # no analysis job follows to queue it
    return sorted(ids.values())


def _raw_masked(raw):
    """The raw payload with personal data masked in every string (it is kept for weeks)."""
    if isinstance(raw, str):
        return personal_data_mask(text=raw)
    if isinstance(raw, list):
        return [_raw_masked(value) for value in raw]
    if isinstance(raw, dict):
        return {key: _raw_masked(value) for key, value in raw.items()}
    return raw


def posts_personal_data_mask(*, batch: int = BATCH) -> int:
    """Mask personal data in posts stored before masking at ingestion existed; re-analyse the
    changed posts and refresh their aggregates now. Returns how many posts changed."""
    changed: list[int] = []
    last = 0
    while True:
        posts = list(Post.objects.filter(pk__gt=last).order_by("pk")[:batch])
        if not posts:
            break
        last = posts[-1].pk
        updates = []
        for post in posts:
            masked = (
                personal_data_mask(text=post.text),
                personal_data_mask(text=post.title)[:300],
                _raw_masked(post.raw),
            )
            if masked != (post.text, post.title, post.raw):
                post.text, post.title, post.raw = masked
                updates.append(post)
        Post.objects.bulk_update(updates, ["text", "title", "raw"], batch_size=batch)
        changed += [post.pk for post in updates]
    for start in range(0, len(changed), batch):
        posts_analyse(post_ids=changed[start : start + batch])
    if changed:
        aggregates_refresh()
    return len(changed)


def _counters_update(unique: dict[str, NormalisedPost], existing: dict[str, tuple]) -> list[int]:
    """Take the new likes/shares/pushes/boos of items seen again; returns the changed ids."""
    updates = []
    for key, (pk, *stored) in existing.items():
        item = unique[key]
        fresh = [getattr(item, name) for name in COUNTERS]
        if fresh != stored:
            updates.append(Post(pk=pk, **dict(zip(COUNTERS, fresh, strict=True))))
    Post.objects.bulk_update(updates, list(COUNTERS), batch_size=BATCH)
    return [post.pk for post in updates]


def _parents_link(source, new_items, ids) -> None:
    wanted = {item.parent_external_id for item in new_items if item.parent_external_id}
    if not wanted:
        return
    parents = dict(
        Post.objects.filter(source=source, external_id__in=wanted).values_list("external_id", "pk")
    )
    updates = [
        Post(pk=ids[item.external_id[:200]], parent_id=parents[item.parent_external_id])
        for item in new_items
        if item.parent_external_id in parents and item.external_id[:200] in ids
    ]
    Post.objects.bulk_update(updates, ["parent"], batch_size=BATCH)


def topic_posts_match(*, source: Source, post_ids: list[int]) -> int:
    """Link these posts to every active topic of their source whose query they match."""
    topics = []
    for topic in Topic.objects.filter(active=True, sources=source):
        try:
            topics.append((topic, query_parse(topic.query)))
        except QueryError:
            continue  # the admin form refuses such queries; an old one simply matches nothing
    if not topics or not post_ids:
        return 0
    through = Post.topics.through
    links = []
    for start in range(0, len(post_ids), BATCH):
        for pk, text in Post.objects.filter(pk__in=post_ids[start : start + BATCH]).values_list(
            "pk", "text"
        ):
            normalised = text_normalise(text)
            links.extend(
                through(post_id=pk, topic_id=topic.pk)
                for topic, tree in topics
                if tree.match(normalised)
            )
    through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
    return len(links)


def topic_rematch(*, topic: Topic) -> int:
    """Match a (new or edited) topic against all stored posts of its sources."""
    tree = query_parse(topic.query)
    through = Post.topics.through
    with transaction.atomic():
        through.objects.filter(topic=topic).delete()
        links = []
        for pk, text in (
            Post.objects.filter(source__in=topic.sources.all())
            .values_list("pk", "text")
            .iterator(chunk_size=BATCH)
        ):
            if tree.match(text_normalise(text)):
                links.append(through(post_id=pk, topic_id=topic.pk))
        through.objects.bulk_create(links, batch_size=BATCH)
        TopicAggregate.objects.filter(topic=topic).delete()
    topic_aggregates_rebuild(topic=topic)
    return len(links)


def upload_ingest(*, source: Source, path: str | Path, delete: bool = True) -> dict:
    """Ingest one uploaded file (CSV / JSON Lines) into an upload source."""
    from .connectors.upload import UploadConnector

    try:
        return source_run(source=source, connector=UploadConnector(source, path=path))
    finally:
        if delete:
            Path(path).unlink(missing_ok=True)


# --- Analysis and aggregates ----------------------------------------------------------------------


def posts_analyse(*, post_ids: list[int]) -> int:
    """Run the NLP engine on these posts, copy the label onto them, mark their buckets stale.

    The aggregates themselves are recomputed by the ``aggregates_refresh_job`` queued here.
    """
    analysed = texts_analyse(model_label=POST_LABEL, pks=post_ids)
    content_type = ContentType.objects.get_for_model(Post)
    labels = dict(
        TextAnalysis.objects.filter(content_type=content_type, object_id__in=post_ids).values_list(
            "object_id", "sentiment"
        )
    )
    by_label: dict[str, list[int]] = defaultdict(list)
    for pk, label in labels.items():
        by_label[label].append(pk)
    for label, pks in by_label.items():
        for start in range(0, len(pks), BATCH):
            Post.objects.filter(pk__in=pks[start : start + BATCH]).update(sentiment=label)
    aggregate_buckets_mark(post_ids=post_ids)
    aggregates_refresh_request()
    return analysed


def bucket_start(moment: datetime, granularity: str) -> datetime:
    local = timezone.localtime(moment, timezone.get_default_timezone())
    local = local.replace(minute=0, second=0, microsecond=0)
    if granularity == Granularity.DAY:
        local = local.replace(hour=0)
    return local


def bucket_end(start: datetime, granularity: str) -> datetime:
    if granularity == Granularity.HOUR:
        return start + timedelta(hours=1)
    start = timezone.localtime(start, timezone.get_default_timezone())
    following = (start + timedelta(days=1, hours=2)).replace(hour=0)  # DST-safe next midnight
    return following


def _bucket_expression(granularity: str, field: str = "published_at") -> Trunc:
    return Trunc(
        field, granularity, output_field=DateTimeField(), tzinfo=timezone.get_default_timezone()
    )


def aggregate_buckets_mark(*, post_ids: list[int]) -> int:
    """Mark the hour and day buckets of these posts stale, for every topic they belong to."""
    through = Post.topics.through
    keys: set[tuple[int, int, str, datetime]] = set()
    for start in range(0, len(post_ids), BATCH):
        rows = (
            through.objects.filter(post_id__in=post_ids[start : start + BATCH])
            .annotate(
                hour=_bucket_expression(Granularity.HOUR, "post__published_at"),
                day=_bucket_expression(Granularity.DAY, "post__published_at"),
            )
            .values_list("topic_id", "post__source_id", "hour", "day")
            .distinct()
        )
        for topic_id, source_id, hour, day in rows:
            keys.add((topic_id, source_id, Granularity.HOUR, hour))
            keys.add((topic_id, source_id, Granularity.DAY, day))
    AggregateDirty.objects.bulk_create(
        [
            AggregateDirty(
                topic_id=topic_id, source_id=source_id, granularity=granularity, bucket_start=start
            )
            for topic_id, source_id, granularity, start in sorted(keys)
        ],
        batch_size=BATCH,
    )
    return len(keys)


def aggregates_refresh_request() -> None:
    """Queue a refresh of the stale buckets once the current transaction commits."""
    from .tasks import aggregates_refresh_job

    transaction.on_commit(lambda: aggregates_refresh_job.enqueue())


def aggregates_stale_enqueue(*, now: datetime | None = None) -> bool:
    """Safety net for the periodic tick: queue a refresh when stale buckets wait too long."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=STALE_AFTER_SECONDS)
    if not AggregateDirty.objects.filter(marked_at__lt=limit).exists():
        return False
    from .tasks import aggregates_refresh_job

    aggregates_refresh_job.enqueue()
    return True


def aggregates_refresh(*, max_rounds: int | None = None) -> int:
    """Recompute every stale bucket, a claimed batch at a time; returns buckets recomputed.

    Per batch: the all-sources row and the stale sources' rows of each bucket are recomputed
    set-based, then hourly alerts are checked and a live event tells open dashboards how many
    posts arrived (the rise in hourly volume).
    """
    recomputed = 0
    rounds = 0
    while max_rounds is None or rounds < max_rounds:
        rounds += 1
        with transaction.atomic():
            claimed = list(
                AggregateDirty.objects.select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", "topic_id", "source_id", "granularity", "bucket_start")[
                    :CLAIM_BATCH
                ]
            )
            if not claimed:
                break
            stale: dict[tuple[int, str], dict[datetime, set[int]]] = defaultdict(
                lambda: defaultdict(set)
            )
            for _pk, topic_id, source_id, granularity, start in claimed:
                stale[(topic_id, granularity)][start].add(source_id)
            arrived: Counter = Counter()
            hours: dict[int, list[datetime]] = defaultdict(list)
            for (topic_id, granularity), buckets in sorted(stale.items()):
                volumes = aggregate_buckets_compute(
                    topic_id=topic_id, granularity=granularity, buckets=buckets
                )
                recomputed += len(buckets)
                if granularity == Granularity.HOUR:
                    arrived[topic_id] += sum(new - old for old, new in volumes.values())
                    hours[topic_id].extend(volumes)
            AggregateDirty.objects.filter(pk__in=[row[0] for row in claimed]).delete()
            for topic in Topic.objects.filter(pk__in=hours):
                for hour in sorted(hours[topic.pk]):
                    alerts_check(topic=topic, hour=hour)
            from minyi.live.events import live_event_send

            for topic_id, count in arrived.items():
                if count > 0:
                    live_event_send(
                        f"listening.topic.{topic_id}", {"type": "posts", "count": count}
                    )
    return recomputed


# no caller: for scripts and tests; the worker refreshes marked buckets on its own tick
def aggregates_update_for_posts(*, post_ids: list[int]) -> int:
    """Mark these posts' buckets stale and refresh them now (for callers outside the worker)."""
    aggregate_buckets_mark(post_ids=post_ids)
    return aggregates_refresh()


def topic_aggregates_rebuild(*, topic: Topic) -> int:
    """Full recompute: drop every aggregate of the topic and compute all its buckets again."""
    total = 0
    with transaction.atomic():
        TopicAggregate.objects.filter(topic=topic).delete()
        for granularity in Granularity.values:
            starts = (
                Post.objects.filter(topics=topic)
                .annotate(bucket=_bucket_expression(granularity))
                .values_list("bucket", flat=True)
                .distinct()
            )
            buckets = dict.fromkeys(starts)
            aggregate_buckets_compute(topic_id=topic.pk, granularity=granularity, buckets=buckets)
            total += len(buckets)
    return total


def _ranges(starts: list[datetime], granularity: str) -> list[tuple[datetime, datetime]]:
    """Sorted bucket starts merged into contiguous [start, end) ranges."""
    ranges: list[list[datetime]] = []
    for start in sorted(starts):
        end = bucket_end(start, granularity)
        if ranges and ranges[-1][1] == start:
            ranges[-1][1] = end
        else:
            ranges.append([start, end])
    return [(start, end) for start, end in ranges]


def _top(counter: Counter, n: int) -> list[list]:
    """The n most common entries, ties broken by key so every recompute agrees."""
    return [[key, count] for key, count in sorted(counter.items(), key=lambda i: (-i[1], i[0]))[:n]]


def aggregate_buckets_compute(
    *, topic_id: int, granularity: str, buckets: dict[datetime, set[int] | None]
) -> dict[datetime, tuple[int, int]]:
    """Recompute these buckets of one topic: the all-sources row, plus the rows of the given
    sources (``None``: every source). Returns each bucket's all-sources volume (old, new)."""
    result: dict[datetime, tuple[int, int]] = {}
    chunk: list[datetime] = []
    ranges = 0
    for start in sorted(buckets):
        if not chunk or bucket_end(chunk[-1], granularity) != start:
            ranges += 1
        if chunk and (len(chunk) >= BUCKETS_PER_QUERY or ranges > RANGES_PER_QUERY):
            result.update(_buckets_compute(topic_id, granularity, buckets, chunk))
            chunk, ranges = [], 1
        chunk.append(start)
    if chunk:
        result.update(_buckets_compute(topic_id, granularity, buckets, chunk))
    return result


def _buckets_compute(topic_id, granularity, stale, starts) -> dict:
    buckets = {start: stale[start] for start in starts}
    span = Q()
    for lo, hi in _ranges(starts, granularity):
        span |= Q(published_at__gte=lo, published_at__lt=hi)
    posts = (
        Post.objects.filter(topics=topic_id)
        .filter(span)
        .annotate(bucket=_bucket_expression(granularity))
        .order_by()
    )
    # Counts and sums, one row per (bucket, source).
    counts: dict[tuple, dict] = {
        (row.pop("bucket"), row.pop("source_id")): row
        for row in posts.values("bucket", "source_id").annotate(
            volume=Count("pk"),
            positive=Count("pk", filter=Q(sentiment="positive")),
            neutral=Count("pk", filter=Q(sentiment="neutral")),
            negative=Count("pk", filter=Q(sentiment="negative")),
            unanalysed=Count("pk", filter=Q(sentiment="")),
            pushes=Sum("pushes"),
            boos=Sum("boos"),
        )
    }
    authors: dict[tuple, Counter] = defaultdict(Counter)
    for start, source_id, author, count in (
        posts.exclude(author_hash="")
        .values("bucket", "source_id", "author_hash")
        .annotate(count=Count("pk"))
        .values_list("bucket", "source_id", "author_hash", "count")
    ):
        authors[(start, source_id)][author] = count
    # The top posts by engagement of each (bucket, source); the all-sources top is among them.
    top: dict[tuple, list] = defaultdict(list)
    ranked = posts.annotate(
        engagement=F("likes") + F("shares") + F("pushes") + F("boos"),
        rank=Window(
            RowNumber(),
            partition_by=[F("bucket"), F("source_id")],
            order_by=[F("engagement").desc(), F("pk").asc()],
        ),
    ).filter(rank__lte=TOP_POSTS)
    for pk, start, source_id, engagement in ranked.values_list(
        "pk", "bucket", "source_id", "engagement"
    ):
        top[(start, source_id)].append((-engagement, pk))
    # Keywords and near-duplicates need each post's keywords and text.
    keywords = TextAnalysis.objects.filter(
        content_type=ContentType.objects.get_for_model(Post), object_id=OuterRef("pk")
    ).values("keywords")[:1]
    content: dict[tuple, list] = defaultdict(list)
    for pk, start, source_id, text, words in (
        posts.annotate(words=Subquery(keywords, output_field=JSONField()))
        .order_by("pk")
        .values_list("pk", "bucket", "source_id", "text", "words")
    ):
        content[(start, source_id)].append((pk, text, words or []))

    existing = defaultdict(dict)
    for pk, start, source_id, volume in TopicAggregate.objects.filter(
        topic_id=topic_id, granularity=granularity, bucket_start__in=list(buckets)
    ).values_list("pk", "bucket_start", "source_id", "volume"):
        existing[start][source_id] = (pk, volume)
    present: dict[datetime, list[int]] = defaultdict(list)
    for start, source_id in counts:
        present[start].append(source_id)

    doomed, rows, volumes = [], [], {}
    for start, wanted in buckets.items():
        here = sorted(present.get(start, []))
        sources = set(here) if wanted is None else set(wanted)
        old = existing.get(start, {})
        doomed.extend(pk for key, (pk, _volume) in old.items() if key is None or key in sources)
        per_source = {
            source_id: _row_build(
                counts[(start, source_id)],
                authors[(start, source_id)],
                top[(start, source_id)],
                content[(start, source_id)],
            )
            for source_id in here
            if source_id in sources or len(here) == 1
        }
        everything = None
        if len(here) == 1:
            everything = per_source[here[0]]  # one source: the totals are its figures
        elif here:
            total: Counter = Counter()
            total_authors: Counter = Counter()
            total_top, total_content = [], []
            for source_id in here:
                total.update(counts[(start, source_id)])
                total_authors.update(authors[(start, source_id)])
                total_top.extend(top[(start, source_id)])
                total_content.extend(content[(start, source_id)])
            total_content.sort()  # by post id, as a one-source bucket is
            everything = _row_build(total, total_authors, total_top, total_content)
        rows.extend(
            _aggregate(topic_id, source_id, granularity, start, figures)
            for source_id, figures in per_source.items()
            if source_id in sources
        )
        if everything is not None:
            rows.append(_aggregate(topic_id, None, granularity, start, everything))
        volumes[start] = (old.get(None, (None, 0))[1], everything["volume"] if everything else 0)
    TopicAggregate.objects.filter(pk__in=doomed).delete()
    TopicAggregate.objects.bulk_create(rows, batch_size=BATCH)
    return volumes


def _row_build(counts, authors, top, content) -> dict:
    from sentiment.nlp.duplicates import find_near_duplicates

    words: Counter = Counter()
    for _pk, _text, entries in content:
        for entry in entries[:5]:
            word = entry.get("word") if isinstance(entry, dict) else entry
            if word:
                words[word] += 1
    texts = [text for _pk, text, _words in content]
    duplicates = find_near_duplicates(texts)["campaign_share"] if len(texts) > 1 else 0.0
    return {
        "volume": counts["volume"],
        "positive": counts["positive"],
        "neutral": counts["neutral"],
        "negative": counts["negative"],
        "unanalysed": counts["unanalysed"],
        "pushes": counts["pushes"] or 0,
        "boos": counts["boos"] or 0,
        "duplicate_share": round(float(duplicates), 4),
        "keywords": _top(words, 30),
        "authors": _top(authors, 20),
        "top_posts": [[pk, -negative] for negative, pk in sorted(top)[:TOP_POSTS]],
    }


def _aggregate(topic_id, source_id, granularity, start, figures) -> TopicAggregate:
    return TopicAggregate(
        topic_id=topic_id,
        source_id=source_id,
        granularity=granularity,
        bucket_start=start,
        **figures,
    )


# --- Spike alerts ---------------------------------------------------------------------------------


def ewma_z(history: list[float], value: float, *, alpha: float = EWMA_ALPHA) -> tuple[float, float]:
    """(baseline, z) of ``value`` against an EWMA mean and variance of ``history``."""
    mean = history[0]
    variance = 0.0
    for x in history[1:]:
        diff = x - mean
        increment = alpha * diff
        mean += increment
        variance = (1 - alpha) * (variance + diff * increment)
    return mean, (value - mean) / math.sqrt(max(variance, 1e-9))


def alerts_check(*, topic: Topic, hour: datetime) -> list[Alert]:
    """Raise an alert when this hour's volume or negative share is far above the baseline."""
    since = hour - timedelta(hours=BASELINE_HOURS)
    rows = {
        row["bucket_start"]: row
        for row in TopicAggregate.objects.filter(
            topic=topic,
            source__isnull=True,
            granularity=Granularity.HOUR,
            bucket_start__gte=since,
            bucket_start__lte=hour,
        ).values("bucket_start", "volume", "negative", "positive", "neutral")
    }
    current = rows.get(hour)
    if current is None or current["volume"] < topic.alert_min_volume:
        return []
    first = min(rows)
    hours = int((hour - first).total_seconds() // 3600)
    if hours < MIN_BASELINE_HOURS:
        return []
    series = [first + timedelta(hours=n) for n in range(hours)]
    volumes = [rows[h]["volume"] if h in rows else 0 for h in series]
    raised = []
    # Counts are Poisson-like: the variance floor keeps a quiet topic's first posts from alerting.
    baseline, z = ewma_z(volumes, current["volume"])
    floor_z = (current["volume"] - baseline) / math.sqrt(max(baseline, 1.0))
    z = min(z, floor_z) if z > floor_z else z
    if z >= topic.alert_z:
        raised.append(_alert_raise(topic, AlertMetric.VOLUME, hour, current["volume"], baseline, z))
    shares = []
    for h in series:
        row = rows.get(h)
        scored = row and (row["positive"] + row["neutral"] + row["negative"])
        if scored:
            shares.append(row["negative"] / scored)
    scored_now = current["positive"] + current["neutral"] + current["negative"]
    if len(shares) >= MIN_BASELINE_HOURS and scored_now >= topic.alert_min_volume:
        share = current["negative"] / scored_now
        base_share, z_share = ewma_z(shares, share)
        # Binomial floor: a share of n posts cannot be read more precisely than this.
        floor = math.sqrt(max(base_share * (1 - base_share), 0.01) / scored_now)
        z_share = min(z_share, (share - base_share) / floor)
        if z_share >= topic.alert_z:
            raised.append(
                _alert_raise(topic, AlertMetric.NEGATIVE_SHARE, hour, share, base_share, z_share)
            )
    return [alert for alert in raised if alert is not None]


def topic_analysts(topic: Topic):
    chosen = list(topic.analysts.filter(is_active=True))
    if chosen:
        return chosen
    return list(listening_analysts())


def _alert_raise(topic, metric, hour, value, baseline, z) -> Alert | None:
    from django.urls import reverse

    from minyi.notifications.services import notifications_send

    alert, created = Alert.objects.get_or_create(
        topic=topic,
        metric=metric,
        bucket_start=hour,
        defaults={"value": value, "baseline": baseline, "z_score": round(z, 2)},
    )
    if not created:
        return None
    end = hour + timedelta(hours=1)
    posts = topic.posts.filter(published_at__gte=hour, published_at__lt=end)
    if metric == AlertMetric.NEGATIVE_SHARE:
        posts = posts.filter(sentiment="negative")
    alert.posts.set(posts.order_by("-likes", "-pushes", "pk")[:50])
    url = reverse("listening:topic", kwargs={"topic_id": topic.pk}) + f"?alert={alert.pk}"
    with translation.override(settings.LANGUAGE_CODE):
        label = _("volume") if metric == AlertMetric.VOLUME else _("negative share")
        title = _("Spike in %(topic)s: %(metric)s far above its baseline (z = %(z).1f)") % {
            "topic": topic.name,
            "metric": label,
            "z": z,
        }
    notifications_send(
        users=topic_analysts(topic), kind=ALERT_NOTIFICATION_KIND, title=title[:200], url=url
    )
    from minyi.live.events import live_event_send

    # The live channel is open to anyone who knows the stream name: send no content.
    live_event_send(f"listening.topic.{topic.pk}", {"type": "alert"})
    return alert


# --- Retention and scheduling ---------------------------------------------------------------------


def raw_payloads_purge(*, now: datetime | None = None) -> int:
    """Drop raw payloads past their retention date; the post itself stays."""
    now = now or timezone.now()
    return Post.objects.filter(raw_expires_at__lt=now).update(raw=None, raw_expires_at=None)


def sources_due(*, now: datetime | None = None):
    now = now or timezone.now()
    return (
        Source.objects.filter(enabled=True)
        .exclude(kind="upload")
        .filter(Q(next_run_at__isnull=True) | Q(next_run_at__lte=now))
    )


def sources_due_enqueue(*, now: datetime | None = None) -> list[int]:
    """Queue a run of every due source (each its own job, so one failure stays isolated)."""
    from .tasks import source_fetch

    now = now or timezone.now()
    queued = []
    for source in sources_due(now=now):
        # Claim it first so a second tick does not queue it again before it runs.
        claimed = Source.objects.filter(pk=source.pk, next_run_at=source.next_run_at).update(
            next_run_at=now + timedelta(minutes=max(1, source.interval_minutes))
        )
        if claimed:
            source_fetch.enqueue(source_id=source.pk)
            queued.append(source.pk)
    return queued


# --- Uploads (CSV / JSON Lines) -----------------------------------------------------------------

UPLOAD_DIRECTORY = "listening_uploads"
UPLOAD_HEAD_BYTES = 256 * 1024


def upload_file_store(*, upload) -> tuple[str, list[str]]:
    """Keep an uploaded file under MEDIA_ROOT and read its columns from its first lines.

    Returns the stored file's path and its columns. A file too large or unreadable raises
    :class:`ConnectorError` (a message for the analyst); nothing partial or unreadable is kept,
    and a full disk's ``OSError`` goes on upstream (answered 507).
    """
    upload_size_check(upload.size)
    suffix = ".jsonl" if upload.name.lower().endswith((".jsonl", ".ndjson", ".json")) else ".csv"
    directory = Path(settings.MEDIA_ROOT) / UPLOAD_DIRECTORY
    directory.mkdir(parents=True, exist_ok=True)
    handle, path = tempfile.mkstemp(suffix=suffix, dir=directory)
    try:
        with os.fdopen(handle, "wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        with Path(path).open("rb") as stored:
            head = stored.read(UPLOAD_HEAD_BYTES)
        head = head[: head.rfind(b"\n") + 1] or head
        columns, _rows = upload_rows(upload_decode(head), suffix.lstrip("."))
    except (OSError, ConnectorError):
        Path(path).unlink(missing_ok=True)
        raise
    return path, columns


def upload_ingest_start(*, source: Source, path: str, mapping: dict[str, str]) -> None:
    """Remember the column mapping on the source and import the stored file in the background."""
    from .tasks import upload_ingest_job

    source.config = {**(source.config or {}), "mapping": mapping}
    source.save(update_fields=["config"])
    upload_ingest_job.enqueue(source_id=source.pk, path=path)
