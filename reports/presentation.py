"""A stored report's figures as readers get them: tables, plotly charts and text alternatives.

One source for the page, the self-contained HTML, the CSV and XLSX exports: every chart is drawn
from a table that is printed beside it, and described in a sentence for screen readers.
Labels are translated at render time; the stored data holds only codes and numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from minyi.charts import count_axis, minguo_day_axis
from minyi.charts import layout as chart_layout
from minyi.home.dates import english_now, format_english_date, format_minguo_date
from minyi.numbers import format_figure, format_percent

from .schema import Moderation, ReportData, SectionRow, Social
from .selectors import (
    action_label,
    adoption_decision_label,
    item_state_label,
    item_state_of,
    outcome_label,
    rule_title,
    sentiment_label,
    stance_label,
)

STANCE_COLOURS = {"support": "#1d6b3a", "oppose": "#a32a1c", "suggest": "#5b6770"}
SENTIMENT_COLOURS = {
    "positive": "#0b5cad",
    "neutral": "#6b7280",
    "negative": "#b04a00",
    "unanalysed": "#c9ced6",
}
GROUP_COLOURS = ["#0b5cad", "#b04a00", "#1d6b3a", "#7a3b9c", "#8a6d00"]
MAX_ROWS_ON_PAGE = 50  # longer tables are cut on the page (the CSV and XLSX have every row)


def prose_day(iso: str) -> str:
    """An ISO day as the sentences around a chart write dates: 民國 in Chinese. (The tables'
    rows keep ISO days for the CSV export; the page (``Table.cells``) and the workbook
    (``exports``) show them as the site's dates.)"""
    day = date.fromisoformat(iso)
    return format_english_date(day) if english_now() else format_minguo_date(day)


# --- the models and methods a version rests on ------------------------------------------------


def _method_stage_names() -> dict[str, str]:
    return {
        "sentiment": _("Tone model"),
        "segmenter": _("Word segmentation"),
        "keywords": _("Keywords"),
        "summary": _("Summaries"),
        "opinion_groups": _("Opinion groups"),
        "near_duplicates": _("Near-duplicate detection"),
        "report_schema": _("Report data format"),
    }


def _described(stage: str, stored: Any) -> str:
    """What a stage's stored record (an English technical line, kept as it was written for
    reproducing the figures) means, in the reader's language; the record itself when it does
    not have the expected form."""
    text = str(stored)
    if stage == "segmenter" and (found := re.search(r"@(\w+)", text)):
        return _("jieba with its Traditional Chinese dictionary (dictionary %(version)s)") % {
            "version": found.group(1)
        }
    if stage == "keywords":
        return _("TF-IDF and TextRank keywords of each comment, added up per section")
    if stage == "summary":
        return _("the sentences closest to the centre (TF-IDF) of the comments")
    if stage == "opinion_groups" and (found := re.search(r"k=(\d+)-(\d+).*min_votes=(\d+)", text)):
        low, high, votes = found.groups()
        return _(
            "the Pol.is method: votes reduced to two dimensions (PCA), %(low)s to %(high)s "
            "groups by k-means, the number chosen by silhouette; people with fewer than "
            "%(votes)s votes are left out"
        ) % {"low": low, "high": high, "votes": votes}
    if stage == "near_duplicates" and (found := re.search(r">=\s*([\d.]+)", text)):
        return _(
            "MinHash-LSH on runs of 5 characters; comments at least %(threshold)s alike "
            "(Jaccard) count as copies of one another"
        ) % {"threshold": found.group(1)}
    if stage == "report_schema":
        return _("version %(version)s") % {"version": text}
    return text


def method_lines(model_versions: dict) -> list[tuple[str, str]]:
    """(stage, what it is) for each model and method a version rests on, in the reader's
    language: the report page and the workbook's 「關於本報告」 sheet list these."""
    names = _method_stage_names()
    # In the stages' own order, not the stored one: PostgreSQL's jsonb keeps keys sorted by
    # length, so the same version read "summary" first there and "sentiment" first on SQLite.
    order = {stage: n for n, stage in enumerate(names)}
    lines = []
    for stage, stored in sorted(model_versions.items(), key=lambda item: order.get(item[0], 99)):
        if isinstance(stored, dict):  # the tone model(s): name → comments read with it
            most_used_first = sorted(stored.items(), key=lambda item: (-item[1], item[0]))
            text = "、".join(
                _("%(model)s (%(n)s comments)") % {"model": model, "n": on_page(count)}
                for model, count in most_used_first
            ) or _("no comment analysed yet")
        else:
            text = _described(stage, stored)
        lines.append((names.get(stage, stage), text))
    return lines


def percent(share: float) -> str:
    """12.5%: one decimal, the site's number format."""
    return format_percent(share)


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    # column index → "comment" / "statement": the cell is an id to link
    links: dict[int, str] = field(default_factory=dict)
    numeric: set[int] = field(default_factory=set)

    @property
    def rows_on_page(self) -> list[list[Any]]:
        return self.rows[:MAX_ROWS_ON_PAGE]

    @property
    def truncated(self) -> bool:
        return len(self.rows) > MAX_ROWS_ON_PAGE

    def cells(self, comment_url: str = "") -> list[list[dict]]:
        """Rows for templates: each cell with its value, link and alignment; ``day`` is the
        date of an ISO day cell, which the page shows as the site writes dates (民國)."""
        out = []
        for row in self.rows_on_page:
            cells = []
            for i, value in enumerate(row):
                link = ""
                if self.links.get(i) == "comment" and value not in ("", None) and comment_url:
                    link = f"{comment_url}#comment-{value}"
                cells.append(
                    {
                        "value": on_page(value) if i in self.numeric and not link else value,
                        "link": link,
                        "num": i in self.numeric,
                        "day": iso_day(value),
                    }
                )
            out.append(cells)
        return out


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_day(value: Any) -> date | None:
    """The date of a cell that holds an ISO day (``2026-12-06``), else None."""
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def on_page(value: Any) -> Any:
    """A figure as the page shows it: thousands separated (49,443), a ratio rounded to two
    decimals (1.4, not 1.395878); the CSV and spreadsheet exports keep the plain number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_figure(value)
    return value


@dataclass
class Chart:
    slug: str
    title: str
    spec: dict
    alt: str
    table: str  # slug of the table with the same figures

    @property
    def data_id(self) -> str:
        return f"chart-data-{self.slug}"


# --- tables ---------------------------------------------------------------------------------


def _section_name(row: SectionRow) -> str:
    return row["number"] or _("The whole draft")


def _participation_tables(data: ReportData) -> list[Table]:
    """Participation, stance and sentiment over the whole consultation."""
    summary = data["summary"]
    found: list[Table] = []
    found.append(
        Table(
            "participation",
            _("Participation"),
            [_("Measure"), _("Count")],
            [
                [_("Participants"), summary["participants"]],
                [_("Comments submitted"), summary["comments_submitted"]],
                [_("Published comments"), summary["comments"]],
                [_("Published replies"), summary["replies"]],
                [_("Statements (in opinion groups)"), summary["statements"]],
                [_("Statements submitted"), summary["statements_submitted"]],
                [_("Votes on statements"), summary["votes"]],
                [_("Voters"), summary["voters"]],
                [_("Petitions to the agency during the comment period"), summary["petitions"]],
            ],
            numeric={1},
        )
    )
    found.append(
        Table(
            "per-day",
            _("Participation per day"),
            [_("Date"), _("Comments"), _("Statements"), _("Votes"), _("Petitions to the agency")],
            [
                [d["date"], d["comments"], d["statements"], d["votes"], d["petitions"]]
                for d in summary["per_day"]
            ],
            numeric={1, 2, 3, 4},
        )
    )
    found.append(
        Table(
            "stance",
            _("Stance of the published comments"),
            [_("Stance"), _("Comments"), _("Share of comments")],
            [
                [stance_label(s), n, percent(summary["stance_shares"][s])]
                for s, n in summary["stance"].items()
            ],
            numeric={1, 2},
        )
    )
    analysed = {k: v for k, v in summary["sentiment"].items() if k != "unanalysed"}
    found.append(
        Table(
            "sentiment",
            _("Sentiment of the published comments"),
            [_("Sentiment"), _("Comments"), _("Share of analysed comments")],
            [
                [sentiment_label(s), n, percent(summary["sentiment_shares"][s])]
                for s, n in analysed.items()
            ]
            + [[sentiment_label("unanalysed"), summary["sentiment"]["unanalysed"], "—"]],
            numeric={1, 2},
        )
    )
    sentiments = ("positive", "neutral", "negative", "unanalysed")
    found.append(
        Table(
            "stance-sentiment",
            _("Sentiment by stance"),
            [_("Stance"), *[sentiment_label(s) for s in sentiments]],
            [
                [stance_label(stance), *[counts[s] for s in sentiments]]
                for stance, counts in summary["stance_sentiment"].items()
            ],
            numeric={1, 2, 3, 4},
        )
    )
    found.append(
        Table(
            "summary-sentences",
            _("What each side said: representative sentences"),
            [_("Stance"), _("Sentence"), _("Comment"), _("Centrality")],
            [
                [stance_label(stance), s["text"], s["comment_id"], s["score"]]
                for stance, sentences in summary["extractive"].items()
                for s in sentences
            ],
            links={2: "comment"},
            numeric={3},
        )
    )

    return found


def _section_tables(data: ReportData) -> list[Table]:
    """Per section of the draft."""
    found: list[Table] = []
    sections = data["sections"]
    found.append(
        Table(
            "sections",
            _("Comments per section"),
            [
                _("Article (條次)"),
                _("Comments"),
                stance_label("support"),
                stance_label("oppose"),
                stance_label("suggest"),
                sentiment_label("positive"),
                sentiment_label("neutral"),
                sentiment_label("negative"),
                sentiment_label("unanalysed"),
                _("Controversy"),
                _("Keywords"),
            ],
            [
                [
                    _section_name(r),
                    r["comments"],
                    r["stance"]["support"],
                    r["stance"]["oppose"],
                    r["stance"]["suggest"],
                    r["sentiment"]["positive"],
                    r["sentiment"]["neutral"],
                    r["sentiment"]["negative"],
                    r["sentiment"]["unanalysed"],
                    r["controversy"],
                    "、".join(k["word"] for k in r["keywords"]),
                ]
                for r in sections
            ],
            numeric=set(range(1, 10)),
        )
    )
    found.append(
        Table(
            "section-comments",
            _("Representative comments per section"),
            [_("Article (條次)"), _("Stance"), _("Comment"), _("Excerpt")],
            [
                [_section_name(r), stance_label(c["stance"]), c["comment_id"], c["excerpt"]]
                for r in sections
                for c in r["representative"]
            ],
            links={2: "comment"},
        )
    )

    return found


def _opinion_group_tables(data: ReportData) -> list[Table]:
    """The Pol.is opinion groups and their statements."""
    found: list[Table] = []
    groups = data["opinion_groups"]
    texts = groups["statement_texts"]
    found.append(
        Table(
            "opinion-groups",
            _("Opinion groups and the statements that set each apart"),
            [
                _("Group"),
                _("Participants"),
                _("Statement"),
                _("Text"),
                _("Group's view"),
                _("Share of the group"),
                _("Share of the others"),
                _("Representativeness"),
            ],
            [
                [
                    group_name(g["id"]),
                    g["size"],
                    r["statement"],
                    texts.get(str(r["statement"]), ""),
                    _("Agree") if r["direction"] == "agree" else _("Disagree"),
                    percent(r["share"]),
                    percent(r["rest_share"]),
                    round(r["ratio"], 2),
                ]
                for g in groups.get("groups", [])
                for r in g["repness"]
                or [{"statement": "", "direction": "", "share": 0, "rest_share": 0, "ratio": 0}]
            ],
            numeric={1, 5, 6, 7},
        )
    )
    found.append(
        Table(
            "consensus",
            _("Consensus: statements every group agrees (or disagrees) with"),
            [_("Statement"), _("Text"), _("Direction"), _("Share in each group")],
            [
                [
                    c["statement"],
                    texts.get(str(c["statement"]), ""),
                    _("Agree") if c["direction"] == "agree" else _("Disagree"),
                    " / ".join(percent(s) for s in c["group_shares"]),
                ]
                for c in groups.get("consensus", [])
            ],
        )
    )
    found.append(
        Table(
            "divisive",
            _("Divisive statements"),
            [_("Statement"), _("Text"), _("Groups agreeing"), _("Groups disagreeing"), _("Spread")],
            [
                [
                    d["statement"],
                    texts.get(str(d["statement"]), ""),
                    "、".join(group_name(g) for g in d["agreeing_groups"]),
                    "、".join(group_name(g) for g in d["disagreeing_groups"]),
                    d["spread"],
                ]
                for d in groups.get("divisive", [])
            ],
            numeric={4},
        )
    )

    return found


def _campaign_tables(data: ReportData) -> list[Table]:
    """Coordinated campaigns found among the comments."""
    found: list[Table] = []
    campaign = data["campaigns"]
    found.append(
        Table(
            "campaigns",
            _("Campaigns: groups of near-identical comments"),
            [
                _("Campaign"),
                _("Comments"),
                _("Similarity"),
                stance_label("support"),
                stance_label("oppose"),
                stance_label("suggest"),
                _("Counted as"),
                _("First comment"),
                _("Text"),
            ],
            [
                [
                    i,
                    g["size"],
                    g["similarity"],
                    g["stance"]["support"],
                    g["stance"]["oppose"],
                    g["stance"]["suggest"],
                    stance_label(g["voice"]),
                    g["representative_id"],
                    g["representative"],
                ]
                for i, g in enumerate(campaign["groups"], start=1)
            ],
            links={7: "comment"},
            numeric={0, 1, 2, 3, 4, 5},
        )
    )
    found.append(
        Table(
            "campaign-stance",
            _("Stance with and without collapsing campaigns"),
            [_("Stance"), _("Every comment"), _("Each campaign as one voice")],
            [
                [stance_label(s), campaign["stance_raw"][s], campaign["stance_collapsed"][s]]
                for s in campaign["stance_raw"]
            ],
            numeric={1, 2},
        )
    )

    return found


# The states a moderation table and its sentence list, in this order (the screens' words).
ITEM_STATES = ("visible", "held", "hidden", "rejected", "withdrawn")
NOT_PUBLIC = ("held", "hidden", "rejected")


def moderation_states(mod: Moderation) -> dict[str, dict[str, int]]:
    """kind → item state → count: the stored states (``published``, ``accepted``…) in the words
    moderators' screens use, so that the table and the sentence above it say the same."""
    out: dict[str, dict[str, int]] = {}
    stored_states = {"comment": mod["comment_states"], "statement": mod["statement_states"]}
    for kind, stored in stored_states.items():
        counts: dict[str, int] = {}
        for code, n in stored.items():
            state = item_state_of(kind, code)
            counts[state] = counts.get(state, 0) + n
        if counts:
            order = {state: i for i, state in enumerate(ITEM_STATES)}
            out[kind] = dict(sorted(counts.items(), key=lambda e: order.get(e[0], len(order))))
    return out


def moderation_not_public(data: ReportData) -> str:
    """The section's first sentence: what is not public at the cut-off, by the same states and
    words as the table 「Where submissions stand now」 (the sentence said 「held: 0」 beside a
    table that listed a hidden comment)."""
    totals = dict.fromkeys(NOT_PUBLIC, 0)
    for states in moderation_states(data["moderation"]).values():
        for state in NOT_PUBLIC:
            totals[state] += states.get(state, 0)
    parts = [
        _("%(state)s: %(count)s") % {"state": item_state_label(state), "count": on_page(n)}
        for state, n in totals.items()
    ]
    return _("Not public at the data cut-off: %(states)s.") % {"states": _("; ").join(parts)}


def _moderation_tables(data: ReportData) -> list[Table]:
    """What moderation held, hid and rejected."""
    found: list[Table] = []
    mod = data["moderation"]
    kinds = {"comment": _("Comments"), "statement": _("Statements")}
    found.append(
        Table(
            "moderation-outcomes",
            _("Automatic screening of submissions"),
            [_("Kind"), _("Outcome"), _("Submissions")],
            [
                [kinds.get(kind, kind), outcome_label(outcome), n]
                for kind, outcomes in mod["submissions"].items()
                for outcome, n in outcomes.items()
            ],
            numeric={2},
        )
    )
    found.append(
        Table(
            "moderation-rules",
            _("Submissions by house rule"),
            [
                _("Rule"),
                _("Submissions"),
                outcome_label("publish"),
                outcome_label("publish_masked"),
                outcome_label("hold"),
                outcome_label("reject"),
            ],
            [
                [
                    rule_title(r["rule"]),
                    r["total"],
                    r["publish"],
                    r["publish_masked"],
                    r["hold"],
                    r["reject"],
                ]
                for r in mod["rules"]
            ],
            numeric={1, 2, 3, 4, 5},
        )
    )
    found.append(
        Table(
            "moderation-decisions",
            _("Moderators' decisions"),
            [_("Decision"), _("Rule"), _("Count"), _("Overturned on appeal")],
            [
                [
                    action_label(d["action"]),
                    rule_title(d["rule"]) if d["rule"] else "—",
                    d["count"],
                    d.get("overturned", 0),
                ]
                for d in mod["decisions"]
            ],
            numeric={2, 3},
        )
    )
    found.append(
        Table(
            "moderation-states",
            _("Where submissions stand now"),
            [_("Kind"), _("State"), _("Count")],
            [
                [kinds[kind], item_state_label(state), n]
                for kind, states in moderation_states(mod).items()
                for state, n in states.items()
            ],
            numeric={2},
        )
    )
    return found


TABLE_GROUPS = (
    _participation_tables,
    _section_tables,
    _opinion_group_tables,
    _campaign_tables,
    _moderation_tables,
)


def tables(data: ReportData) -> dict[str, Table]:
    out: dict[str, Table] = {}

    def add(table: Table) -> None:
        out[table.slug.replace("-", "_")] = table

    for build in TABLE_GROUPS:
        for table in build(data):
            add(table)
    for table in social_tables(data["social"]):
        add(table)
    add(response_table(data))
    return out


def _net(value: float | None) -> str:
    return "—" if value is None else f"{value:+.2f}"


def social_tables(social: Social) -> list[Table]:
    if not social.get("connected"):
        return []
    topics = social["topics"]
    # With no published comment there is nothing to hold the posts' words against: the comment
    # columns would be zeros and the ratio a number without meaning.
    compared = social["comments"] > 0
    words_columns = [_("Word"), _("Posts with it"), _("Share of posts")]
    if compared:
        words_columns += [_("Comments with it"), _("Share of comments"), _("Ratio")]
    words_numeric = set(range(1, len(words_columns)))

    def word_rows(rows: list[dict]) -> list[list[Any]]:
        return [
            [r["word"], r["posts"], percent(r["post_share"])]
            + ([r["comments"], percent(r["comment_share"]), f"{r['lift']:.1f}"] if compared else [])
            for r in rows
        ]

    return [
        Table(
            "social-topics",
            _("Linked listening topics"),
            [
                _("Topic"),
                _("Query"),
                _("Posts"),
                sentiment_label("positive"),
                sentiment_label("neutral"),
                sentiment_label("negative"),
                _("Not analysed yet"),
                _("Net sentiment"),
            ],
            [
                [
                    t["name"],
                    t["query"],
                    t["posts"],
                    *(t["sentiment"][k] for k in ("positive", "neutral", "negative")),
                    t["sentiment"]["unanalysed"],
                    _net(t["net_sentiment"]),
                ]
                for t in topics
            ],
            numeric={2, 3, 4, 5, 6, 7},
        ),
        Table(
            "social-per-day",
            _("Social media per day"),
            [
                _("Date"),
                _("Topic"),
                _("Posts"),
                sentiment_label("positive"),
                sentiment_label("neutral"),
                sentiment_label("negative"),
                _("Net sentiment"),
            ],
            [
                [
                    d["date"],
                    t["name"],
                    d["volume"],
                    d["positive"],
                    d["neutral"],
                    d["negative"],
                    _net(d["net_sentiment"]),
                ]
                for t in topics
                for d in t["days"]
            ],
            numeric={2, 3, 4, 5, 6},
        ),
        Table(
            "social-sources",
            _("Posts by source"),
            [_("Topic"), _("Source"), _("Posts")],
            [[t["name"], s["source"], s["n"]] for t in topics for s in t["sources"]],
            numeric={2},
        ),
        Table(
            "social-missed",
            _("Words frequent on social media but rare in the comments"),
            words_columns,
            word_rows(social["missed"]),
            numeric=words_numeric,
        ),
        Table(
            "social-top-words",
            _("Most frequent words on social media"),
            words_columns,
            word_rows(social["top_outside"]),
            numeric=words_numeric,
        ),
    ]


def social_charts(social: Social) -> dict[str, Chart]:
    if not social.get("connected") or not any(t["days"] for t in social["topics"]):
        return {}
    topics = social["topics"]
    dates = sorted({d["date"] for t in topics for d in t["days"]})

    def per_topic(field: str, yaxis: dict) -> dict:
        """One line per topic of ``field`` by day (gaps stay gaps)."""
        return {
            "data": [
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": t["name"],
                    "x": [d["date"] for d in t["days"]],
                    "y": [d[field] for d in t["days"]],
                    "line": {"color": GROUP_COLOURS[i % len(GROUP_COLOURS)]},
                    "connectgaps": False,
                }
                for i, t in enumerate(topics)
            ],
            "layout": chart_layout(xaxis=minguo_day_axis(dates), yaxis=yaxis),
        }

    most_posts = max(d["volume"] for t in topics for d in t["days"])
    volume = per_topic("volume", count_axis(most_posts, title={"text": _("Posts")}))
    sentiment = per_topic(
        "net_sentiment", {"title": {"text": _("Net sentiment")}, "range": [-1.05, 1.05]}
    )
    busiest = max(((d, t) for t in topics for d in t["days"]), key=lambda pair: pair[0]["volume"])
    return {
        "social_volume": Chart(
            "social-volume",
            _("Social media posts per day"),
            volume,
            _(
                "One line per linked topic from %(first)s to %(last)s: %(posts)s posts in all; "
                "the busiest day was %(day)s with %(count)s posts on %(topic)s. The table below "
                "lists every day."
            )
            % {
                "first": prose_day(dates[0]),
                "last": prose_day(dates[-1]),
                "posts": on_page(sum(t["posts"] for t in topics)),
                "day": prose_day(busiest[0]["date"]),
                "count": on_page(busiest[0]["volume"]),
                "topic": busiest[1]["name"],
            },
            "social-per-day",
        ),
        "social_sentiment": Chart(
            "social-sentiment",
            _("Net sentiment of social media per day"),
            sentiment,
            _social_sentiment_caption(social),
            "social-per-day",
        ),
    }


