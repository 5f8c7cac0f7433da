"""The shape of a decision report's figures (``Report.data``), versioned.

A report's figures are computed once by the worker (:func:`reports.builder.report_data`) and
stored as JSON. The types below say what that JSON holds; templates, tables, charts and exports
read it by these keys. ``schema_version`` says which shape a stored snapshot has: a reader
never sees an older shape, because :func:`report_data_load` upgrades it in memory and the
migration ``reports/0003`` upgrades the stored rows.

Changing the shape: add ``_upgrade_<n>_to_<n+1>`` (a pure function on the JSON; once released
never edit it, migrations call it), register it in ``UPGRADES``, raise ``SCHEMA_VERSION``, and
add a data migration that calls ``report_data_upgrade(data, to_version=<n+1>)``.

Versions:

* **1** (``"schema": 1``): the first stored shape. Snapshots from before social listening and
  the statement texts of the opinion map lack ``social`` and ``opinion_groups.statement_texts``.
* **2** (``"schema_version": 2``): the version under its own name; every part always present
  (``social`` is ``{"connected": False}`` when no listening topic is linked).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, Literal, NotRequired, TypedDict

SCHEMA_VERSION = 2


# --- the parts ------------------------------------------------------------------------------

StanceCounts = dict[str, int]  # "support" | "oppose" | "suggest" → count
SentimentCounts = dict[str, int]  # "positive" | "neutral" | "negative" | "unanalysed" → count
Shares = dict[str, float]  # the same keys → share of the total, 0..1


class ConsultationInfo(TypedDict):
    id: int
    title: str
    slug: str
    agency: str
    agency_code: str
    opens_at: str  # ISO 8601
    closes_at: str
    url: str


class DayCounts(TypedDict):
    date: str  # local (Asia/Taipei) ISO date
    comments: int
    statements: int
    votes: int
    petitions: int


class SummarySentence(TypedDict):
    comment_id: int
    text: str


class Summary(TypedDict):
    participants: int
    voters: int
    comments_submitted: int
    comments: int
    replies: int
    statements: int
    statements_submitted: int
    votes: int
    petitions: int
    per_day: list[DayCounts]
    stance: StanceCounts
    stance_shares: Shares
    sentiment: SentimentCounts
    sentiment_shares: Shares
    stance_sentiment: dict[str, SentimentCounts]  # stance → sentiment counts
    extractive: dict[str, list[SummarySentence]]  # stance → summary sentences


class Keyword(TypedDict):
    word: str
    texts: int  # comments with the word
    score: float


class RepresentativeComment(TypedDict):
    comment_id: int
    stance: str
    excerpt: str


class SectionRow(TypedDict):
    id: int | Literal["general"]  # "general": comments on the whole draft
    number: str  # 條次, "" for the whole draft
    text: str
    comments: int
    comment_ids: list[int]
    stance: StanceCounts
    sentiment: SentimentCounts
    controversy: float
    keywords: list[Keyword]
    representative: list[RepresentativeComment]
    summary: dict[str, list[SummarySentence]]  # stance → summary sentences


class OpinionGroup(TypedDict):
    id: int
    size: int
    centre: list[float]
    repness: list[dict[str, Any]]  # participation.opinion_groups.Repness as a dict


class OpinionGroups(TypedDict):
    """participation.opinion_groups.OpinionGroups.as_dict(), with the map's points and texts."""

    n_participants: int
    n_statements: int
    n_in_conversation: int
    min_votes: int
    k: int  # 0: no groups (``reason`` says why)
    silhouettes: dict[str, float]
    explained_variance_ratio: list[float]
    groups: list[OpinionGroup]
    consensus: list[dict[str, Any]]
    divisive: list[dict[str, Any]]
    reason: str
    points: list[list[float | int]]  # [x, y, group]
    statement_texts: dict[str, str]  # statement id → text
    params: dict[str, Any]


class CampaignGroup(TypedDict):
    ids: list[int]
    size: int
    representative_id: int
    representative: str
    similarity: float
    stance: StanceCounts
    voice: str  # the group's most common stance


class Campaigns(TypedDict):
    threshold: float
    comments: int
    groups: list[CampaignGroup]
    in_campaigns: int
    unique_share: float
    campaign_share: float
    stance_raw: StanceCounts
    stance_collapsed: StanceCounts


