"""Writes of social listening: run sources, store and match posts, analyse, aggregate, alert."""

import hashlib
import logging
import math
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sentiment.models import (
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
from .query import QueryError, query_parse, text_normalise

logger = logging.getLogger(__name__)

POST_LABEL = "sentiment.post"
ALERT_NOTIFICATION_KIND = "listening_alert"  # to be added to participation.NotificationKind
BATCH = 1000
EWMA_ALPHA = 0.3
BASELINE_HOURS = 24 * 7
MIN_BASELINE_HOURS = 6


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
        try:
            items, cursor = connector.fetch(dict(source.cursor or {}))
            post_ids = posts_store(source=source, items=items, cursor=cursor)
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


def posts_store(*, source: Source, items: list[NormalisedPost], cursor: dict) -> list[int]:
    """Store new items (all or nothing) and the new cursor; returns the new posts' ids."""
    unique: dict[str, NormalisedPost] = {}
    for item in items:
        if item.external_id and item.text.strip():
            unique.setdefault(item.external_id[:200], item)
    now = timezone.now()
    expires = now + timedelta(days=raw_retention_days())
    with transaction.atomic():
        existing = set()
        keys = list(unique)
        for start in range(0, len(keys), BATCH):
            existing.update(
                Post.objects.filter(
                    source=source, external_id__in=keys[start : start + BATCH]
                ).values_list("external_id", flat=True)
            )
        new_items = [item for key, item in unique.items() if key not in existing]
        Post.objects.bulk_create(
            [
                Post(
                    source=source,
                    external_id=item.external_id[:200],
                    url=item.url[:1000],
                    author_hash=author_hash(source_kind=source.kind, handle=item.author),
                    title=item.title[:300],
                    text=item.text,
                    published_at=item.published_at,
                    likes=item.likes,
                    shares=item.shares,
                    pushes=item.pushes,
                    boos=item.boos,
                    raw=item.raw,
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
        Source.objects.filter(pk=source.pk).update(cursor=cursor)
    return sorted(ids.values())


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
    """Run the NLP engine on these posts, copy the label onto them, update their aggregates."""
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
    aggregates_update_for_posts(post_ids=post_ids)
    return analysed


def bucket_start(moment: datetime, granularity: str) -> datetime:
    local = timezone.localtime(moment).replace(minute=0, second=0, microsecond=0)
    if granularity == Granularity.DAY:
        local = local.replace(hour=0)
    return local


def bucket_end(start: datetime, granularity: str) -> datetime:
    if granularity == Granularity.HOUR:
        return start + timedelta(hours=1)
    following = (start + timedelta(days=1, hours=2)).replace(hour=0)  # DST-safe next midnight
    return following


def aggregates_update_for_posts(*, post_ids: list[int]) -> int:
    through = Post.topics.through
    pairs = set()
    moments = dict(Post.objects.filter(pk__in=post_ids).values_list("pk", "published_at"))
    for start in range(0, len(post_ids), BATCH):
        for post_id, topic_id in through.objects.filter(
            post_id__in=post_ids[start : start + BATCH]
        ).values_list("post_id", "topic_id"):
            moment = moments[post_id]
            for granularity in Granularity.values:
                pairs.add((topic_id, granularity, bucket_start(moment, granularity)))
    per_topic = Counter()
    for start in range(0, len(post_ids), BATCH):
        per_topic.update(
            through.objects.filter(post_id__in=post_ids[start : start + BATCH]).values_list(
                "topic_id", flat=True
            )
        )
    from minyi.live.events import live_event_send

    for topic_id, count in per_topic.items():
        live_event_send(f"listening.topic.{topic_id}", {"type": "posts", "count": count})
    hours: dict[int, set] = defaultdict(set)
    for topic_id, granularity, start in sorted(pairs):
        aggregate_compute(topic_id=topic_id, granularity=granularity, start=start)
        if granularity == Granularity.HOUR:
            hours[topic_id].add(start)
    for topic_id, starts in hours.items():
        topic = Topic.objects.get(pk=topic_id)
        for start in sorted(starts):
            alerts_check(topic=topic, hour=start)
    return len(pairs)


def topic_aggregates_rebuild(*, topic: Topic) -> int:
    pairs = set()
    for moment in topic.posts.values_list("published_at", flat=True).iterator(chunk_size=BATCH):
        for granularity in Granularity.values:
            pairs.add((granularity, bucket_start(moment, granularity)))
    for granularity, start in sorted(pairs):
        aggregate_compute(topic_id=topic.pk, granularity=granularity, start=start)
    return len(pairs)


def aggregate_compute(*, topic_id: int, granularity: str, start: datetime) -> None:
    """Recompute one bucket of one topic, for all sources together and for each source."""
    from sentiment.nlp.duplicates import find_near_duplicates

    end = bucket_end(start, granularity)
    rows = list(
        Post.objects.filter(
            topics=topic_id, published_at__gte=start, published_at__lt=end
        ).values_list(
            "pk",
            "source_id",
            "sentiment",
            "pushes",
            "boos",
            "likes",
            "shares",
            "author_hash",
            "text",
        )
    )
    content_type = ContentType.objects.get_for_model(Post)
    keywords: dict[int, list] = {}
    ids = [row[0] for row in rows]
    for offset in range(0, len(ids), BATCH):
        keywords.update(
            TextAnalysis.objects.filter(
                content_type=content_type, object_id__in=ids[offset : offset + BATCH]
            ).values_list("object_id", "keywords")
        )
    groups: dict[int | None, list] = defaultdict(list)
    for row in rows:
        groups[None].append(row)
        groups[row[1]].append(row)
    existing_sources = set(
        TopicAggregate.objects.filter(
            topic_id=topic_id, granularity=granularity, bucket_start=start
        ).values_list("source_id", flat=True)
    )
    with transaction.atomic():
        for source_id in existing_sources - set(groups):
            TopicAggregate.objects.filter(
                topic_id=topic_id, granularity=granularity, bucket_start=start, source_id=source_id
            ).delete()
        for source_id, group in groups.items():
            labels = Counter(row[2] or "" for row in group)
            words = Counter()
            for row in group:
                for entry in keywords.get(row[0], [])[:5]:
                    word = entry.get("word") if isinstance(entry, dict) else entry
                    if word:
                        words[word] += 1
            authors = Counter(row[7] for row in group if row[7])
            top = sorted(group, key=lambda row: (-(row[3] + row[4] + row[5] + row[6]), row[0]))[:20]
            duplicates = (
                find_near_duplicates([row[8] for row in group])["campaign_share"]
                if len(group) > 1
                else 0.0
            )
            TopicAggregate.objects.update_or_create(
                topic_id=topic_id,
                source_id=source_id,
                granularity=granularity,
                bucket_start=start,
                defaults={
                    "volume": len(group),
                    "positive": labels["positive"],
                    "neutral": labels["neutral"],
                    "negative": labels["negative"],
                    "unanalysed": labels[""],
                    "pushes": sum(row[3] for row in group),
                    "boos": sum(row[4] for row in group),
                    "duplicate_share": round(float(duplicates), 4),
                    "keywords": words.most_common(30),
                    "authors": authors.most_common(20),
                    "top_posts": [[row[0], row[3] + row[4] + row[5] + row[6]] for row in top],
                },
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
    from minyi.accounts.models import User
    from minyi.agencies.roles import Role

    chosen = list(topic.analysts.filter(is_active=True))
    if chosen:
        return chosen
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=Role.ANALYST.group_name) | Q(is_superuser=True))
        .distinct()
    )


def _alert_raise(topic, metric, hour, value, baseline, z) -> Alert | None:
    from django.urls import reverse

    from participation.notifications import notifications_send

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