def _social_sentiment_caption(social: Social) -> str:
    """The caption holds the posts against the platform's comments only when there is a tone to
    hold them against."""
    rule = _(
        "Net sentiment, (positive − negative) / (positive + negative), per day and topic, "
        "from −1 (all negative) to +1 (all positive)."
    )
    if not social["comments"]:
        comparison = _("The consultation has no published comment to compare them with.")
    elif social["platform_net_sentiment"] is None:
        comparison = _(
            "The published comments on the platform are neither positive nor negative, so "
            "there is no net sentiment to compare them with."
        )
    else:
        comparison = _(
            "For comparison, the published comments on the platform stand at %(platform)s."
        ) % {"platform": _net(social["platform_net_sentiment"])}
    gap = " " if english_now() else ""  # between sentences: none in Chinese
    return gap.join((rule, comparison, _("The table below lists every day.")))


def table_by_slug(data: ReportData, slug: str) -> Table | None:
    return next((t for t in tables(data).values() if t.slug == slug), None)


def response_table(data: ReportData) -> Table:
    return Table(
        "response-table",
        _("Response table (對照表) draft"),
        [
            _("Article (條次)"),
            _("Article text"),
            _("Comments"),
            stance_label("support"),
            stance_label("oppose"),
            stance_label("suggest"),
            _("Keywords"),
            _("Summary of comments"),
            _("Agency decision"),
            _("Reason"),
        ],
        [
            [
                r["number"] or _("The whole draft"),
                r["text"],
                r["comments"],
                r["stance"]["support"],
                r["stance"]["oppose"],
                r["stance"]["suggest"],
                "、".join(r["keywords"]),
                "\n".join(
                    f"[{stance_label(s['stance'])}] {s['text']} (#{s['comment_id']})"
                    for s in r["summary"]
                ),
                adoption_decision_label(r["decision"]),
                r["reason"],
            ]
            for r in data["response_table"]
        ],
        numeric={2, 3, 4, 5},
    )