class SocialDay(TypedDict):
    date: str
    volume: int
    positive: int
    neutral: int
    negative: int
    unanalysed: int
    net_sentiment: float | None


class SocialTopic(TypedDict):
    id: int
    name: str
    query: str
    posts: int
    sentiment: SentimentCounts
    net_sentiment: float | None
    days: list[SocialDay]
    sources: list[Any]


class SocialWord(TypedDict):
    word: str
    posts: int
    post_share: float
    comments: int
    comment_share: float
    lift: float


class Social(TypedDict):
    """Social listening beside the platform; only ``connected`` when no topic is linked."""

    connected: bool
    window: NotRequired[dict[str, str]]
    topics: NotRequired[list[SocialTopic]]
    posts: NotRequired[int]
    posts_capped: NotRequired[bool]
    posts_analysed: NotRequired[int]
    comments: NotRequired[int]
    platform_net_sentiment: NotRequired[float | None]
    top_outside: NotRequired[list[SocialWord]]
    missed: NotRequired[list[SocialWord]]
    missed_rule: NotRequired[dict[str, float]]


class RuleCounts(TypedDict):
    rule: str
    total: int
    publish: int
    publish_masked: int
    hold: int
    reject: int


class DecisionCount(TypedDict):
    action: str
    rule: str
    count: int
    overturned: NotRequired[int]  # of ``count``, overturned on appeal (snapshots since 12.2026)


class Moderation(TypedDict):
    submissions: dict[str, dict[str, int]]  # kind → outcome → count
    rules: list[RuleCounts]
    decisions: list[DecisionCount]
    comment_states: dict[str, int]
    statement_states: dict[str, int]
    held_now: int
    rejected_now: int


class ResponseSentence(TypedDict):
    stance: str
    comment_id: int
    text: str


class ResponseRow(TypedDict):
    section: int | Literal["general"]
    number: str
    text: str
    comments: int
    stance: StanceCounts
    keywords: list[str]
    summary: list[ResponseSentence]
    decision: str
    reason: str


class ReportData(TypedDict):
    """Every figure of one report version (``Report.data``), schema version 2."""

    schema_version: int  # SCHEMA_VERSION
    consultation: ConsultationInfo
    cutoff: str  # ISO 8601
    summary: Summary
    sections: list[SectionRow]
    opinion_groups: OpinionGroups
    campaigns: Campaigns
    social: Social
    moderation: Moderation
    response_table: list[ResponseRow]


REPORT_PARTS = tuple(key for key in ReportData.__annotations__ if key != "schema_version")


# --- upgrades ---------------------------------------------------------------------------------


def _upgrade_1_to_2(data: dict) -> dict:
    """``schema`` → ``schema_version``; the parts older snapshots lack, filled in empty."""
    data.pop("schema", None)
    data["schema_version"] = 2
    if not data.get("social"):
        data["social"] = {"connected": False}
    groups = data.get("opinion_groups")
    if isinstance(groups, dict):
        groups.setdefault("statement_texts", {})
    return data


UPGRADES: dict[int, Callable[[dict], dict]] = {1: _upgrade_1_to_2}


class SchemaTooNew(ValueError):
    """A snapshot written by a newer version of Minyi than this one."""


def schema_version_of(data: Mapping) -> int:
    """The shape of a stored snapshot (1 for the first one, which had ``schema`` or nothing)."""
    return int(data.get("schema_version") or data.get("schema") or 1)


def report_data_upgrade(data: Mapping, *, to_version: int = SCHEMA_VERSION) -> dict:
    """A copy of ``data`` in the shape of ``to_version`` (the stored one is never changed)."""
    version = schema_version_of(data)
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(f"report schema {version} is newer than {SCHEMA_VERSION}")
    upgraded = copy.deepcopy(dict(data))
    while version < to_version:
        upgraded = UPGRADES[version](upgraded)
        version += 1
    return upgraded


def report_data_load(data: Mapping) -> ReportData:
    """A finished report's figures in the current shape, whatever shape they were stored in."""
    if schema_version_of(data) == SCHEMA_VERSION:
        return data  # type: ignore[return-value]  (stored by this version: already the shape)
    return report_data_upgrade(data)  # type: ignore[return-value]
