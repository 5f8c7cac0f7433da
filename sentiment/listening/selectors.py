"""Reads of social listening: the analyst dashboard, from precomputed aggregates only."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import F
from django.utils import timezone

from sentiment.models import Granularity, Post, Source, Topic, TopicAggregate

LONG_RANGE_DAYS = 3


@dataclass
class DashboardFilter:
    start: date
    end: date  # inclusive
    source_id: int | None = None

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    @property
    def granularity(self) -> str:
        days = (self.end - self.start).days + 1
        return Granularity.DAY if days > LONG_RANGE_DAYS else Granularity.HOUR


def user_is_analyst(user) -> bool:
    """Whether ``user`` may read the listening dashboard: the Analyst role or a superuser."""
    from minyi.agencies.roles import Role
    from minyi.agencies.selectors import user_has_role

    return user.is_authenticated and (user.is_superuser or user_has_role(user, Role.ANALYST))


def listening_analysts():
    """Active users who may receive a topic's alerts: analysts and superusers."""
    from django.db.models import Q

    from minyi.accounts.models import User
    from minyi.agencies.roles import Role

    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name=Role.ANALYST.group_name) | Q(is_superuser=True))
        .distinct()
        .order_by("display_name", "pk")
    )


def topics_for_dashboard():
    return Topic.objects.filter(active=True).order_by("name")


def dashboard_filter_default(*, today: date | None = None) -> DashboardFilter:
    today = today or timezone.localdate()
    return DashboardFilter(start=today - timedelta(days=29), end=today)


def topic_dashboard(*, topic: Topic, filters: DashboardFilter) -> dict:
    """Everything the topic page shows, computed from the topic's aggregates."""
    granularity = filters.granularity
    rows = list(
        TopicAggregate.objects.filter(
            topic=topic,
            granularity=granularity,
            bucket_start__gte=filters.start_at,
            bucket_start__lt=filters.end_at,
        )
        .filter(source__isnull=filters.source_id is None)
        .filter(**({"source_id": filters.source_id} if filters.source_id else {}))
        .order_by("bucket_start")
        .values(
            "bucket_start",
            "volume",
            "positive",
            "neutral",
            "negative",
            "unanalysed",
            "pushes",
            "boos",
            "duplicate_share",
            "keywords",
            "authors",
            "top_posts",
        )
    )
    per_source = TopicAggregate.objects.filter(
        topic=topic,
        granularity=granularity,
        bucket_start__gte=filters.start_at,
        bucket_start__lt=filters.end_at,
        source__isnull=False,
    ).values_list("source_id", "volume")
    source_volumes: Counter = Counter()
    for source_id, volume in per_source:
        source_volumes[source_id] += volume
    names = dict(Source.objects.filter(pk__in=source_volumes).values_list("pk", "name"))
    sources = [
        {"id": pk, "name": names.get(pk, str(pk)), "volume": volume}
        for pk, volume in source_volumes.most_common()
        if not filters.source_id or pk == filters.source_id
    ]

    totals = Counter()
    keywords: Counter = Counter()
    authors: Counter = Counter()
    top: dict[int, int] = {}
    duplicates_weighted = 0.0
    series = []
    for row in rows:
        for key in ("volume", "positive", "neutral", "negative", "unanalysed", "pushes", "boos"):
            totals[key] += row[key]
        duplicates_weighted += row["duplicate_share"] * row["volume"]
        keywords.update(dict(row["keywords"]))
        authors.update(dict(row["authors"]))
        for post_id, engagement in row["top_posts"]:
            top[post_id] = engagement
        scored = row["positive"] + row["negative"]
        series.append(
            {
                "start": row["bucket_start"],
                "volume": row["volume"],
                "positive": row["positive"],
                "neutral": row["neutral"],
                "negative": row["negative"],
                "net": round((row["positive"] - row["negative"]) / scored, 3) if scored else None,
            }
        )
    top_ids = [pk for pk, _ in sorted(top.items(), key=lambda item: (-item[1], item[0]))[:10]]
    posts_by_id = Post.objects.select_related("source").in_bulk(top_ids)
    scored = totals["positive"] + totals["negative"]
    return {
        "granularity": granularity,
        "series": series,
        "totals": dict(totals),
        "net_sentiment": round((totals["positive"] - totals["negative"]) / scored, 3)
        if scored
        else None,
        "push_boo_ratio": round(totals["pushes"] / totals["boos"], 2) if totals["boos"] else None,
        "duplicate_share": round(duplicates_weighted / totals["volume"], 3)
        if totals["volume"]
        else 0.0,
        "sources": sources,
        "keywords": keywords.most_common(20),
        "authors": [(author[:12], count) for author, count in authors.most_common(10)],
        "top_posts": [posts_by_id[pk] for pk in top_ids if pk in posts_by_id],
    }


def posts_to_revisit(
    *, source: Source, days: float, limit: int, now: datetime | None = None
) -> list[str]:
    """External ids of the source's top-level posts published in the last ``days`` days that
    a run should fetch again for late replies: never re-visited first, then the longest ago."""
    since = (now or timezone.now()) - timedelta(days=days)
    return list(
        Post.objects.filter(source=source, parent__isnull=True, published_at__gte=since)
        .order_by(F("revisited_at").asc(nulls_first=True), "-published_at", "pk")
        .values_list("external_id", flat=True)[:limit]
    )


def topic_posts_filtered(*, topic: Topic, filters: DashboardFilter):
    posts = topic.posts.filter(
        published_at__gte=filters.start_at, published_at__lt=filters.end_at
    ).select_related("source")
    if filters.source_id:
        posts = posts.filter(source_id=filters.source_id)
    return posts.order_by("published_at", "pk")


def topic_source_choices(*, topic: Topic) -> list[tuple[int, str]]:
    return list(topic.sources.order_by("name").values_list("pk", "name"))


def volume_by_day(rows: list[dict]) -> dict:
    result: dict = defaultdict(int)
    for row in rows:
        result[timezone.localtime(row["start"]).date()] += row["volume"]
    return dict(result)