def agency_decided(data: ReportData) -> bool:
    """Whether the response table holds the agency's decisions (its response was published
    by the cut-off) or is still the blank draft for the agency to fill in."""
    return any(row["decision"] for row in data["response_table"])


def group_name(index: int) -> str:
    return _("Group %(letter)s") % {"letter": "ABCDEFGHIJ"[index] if index < 10 else index}


# --- charts ---------------------------------------------------------------------------------


def _per_day_chart(days: list[dict]) -> Chart:
    """Comments and statements (bars) and votes (a line on its own axis) per day."""
    dates = [d["date"] for d in days]
    bars = [
        {"type": "bar", "name": label, "x": dates, "y": [d[key] for d in days]}
        for key, label in (("comments", _("Comments")), ("statements", _("Statements")))
    ]
    votes = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": _("Votes"),
        "x": dates,
        "y": [d["votes"] for d in days],
        "yaxis": "y2",
        "line": {"color": "#b04a00"},
    }
    return Chart(
        "per-day",
        _("Participation per day"),
        {
            "data": [*bars, votes],
            "layout": chart_layout(
                barmode="group",
                margin={"l": 48, "r": 56, "t": 40, "b": 48},  # room for the votes' axis
                xaxis=minguo_day_axis(dates),
                yaxis=count_axis(
                    max(max(d["comments"], d["statements"]) for d in days),
                    title={"text": _("Comments and statements")},
                ),
                yaxis2=count_axis(
                    max(d["votes"] for d in days),
                    title={"text": _("Votes")},
                    overlaying="y",
                    side="right",
                    showgrid=False,
                ),
            ),
        },
        _per_day_caption(days),
        "per-day",
    )


