"""Every figure of a decision report, computed from plain inputs (reports.selectors.ReportInputs).

No ORM here: the job reads the inputs, calls :func:`report_data` and stores what it returns.
Definitions (the report page repeats them for readers):

* **comments** in stance, sentiment, section and campaign figures are the *published top-level*
  comments (replies carry no stance; held, rejected, hidden and withdrawn comments are counted
  under moderation only); **public replies** are published replies under a published comment
  (the consultation page shows no reply of a comment it does not show);
* **participants** are the distinct people who commented (any state), wrote a statement or voted;
* **per day** counts what was submitted that day (Asia/Taipei), whatever its moderation; votes are
  dated by their latest change;
* **sentiment** is the NLP engine's stored reading (sentiment.TextAnalysis) of each comment;
  comments not analysed yet are counted as such, never guessed;
* **controversy** of a section is ``2·min(support, oppose) / (support + oppose)``: 1 when support
  and opposition are equal, 0 when one side is absent;
* **keywords** of a section are the NLP engine's keywords of its comments (stored with each
  analysis; computed now for comments not analysed yet) added up: a word ranks by the sum of its
  per-comment scores, then by how many comments have it;
* **campaigns** are near-duplicate groups (sentiment.nlp.duplicates, MinHash-LSH, Jaccard ≥ 0.8);
  collapsing a campaign to one voice keeps one comment per group with the group's most common
  stance (ties: the stance of the group's earliest comment);
* **social media** counts the posts of the listening topics linked to the consultation, published
  from 14 days before it opens to 14 days after it closes (or the cut-off, if sooner), by local
  day of publication and by the engine's sentiment; *missed* words are defined in :func:`social`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import numpy as np

from participation import opinion_groups as og

from .schema import (
    SCHEMA_VERSION,
    Campaigns,
    Moderation,
    OpinionGroups,
    ReportData,
    ResponseRow,
    SectionRow,
    Social,
)
from .selectors import ReportInputs
from .summaries import (
    Tokenize,
    content_words,
    extractive_summary,
    select,
    sentence_candidates,
)

STANCES = ("support", "oppose", "suggest")
SENTIMENTS = ("positive", "neutral", "negative")
GENERAL = "general"  # the key of comments on the whole draft (no section)
SUMMARY_SENTENCES = 3
SECTION_KEYWORDS = 8
GROUP_POINTS_MAX = 3000  # participants drawn in the opinion map (all groups keep their sizes)
DUPLICATE_THRESHOLD = 0.8
OPINION_GROUP_PARAMS = {"min_votes": og.DEFAULT_MIN_VOTES, "k_range": og.K_RANGE, "seed": 0}

Progress = Callable[[int, str], None]


def _noop(_percent: int, _stage: str) -> None:
    return None


def published_top_level(comments: list[dict]) -> list[dict]:
    return [c for c in comments if c["state"] == "published" and c["parent_id"] is None]


def public_replies(comments: list[dict]) -> list[dict]:
    """Replies the public sees: published, under a published comment (the consultation page
    shows no reply of a hidden, held or withdrawn comment, an agency's reply included)."""
    published = {c["id"] for c in comments if c["state"] == "published"}
    return [
        c
        for c in comments
        if c["parent_id"] and c["id"] in published and c["parent_id"] in published
    ]


def stance_counts(comments: list[dict]) -> dict[str, int]:
    counts = Counter(c["stance"] for c in comments)
    return {s: counts.get(s, 0) for s in STANCES}


def sentiment_counts(comments: list[dict]) -> dict[str, int]:
    counts = Counter(c["sentiment"] or "unanalysed" for c in comments)
    return {s: counts.get(s, 0) for s in (*SENTIMENTS, "unanalysed")}


def shares(counts: dict[str, int]) -> dict[str, float]:
    total = sum(counts.values())
    return {k: round(v / total, 4) if total else 0.0 for k, v in counts.items()}


def controversy(stances: dict[str, int]) -> float:
    s, o = stances.get("support", 0), stances.get("oppose", 0)
    return round(2 * min(s, o) / (s + o), 4) if s + o else 0.0


# --- 1. summary ----------------------------------------------------------------------------


def participation(inputs: ReportInputs) -> dict:
    comments = inputs.comments
    published = published_top_level(comments)
    people: set[tuple[str, int]] = {("u", c["author_id"]) for c in comments}

    def identity(participant_id: int) -> tuple[str, int]:
        user_id = inputs.participant_users.get(participant_id)
        return ("u", user_id) if user_id is not None else ("p", participant_id)

    for statement in inputs.statements:
        if statement["author_participant_id"] is not None:
            people.add(identity(statement["author_participant_id"]))
    voters = np.unique(inputs.vote_participants)
    people.update(identity(int(p)) for p in voters)

    per_day: dict[str, Counter] = {}
    for c in comments:
        if c["parent_id"] is None:  # as "comments received": the day's sum is that figure
            per_day.setdefault(c["date"], Counter())["comments"] += 1
    for s in inputs.statements:
        per_day.setdefault(s["date"], Counter())["statements"] += 1
    for day, n in inputs.votes_per_day.items():
        per_day.setdefault(day, Counter())["votes"] += n
    for p in inputs.petitions:
        per_day.setdefault(p["date"], Counter())["petitions"] += 1
    return {
        "participants": len(people),
        "voters": len(voters),
        "comments_submitted": sum(1 for c in comments if c["parent_id"] is None),
        "comments": len(published),
        "replies": len(public_replies(comments)),
        "statements": sum(1 for s in inputs.statements if s["in_groups"]),
        "statements_submitted": len(inputs.statements),
        "votes": len(inputs.vote_values),
        "petitions": len(inputs.petitions),
        "per_day": [
            {
                "date": day,
                **{k: per_day[day].get(k, 0) for k in ("comments", "statements", "votes")},
                "petitions": per_day[day].get("petitions", 0),
            }
            for day in sorted(per_day)
        ],
    }


def stance_sentiment(published: list[dict]) -> dict[str, dict[str, int]]:
    return {
        stance: sentiment_counts([c for c in published if c["stance"] == stance])
        for stance in STANCES
    }


# --- 2. per section ------------------------------------------------------------------------


def _representative_comments(group: list[dict], words: dict[int, list[str]]) -> list[dict]:
    """The most central comment of each stance (centroid of that stance's comments)."""
    out = []
    for stance in STANCES:
        items = [(c["id"], c["body"], words[c["id"]]) for c in group if c["stance"] == stance]
        for chosen in select(items, count=1):
            out.append(
                {
                    "comment_id": chosen["comment_id"],
                    "stance": stance,
                    "excerpt": _excerpt(chosen["text"]),
                }
            )
    return out


def _excerpt(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def top_keywords(keyword_lists: list[list[dict]], count: int = SECTION_KEYWORDS) -> list[dict]:
    """Sum of per-comment keyword scores; ties by the number of comments with the word."""
    score: Counter = Counter()
    texts: Counter = Counter()
    for keywords in keyword_lists:
        for k in keywords:
            score[k["word"]] += float(k["score"])
        texts.update({k["word"] for k in keywords})
    ranked = sorted(score, key=lambda w: (-round(score[w], 9), -texts[w], w))[:count]
    return [{"word": w, "texts": texts[w], "score": round(score[w], 4)} for w in ranked]


def sections(
    inputs: ReportInputs,
    published: list[dict],
    words: dict[int, list[str]],
    keywords: dict[int, list[dict]],
    candidates: dict,
) -> list[SectionRow]:
    known = {s["id"] for s in inputs.sections}
    rows = []
    for section in [*inputs.sections, None]:
        key = section["id"] if section else None
        group = [
            c
            for c in published
            if (c["section_id"] == key if key is not None else c["section_id"] not in known)
        ]
        if section is None and not group:
            continue
        stances = stance_counts(group)
        summary = {
            stance: extractive_summary(
                [c["id"] for c in group if c["stance"] == stance], candidates, count=1
            )
            for stance in STANCES
        }
        rows.append(
            {
                "id": key if key is not None else GENERAL,
                "number": section["number"] if section else "",
                "text": section["text"] if section else "",
                "comments": len(group),
                "comment_ids": [c["id"] for c in group],
                "stance": stances,
                "sentiment": sentiment_counts(group),
                "controversy": controversy(stances),
                "keywords": top_keywords([keywords[c["id"]] for c in group]),
                "representative": _representative_comments(group, words),
                "summary": summary,
            }
        )
    return rows


# --- 3. opinion groups ----------------------------------------------------------------------


def opinion_groups(inputs: ReportInputs) -> OpinionGroups:
    statement_ids = [s["id"] for s in inputs.statements if s["in_groups"]]
    matrix = og.vote_matrix(
        inputs.vote_participants.tolist(),
        inputs.vote_statements.tolist(),
        inputs.vote_values.tolist(),
        statements=statement_ids,
    )
    result = og.opinion_groups(
        matrix,
        min_votes=OPINION_GROUP_PARAMS["min_votes"],
        k_range=OPINION_GROUP_PARAMS["k_range"],
        seed=OPINION_GROUP_PARAMS["seed"],
    )
    data = result.as_dict()
    coordinates = data.pop("coordinates")
    assignments = data.pop("assignments")
    # A seeded sample of points for the map; sizes and statistics use every participant.
    keys = sorted(coordinates, key=int)
    if len(keys) > GROUP_POINTS_MAX:
        rng = np.random.default_rng(0)
        keys = sorted(rng.choice(keys, GROUP_POINTS_MAX, replace=False).tolist(), key=int)
    data["points"] = [[*coordinates[k], assignments[k]] for k in keys]
    texts = {s["id"]: s["text"] for s in inputs.statements}
    used = {r["statement"] for g in data["groups"] for r in g["repness"]}
    used |= {r["statement"] for r in data["consensus"]} | {r["statement"] for r in data["divisive"]}
    data["statement_texts"] = {str(sid): texts[sid] for sid in sorted(used)}
    data["params"] = {
        "min_votes": OPINION_GROUP_PARAMS["min_votes"],
        "k_range": list(OPINION_GROUP_PARAMS["k_range"]),
        "seed": OPINION_GROUP_PARAMS["seed"],
    }
    return data


# --- 4. campaigns -------------------------------------------------------------------------


def campaigns(published: list[dict]) -> Campaigns:
    from sentiment.nlp.duplicates import find_near_duplicates

    found = find_near_duplicates(
        [c["body"] for c in published],
        [c["id"] for c in published],
        threshold=DUPLICATE_THRESHOLD,
    )
    stance_of = {c["id"]: c["stance"] for c in published}
    grouped: set[int] = set()
    collapsed = Counter()
    groups = []
    for group in found["groups"]:
        ids = group["ids"]
        grouped.update(ids)
        counts = Counter(stance_of[i] for i in ids)
        top = max(counts.values())
        majority = next(stance_of[i] for i in ids if counts[stance_of[i]] == top)
        collapsed[majority] += 1
        groups.append(
            {
                "ids": ids,
                "size": group["size"],
                "representative_id": ids[0],
                "representative": _excerpt(group["representative"], 200),
                "similarity": group["similarity"],
                "stance": {s: counts.get(s, 0) for s in STANCES},
                "voice": majority,
            }
        )
    for c in published:
        if c["id"] not in grouped:
            collapsed[c["stance"]] += 1
    return {
        "threshold": DUPLICATE_THRESHOLD,
        "comments": len(published),
        "groups": groups,
        "in_campaigns": len(grouped),
        "unique_share": found["unique_share"],
        "campaign_share": found["campaign_share"],
        "stance_raw": stance_counts(published),
        "stance_collapsed": {s: collapsed.get(s, 0) for s in STANCES},
    }


# --- 5. social media ------------------------------------------------------------------------

SOCIAL_KEYWORDS = 15
MISSED_MIN_POSTS = 3  # a word must be in at least this many posts (and 1% of them)
MISSED_MIN_LIFT = 4.0  # and at least this many times more common outside than inside


def net_sentiment(positive: int, negative: int) -> float | None:
    return round((positive - negative) / (positive + negative), 4) if positive + negative else None


def _social_topic(topic: dict) -> dict:
    per_day: dict[str, Counter] = {}
    totals: Counter = Counter()
    for row in topic["days"]:
        label = row["sentiment"] or "unanalysed"
        per_day.setdefault(row["date"], Counter())[label] += row["n"]
        totals[label] += row["n"]
    days = []
    for day in sorted(per_day):
        counts = per_day[day]
        days.append(
            {
                "date": day,
                "volume": sum(counts.values()),
                **{k: counts.get(k, 0) for k in (*SENTIMENTS, "unanalysed")},
                "net_sentiment": net_sentiment(counts["positive"], counts["negative"]),
            }
        )
    return {
        "id": topic["id"],
        "name": topic["name"],
        "query": topic["query"],
        "posts": sum(totals.values()),
        "sentiment": {k: totals.get(k, 0) for k in (*SENTIMENTS, "unanalysed")},
        "net_sentiment": net_sentiment(totals["positive"], totals["negative"]),
        "days": days,
        "sources": topic["sources"],
    }


def social(inputs: ReportInputs, published: list[dict], words: dict[int, list[str]]) -> Social:
    """Linked listening topics beside the platform, and the words social media uses that the
    consultation's comments hardly do.

    A word's *posts* / *comments* count the documents holding it (each document once). It is
    *missed* when it is in at least max(3, 1%) of the posts and ``lift`` — its share of posts
    over its share of comments, each with one document added on both sides so that a word absent
    from the comments stays finite — is at least 4.
    """
    source = inputs.social
    if not source["topics"]:
        return {"connected": False}
    topics = [_social_topic(t) for t in source["topics"]]
    outside: Counter = Counter()
    analysed = [t for t in source["post_tokens"] if t is not None]
    for tokens in analysed:
        outside.update(set(content_words(tokens)))
    inside: Counter = Counter()
    for c in published:
        inside.update(set(words[c["id"]]))
    n_out, n_in = len(analysed), len(published)

    def row(word: str) -> dict:
        k_out, k_in = outside[word], inside.get(word, 0)
        return {
            "word": word,
            "posts": k_out,
            "post_share": round(k_out / n_out, 4) if n_out else 0.0,
            "comments": k_in,
            "comment_share": round(k_in / n_in, 4) if n_in else 0.0,
            "lift": round(((k_out + 1) / (n_out + 1)) / ((k_in + 1) / (n_in + 1)), 2),
        }

    ranked = sorted(outside, key=lambda w: (-outside[w], w))
    floor = max(MISSED_MIN_POSTS, math.ceil(0.01 * n_out))
    missed = [
        r for r in (row(w) for w in ranked if outside[w] >= floor) if r["lift"] >= MISSED_MIN_LIFT
    ]
    platform = sentiment_counts(published)
    return {
        "connected": True,
        "window": source["window"],
        "topics": topics,
        "posts": source["posts"],
        "posts_capped": source["capped"],
        "posts_analysed": n_out,
        "comments": n_in,
        "platform_net_sentiment": net_sentiment(platform["positive"], platform["negative"]),
        "top_outside": [row(w) for w in ranked[:SOCIAL_KEYWORDS]],
        "missed": missed[:SOCIAL_KEYWORDS],
        "missed_rule": {"min_posts": floor, "min_lift": MISSED_MIN_LIFT},
    }


# --- 6. moderation ------------------------------------------------------------------------

OUTCOMES = ("publish", "publish_masked", "hold", "reject")


def moderation(inputs: ReportInputs) -> Moderation:
    by_kind: dict[str, dict[str, int]] = {}
    rules: dict[str, Counter] = {}
    for s in inputs.submissions:
        bucket = by_kind.setdefault(s["kind"], dict.fromkeys(OUTCOMES, 0))
        bucket[s["outcome"]] = bucket.get(s["outcome"], 0) + 1
        for rule in s["rules"]:
            rules.setdefault(rule, Counter())[s["outcome"]] += 1
    decisions: dict[tuple[str, str], int] = Counter(
        (d["action"], d["rule"] or "") for d in inputs.decisions
    )
    # A decision another moderator overturned on appeal still happened, but it no longer
    # stands: the count says how many of each no longer do.
    overturned: Counter = Counter(
        (d["action"], d["rule"] or "") for d in inputs.decisions if d.get("overturned")
    )
    comment_states = Counter(c["state"] for c in inputs.comments)
    statement_states = Counter(s["state"] for s in inputs.statements)
    return {
        "submissions": by_kind,
        "rules": [
            {"rule": rule, "total": sum(c.values()), **{o: c.get(o, 0) for o in OUTCOMES}}
            for rule, c in sorted(rules.items(), key=lambda e: (-sum(e[1].values()), e[0]))
        ],
        "decisions": [
            {"action": action, "rule": rule, "count": n, "overturned": overturned[action, rule]}
            for (action, rule), n in sorted(decisions.items(), key=lambda e: (-e[1], e[0]))
        ],
        "comment_states": dict(sorted(comment_states.items())),
        "statement_states": dict(sorted(statement_states.items())),
        "held_now": comment_states.get("held", 0) + statement_states.get("held", 0),
        "rejected_now": comment_states.get("rejected", 0) + statement_states.get("rejected", 0),
    }


# --- 7. response table --------------------------------------------------------------------


def response_table(
    section_rows: list[SectionRow], agency_decisions: dict[int, dict] | None = None
) -> list[ResponseRow]:
    """One row per section: what the comments said and, once the agency has published its
    response by the cut-off, its decision (a code) and reason for that section."""
    decided = agency_decisions or {}
    rows = []
    for row in section_rows:
        agency = decided.get(row["id"], {})  # the whole draft's row (GENERAL) has none
        lines = []
        for stance in STANCES:
            for sentence in row["summary"][stance]:
                lines.append(
                    {
                        "stance": stance,
                        "comment_id": sentence["comment_id"],
                        "text": sentence["text"],
                    }
                )
        rows.append(
            {
                "section": row["id"],
                "number": row["number"],
                "text": _excerpt(row["text"], 120),
                "comments": row["comments"],
                "stance": row["stance"],
                "keywords": [k["word"] for k in row["keywords"][:5]],
                "summary": lines,
                "decision": agency.get("decision", ""),
                "reason": agency.get("reason", ""),
            }
        )
    return rows


# --- everything -----------------------------------------------------------------------------


def report_data(
    inputs: ReportInputs,
    *,
    tokenize: Tokenize,
    keywords: Callable[[list[list[str]]], list[list[dict]]],
    progress: Progress = _noop,
) -> ReportData:
    published = published_top_level(inputs.comments)
    progress(15, "participation")
    summary = participation(inputs)
    stances = stance_counts(published)
    sentiments = sentiment_counts(published)

    progress(20, "segmentation")
    # Stored tokens come from the engine's analysis; unanalysed comments are segmented now.
    missing = [c for c in published if not c["tokens"]]
    fresh = tokenize([c["body"] for c in missing]) if missing else []
    segmented = {c["id"]: t for c, t in zip(missing, fresh, strict=True)}
    tokens = {c["id"]: c["tokens"] or segmented[c["id"]] for c in published}
    words = {cid: content_words(t) for cid, t in tokens.items()}
    # Stored keywords come with the analysis; the others are extracted now, per comment.
    unkeyed = [c for c in published if not c.get("keywords")]
    fresh_keywords = keywords([tokens[c["id"]] for c in unkeyed]) if unkeyed else []
    keyword_lists = {c["id"]: c.get("keywords") or [] for c in published}
    keyword_lists.update({c["id"]: k for c, k in zip(unkeyed, fresh_keywords, strict=True)})
    candidates = sentence_candidates(published, tokenize)

    progress(35, "summary")
    summary.update(
        stance=stances,
        stance_shares=shares(stances),
        sentiment=sentiments,
        sentiment_shares=shares({k: v for k, v in sentiments.items() if k != "unanalysed"}),
        stance_sentiment=stance_sentiment(published),
        extractive={
            stance: extractive_summary(
                [c["id"] for c in published if c["stance"] == stance],
                candidates,
                count=SUMMARY_SENTENCES,
            )
            for stance in STANCES
        },
    )

    progress(45, "sections")
    section_rows = sections(inputs, published, words, keyword_lists, candidates)

    progress(65, "opinion_groups")
    groups = opinion_groups(inputs)

    progress(80, "campaigns")
    campaign = campaigns(published)

    progress(85, "social")
    social_media = social(inputs, published, words)

    progress(90, "moderation")
    return {
        "schema_version": SCHEMA_VERSION,
        "consultation": inputs.consultation,
        "cutoff": inputs.cutoff.isoformat(),
        "summary": summary,
        "sections": section_rows,
        "opinion_groups": groups,
        "campaigns": campaign,
        "social": social_media,
        "moderation": moderation(inputs),
        "response_table": response_table(section_rows, inputs.agency_decisions),
    }