def _participation_charts(data: ReportData) -> dict[str, Chart]:
    """Participation over time, stance and sentiment."""
    summary = data["summary"]
    out: dict[str, Chart] = {}
    if summary["per_day"]:
        out["per_day"] = _per_day_chart(summary["per_day"])
    stance = summary["stance"]
    shares = summary["stance_shares"]
    out["stance"] = Chart(
        "stance",
        _("Stance of the published comments"),
        {
            "data": [
                {
                    "type": "bar",
                    "orientation": "h",
                    "y": [stance_label(s) for s in stance],
                    "x": list(stance.values()),
                    "marker": {"color": [STANCE_COLOURS[s] for s in stance]},
                    "text": [percent(shares[s]) for s in stance],
                    "textposition": "auto",
                }
            ],
            "layout": chart_layout(
                height=220,
                xaxis=count_axis(max(stance.values(), default=0)),
                yaxis={"autorange": "reversed", "automargin": True},
            ),
        },
        _(
            "Of %(total)s published comments, %(support)s support the draft, %(oppose)s "
            "oppose it and %(suggest)s make other suggestions."
        )
        % {
            "total": on_page(sum(stance.values())),
            "support": percent(shares["support"]),
            "oppose": percent(shares["oppose"]),
            "suggest": percent(shares["suggest"]),
        },
        "stance",
    )
    if not sum(stance.values()):
        out["stance"] = nothing_to_chart(
            out["stance"], _("No comment is published yet: there is no stance to show.")
        )
    sentiment = summary["sentiment"]
    s_shares = summary["sentiment_shares"]
    out["sentiment"] = Chart(
        "sentiment",
        _("Sentiment of the published comments"),
        {
            "data": [
                {
                    "type": "bar",
                    "orientation": "h",
                    "y": [sentiment_label(s) for s in sentiment],
                    "x": list(sentiment.values()),
                    "marker": {"color": [SENTIMENT_COLOURS[s] for s in sentiment]},
                }
            ],
            "layout": chart_layout(
                height=240,
                xaxis=count_axis(max(sentiment.values(), default=0)),
                yaxis={"autorange": "reversed", "automargin": True},
            ),
        },
        _(
            "Of %(analysed)s analysed comments, %(positive)s read as positive, %(neutral)s as "
            "neutral and %(negative)s as negative; %(unanalysed)s are not analysed yet."
        )
        % {
            "analysed": on_page(sum(v for k, v in sentiment.items() if k != "unanalysed")),
            "positive": percent(s_shares["positive"]),
            "neutral": percent(s_shares["neutral"]),
            "negative": percent(s_shares["negative"]),
            "unanalysed": on_page(sentiment["unanalysed"]),
        },
        "sentiment",
    )
    if not sum(sentiment.values()):
        out["sentiment"] = nothing_to_chart(
            out["sentiment"], _("No comment is published yet: there is no sentiment to show.")
        )
    elif sentiment["unanalysed"] == sum(sentiment.values()):
        out["sentiment"].alt = _(
            "None of the %(unanalysed)s published comments is analysed yet."
        ) % {"unanalysed": on_page(sentiment["unanalysed"])}
    return out


def nothing_to_chart(chart: Chart, sentence: str) -> Chart:
    """A chart of no comments: no traces (charts.js then says there is nothing to draw
    instead of showing empty axes) and a sentence that says why."""
    chart.spec = {"data": [], "layout": chart.spec["layout"]}
    chart.alt = sentence
    return chart


def _section_charts(data: ReportData) -> dict[str, Chart]:
    """Per section of the draft."""
    out: dict[str, Chart] = {}
    sections = data["sections"]
    if sections:
        columns = [
            ("support", stance_label("support")),
            ("oppose", stance_label("oppose")),
            ("suggest", stance_label("suggest")),
            ("negative", sentiment_label("negative")),
        ]
        z, text = [], []
        for r in sections:
            n = r["comments"]
            row = [
                (r["stance"][k] if k in r["stance"] else r["sentiment"][k]) / n if n else 0
                for k, _label in columns
            ]
            row.append(r["controversy"])
            z.append(row)
            text.append([percent(v) for v in row[:-1]] + [f"{r['controversy']:.2f}"])
        out["heatmap"] = Chart(
            "heatmap",
            _("Where the controversy is: shares per section"),
            {
                "data": [
                    {
                        "type": "heatmap",
                        "x": [label for _k, label in columns] + [_("Controversy")],
                        "y": [_section_name(r) for r in sections],
                        "z": z,
                        "text": text,
                        "texttemplate": "%{text}",
                        "colorscale": "OrRd",
                        "zmin": 0,
                        "zmax": 1,
                        "hovertemplate": "%{y} · %{x}: %{text}<extra></extra>",
                    }
                ],
                "layout": chart_layout(
                    height=max(240, 34 * len(sections) + 100),
                    yaxis={"autorange": "reversed", "automargin": True},
                ),
            },
            _heatmap_caption(sections),
            "sections",
        )
        if not any(r["comments"] for r in sections):
            out["heatmap"] = nothing_to_chart(
                out["heatmap"],
                _("No comment is published on any section yet: there is no controversy to map."),
            )
    return out


def _heatmap_caption(sections: list[SectionRow]) -> str:
    """Names the most contested section, but only one that is contested at all: with no
    section drawing both support and opposition, a "most contested" section at 0.00 misleads."""
    hottest = max(sections, key=lambda r: (r["controversy"], r["comments"]))
    if hottest["controversy"] <= 0:
        return _(
            "Heat map of %(count)d sections: darker cells mean a larger share. No section is "
            "contested: none has comments both for and against it. The table below has the "
            "figures."
        ) % {"count": len(sections)}
    return _(
        "Heat map of %(count)d sections: darker cells mean a larger share. The most "
        "contested is %(section)s (controversy %(value).2f, %(comments)s comments). "
        "The table below has the figures."
    ) % {
        "count": len(sections),
        "section": _section_name(hottest),
        "value": hottest["controversy"],
        "comments": on_page(hottest["comments"]),
    }


def _opinion_group_charts(data: ReportData) -> dict[str, Chart]:
    """The Pol.is opinion map."""
    out: dict[str, Chart] = {}
    groups = data["opinion_groups"]
    if groups.get("k"):
        points = groups["points"]
        out["opinion_map"] = Chart(
            "opinion-map",
            _("Opinion map: participants placed by how they voted"),
            {
                "data": [
                    {
                        "type": "scatter",  # SVG: prints and renders headless (no WebGL)
                        "mode": "markers",
                        "name": group_name(g["id"]),
                        "x": [p[0] for p in points if p[2] == g["id"]],
                        "y": [p[1] for p in points if p[2] == g["id"]],
                        "marker": {"color": GROUP_COLOURS[g["id"] % 5], "size": 5, "opacity": 0.6},
                        "hoverinfo": "name",
                    }
                    for g in groups["groups"]
                ],
                "layout": chart_layout(
                    height=380,
                    xaxis={"zeroline": False, "showticklabels": False},
                    yaxis={"zeroline": False, "showticklabels": False},
                ),
            },
            _(
                "Scatter plot of %(n)s participants who voted on at least %(min)d statements, "
                "in %(k)d opinion groups: %(sizes)s. The table below lists what sets each "
                "group apart."
            )
            % {
                "n": on_page(groups["n_in_conversation"]),
                "min": groups["min_votes"],
                "k": groups["k"],
                "sizes": "、".join(
                    f"{group_name(g['id'])} {g['size']:,}" for g in groups["groups"]
                ),
            },
            "opinion-groups",
        )
    return out


def _campaign_charts(data: ReportData) -> dict[str, Chart]:
    """Coordinated campaigns."""
    out: dict[str, Chart] = {}
    campaign = data["campaigns"]
    out["campaign_stance"] = Chart(
        "campaign-stance",
        _("Stance with and without collapsing campaigns"),
        {
            "data": [
                {
                    "type": "bar",
                    "name": label,
                    "x": [stance_label(s) for s in campaign[key]],
                    "y": list(campaign[key].values()),
                }
                for key, label in (
                    ("stance_raw", _("Every comment")),
                    ("stance_collapsed", _("Each campaign as one voice")),
                )
            ],
            "layout": chart_layout(
                barmode="group",
                height=260,
                yaxis=count_axis(
                    max(
                        [*campaign["stance_raw"].values(), *campaign["stance_collapsed"].values()],
                        default=0,
                    )
                ),
            ),
        },
        _(
            "Campaigns: %(groups)d, holding %(in)s of %(total)s comments; unique comments: "
            "%(unique)s. Grouped bars compare the stance counts with every comment and with "
            "each campaign counted once."
        )
        % {
            "groups": len(campaign["groups"]),
            "in": on_page(campaign["in_campaigns"]),
            "total": on_page(campaign["comments"]),
            "unique": percent(campaign["unique_share"]),
        },
        "campaign-stance",
    )
    return out


def _moderation_charts(data: ReportData) -> dict[str, Chart]:
    """What moderation did."""
    out: dict[str, Chart] = {}
    mod = data["moderation"]
    outcome_totals: dict[str, int] = {}
    for outcomes in mod["submissions"].values():
        for outcome, n in outcomes.items():
            outcome_totals[outcome] = outcome_totals.get(outcome, 0) + n
    if outcome_totals:
        out["moderation"] = Chart(
            "moderation",
            _("Automatic screening of submissions"),
            {
                "data": [
                    {
                        "type": "bar",
                        "x": [outcome_label(o) for o in outcome_totals],
                        "y": list(outcome_totals.values()),
                    }
                ],
                "layout": chart_layout(height=240, yaxis=count_axis(max(outcome_totals.values()))),
            },
            _(
                "Submissions screened automatically: %(total)s (a new text and each edit count "
                "once); screening held %(held)s for a moderator and rejected %(rejected)s. "
                "What moderators decided afterwards is in the table “%(decisions)s” below."
            )
            % {
                "decisions": _("Moderators' decisions"),
                "total": on_page(sum(outcome_totals.values())),
                "held": on_page(outcome_totals.get("hold", 0)),
                "rejected": on_page(outcome_totals.get("reject", 0)),
            },
            "moderation-outcomes",
        )
    return out


CHART_GROUPS = (
    _participation_charts,
    _section_charts,
    _opinion_group_charts,
    _campaign_charts,
    _moderation_charts,
)


def charts(data: ReportData) -> dict[str, Chart]:
    out: dict[str, Chart] = {}
    for build in CHART_GROUPS:
        out.update(build(data))
    out.update(social_charts(data["social"]))
    return out


def _per_day_caption(days: list[dict]) -> str:
    span = {"first": prose_day(days[0]["date"]), "last": prose_day(days[-1]["date"])}
    busiest = max(days, key=lambda d: d["comments"])
    if not busiest["comments"]:
        return (
            _(
                "Bars (comments, statements) and a line (votes) per day from %(first)s to "
                "%(last)s; no comment was published in that time. The table below lists every day."
            )
            % span
        )
    return _(
        "Bars (comments, statements) and a line (votes) per day from %(first)s to "
        "%(last)s; the busiest day was %(busiest)s with %(count)s comments. The table "
        "below lists every day."
    ) % {**span, "busiest": prose_day(busiest["date"]), "count": on_page(busiest["comments"])}
