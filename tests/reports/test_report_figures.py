"""Every number of a generated report, recomputed here from the database by other means
(ORM aggregates, plain loops, scikit-learn's TF-IDF, dense numpy PCA) and compared."""

import math
import re
import unicodedata
from collections import Counter, defaultdict
from datetime import timedelta

import numpy as np
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils import timezone

from moderation.models import Decision, Submission
from participation.models import (
    Comment,
    ModerationState,
    Participant,
    Petition,
    Statement,
    Vote,
)
from sentiment.models import TextAnalysis

STANCES = ("support", "oppose", "suggest")


def local_day(moment):
    return timezone.localtime(moment).date().isoformat()


@pytest.fixture
def world(generated):
    world = generated
    world["data"] = world["report"].data
    consultation = world["consultation"]
    world["published"] = list(
        Comment.objects.filter(
            consultation=consultation, parent__isnull=True, state="published"
        ).order_by("created_at", "pk")
    )
    ct = ContentType.objects.get_for_model(Comment)
    world["sentiment_of"] = dict(
        TextAnalysis.objects.filter(content_type=ct).values_list("object_id", "sentiment")
    )
    return world


def test_report_is_done_and_versioned(world):
    report = world["report"]
    assert report.status == "done" and report.progress == 100 and report.version == 1
    assert report.generated_at is not None and report.data_cutoff is not None
    assert report.model_versions["sentiment"] == {"test-model-1": 6, "test-model-2": 6}
    assert {"segmenter", "opinion_groups", "near_duplicates"} <= set(report.model_versions)


def test_participation_counts(world):
    data, consultation = world["data"]["summary"], world["consultation"]
    comments = Comment.objects.filter(consultation=consultation)
    assert data["comments"] == len(world["published"]) == 14
    assert data["comments_submitted"] == comments.filter(parent__isnull=True).count() == 17
    assert data["replies"] == comments.filter(parent__isnull=False, state="published").count()
    statements = Statement.objects.filter(consultation=consultation)
    assert data["statements_submitted"] == statements.count()
    assert (
        data["statements"]
        == statements.exclude(
            moderation_state__in=[
                ModerationState.REJECTED,
                ModerationState.HELD,
                ModerationState.HIDDEN,
            ]
        ).count()
    )
    votes = Vote.objects.filter(statement__consultation=consultation)
    assert data["votes"] == votes.count()
    assert data["voters"] == votes.values("participant").distinct().count()
    # people: comment authors, statement authors and voters, one identity per user
    people = {("u", a) for a in comments.values_list("author_id", flat=True)}
    for p in Participant.objects.filter(consultation=consultation):
        if p.votes.exists() or p.statements.exists():
            people.add(("u", p.user_id) if p.user_id else ("p", p.pk))
    assert data["participants"] == len(people)
    assert (
        data["petitions"]
        == Petition.objects.filter(
            agency=consultation.agency,
            moderation_state="approved",
            created_at__gte=consultation.opens_at,
            created_at__lte=consultation.closes_at,
        ).count()
        == 1
    )


def test_per_day(world):
    consultation = world["consultation"]
    expected = defaultdict(Counter)
    for c in Comment.objects.filter(consultation=consultation, parent__isnull=True):
        expected[local_day(c.created_at)]["comments"] += 1
    for s in Statement.objects.filter(consultation=consultation):
        expected[local_day(s.created_at)]["statements"] += 1
    for v in Vote.objects.filter(statement__consultation=consultation):
        expected[local_day(v.updated_at)]["votes"] += 1
    for p in Petition.objects.filter(
        agency=consultation.agency,
        moderation_state="approved",
        created_at__gte=consultation.opens_at,
        created_at__lte=consultation.closes_at,
    ):
        expected[local_day(p.created_at)]["petitions"] += 1
    got = {d["date"]: d for d in world["data"]["summary"]["per_day"]}
    # The table of days adds up to the summary's "comments received" (it counted replies too).
    summary = world["data"]["summary"]
    assert sum(d["comments"] for d in got.values()) == summary["comments_submitted"]
    assert sorted(got) == sorted(expected)
    for day, counts in expected.items():
        for key in ("comments", "statements", "votes", "petitions"):
            assert got[day][key] == counts[key], (day, key)


def test_stance_and_sentiment_shares(world):
    summary = world["data"]["summary"]
    rows = (
        Comment.objects.filter(
            consultation=world["consultation"], parent__isnull=True, state="published"
        )
        .values("stance")
        .annotate(n=Count("pk"))
    )
    stance = {r["stance"]: r["n"] for r in rows}
    total = sum(stance.values())
    for s in STANCES:
        assert summary["stance"][s] == stance.get(s, 0)
        assert summary["stance_shares"][s] == pytest.approx(stance.get(s, 0) / total, abs=1e-4)
    sentiments = Counter(world["sentiment_of"].get(c.pk, "unanalysed") for c in world["published"])
    assert summary["sentiment"] == {
        k: sentiments.get(k, 0) for k in ("positive", "neutral", "negative", "unanalysed")
    }
    analysed = total - sentiments["unanalysed"]
    for k in ("positive", "neutral", "negative"):
        assert summary["sentiment_shares"][k] == pytest.approx(sentiments[k] / analysed, abs=1e-4)
    for s in STANCES:
        in_stance = Counter(
            world["sentiment_of"].get(c.pk, "unanalysed")
            for c in world["published"]
            if c.stance == s
        )
        assert summary["stance_sentiment"][s] == {
            k: in_stance.get(k, 0) for k in ("positive", "neutral", "negative", "unanalysed")
        }


# --- extractive summaries: recomputed with scikit-learn's TF-IDF ---------------------------------


def _content_words(text):
    from sentiment.nlp.keywords import content_key
    from sentiment.nlp.pipeline import get_pipeline

    tokens = get_pipeline().analyze([text], only={"tokens"})[0]["tokens"]
    return [k for k in (content_key(t) for t in tokens) if k]


def _centroid_pick(items, count):
    """items: (comment id, text, words); sklearn TF-IDF (smooth idf, l2), cosine to the mean."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    items = [i for i in items if len(i[2]) >= 2]
    if not items:
        return []
    matrix = TfidfVectorizer(analyzer=lambda words: words, smooth_idf=True, norm="l2")
    x = matrix.fit_transform([i[2] for i in items]).toarray()
    centroid = x.mean(axis=0)
    scores = x @ centroid / np.linalg.norm(centroid)
    chosen = []
    for i in sorted(range(len(items)), key=lambda i: (-round(scores[i], 9), i)):
        if len(chosen) == count:
            break
        if any(items[j][0] == items[i][0] for j in chosen):
            continue
        if any(float(x[i] @ x[j]) > 0.5 for j in chosen):
            continue
        chosen.append(i)
    return [(items[i][0], items[i][1], round(float(scores[i]), 4)) for i in chosen]


def _sentences(comment):
    parts = re.findall(r"[^。！？；!?;\n]+[。！？；!?;]*", comment.body)
    return [p.strip() for p in parts if 6 <= len(p.strip()) <= 300]


def test_extractive_summary_per_stance(world):
    extractive = world["data"]["summary"]["extractive"]
    for stance in STANCES:
        items = [
            (c.pk, s, _content_words(s))
            for c in world["published"]
            if c.stance == stance
            for s in _sentences(c)
        ]
        expected = _centroid_pick(items, 3)
        got = [(e["comment_id"], e["text"], e["score"]) for e in extractive[stance]]
        assert [g[:2] for g in got] == [e[:2] for e in expected], stance
        for g, e in zip(got, expected, strict=True):
            assert g[2] == pytest.approx(e[2], abs=2e-4)
        # every sentence is quoted from the comment it links to
        bodies = {c.pk: c.body for c in world["published"]}
        assert all(e["text"] in bodies[e["comment_id"]] for e in extractive[stance])


# --- per section --------------------------------------------------------------------------------


def test_sections(world):
    from sentiment.nlp.keywords import KeywordExtractor
    from sentiment.nlp.pipeline import get_pipeline

    stored_keywords = dict(TextAnalysis.objects.values_list("object_id", "keywords"))
    rows = {r["id"]: r for r in world["data"]["sections"]}
    section_ids = [s.pk for s in world["sections"]]
    assert list(rows) == [*section_ids, "general"]
    for key in [*section_ids, None]:
        row = rows[key if key is not None else "general"]
        group = [c for c in world["published"] if c.section_id == key]
        assert row["comments"] == len(group)
        assert row["comment_ids"] == [c.pk for c in group]
        stance = Counter(c.stance for c in group)
        assert row["stance"] == {s: stance.get(s, 0) for s in STANCES}
        sentiment = Counter(world["sentiment_of"].get(c.pk, "unanalysed") for c in group)
        assert row["sentiment"] == {
            k: sentiment.get(k, 0) for k in ("positive", "neutral", "negative", "unanalysed")
        }
        s, o = stance.get("support", 0), stance.get("oppose", 0)
        assert row["controversy"] == pytest.approx(
            2 * min(s, o) / (s + o) if s + o else 0, abs=1e-4
        )
        # keywords: the engine's per-comment keywords (stored, or extracted for the others),
        # summed per word; ties by the number of comments with the word
        score, texts = Counter(), Counter()
        for c in group:
            stored = stored_keywords.get(c.pk)
            if not stored:
                tokens = get_pipeline().analyze([c.body], only={"tokens"})[0]["tokens"]
                stored = KeywordExtractor().run([tokens], top_k=10)[0]
            for k in stored:
                score[k["word"]] += k["score"]
                texts[k["word"]] += 1
        expected_words = sorted(score, key=lambda w: (-round(score[w], 9), -texts[w], w))[:8]
        assert [k["word"] for k in row["keywords"]] == expected_words
        assert [k["texts"] for k in row["keywords"]] == [texts[w] for w in expected_words]
        # the most central comment of each stance
        for st in STANCES:
            items = [(c.pk, c.body, _content_words(c.body)) for c in group if c.stance == st]
            expected = _centroid_pick(items, 1)
            got = [r["comment_id"] for r in row["representative"] if r["stance"] == st]
            assert got == [e[0] for e in expected], (key, st)
    # section 1 carries the campaign and the most opposition
    assert rows[section_ids[0]]["stance"]["oppose"] == 5


# --- opinion groups: dense PCA and loops over the votes -----------------------------------------


def test_opinion_groups(world):
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    groups = world["data"]["opinion_groups"]
    statements = list(
        Statement.objects.filter(consultation=world["consultation"])
        .exclude(moderation_state__in=["rejected", "held", "hidden"])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    votes = Vote.objects.filter(statement_id__in=statements).values_list(
        "participant_id", "statement_id", "value"
    )
    participants = sorted({v[0] for v in votes})
    col = {s: i for i, s in enumerate(statements)}
    row = {p: i for i, p in enumerate(participants)}
    dense = np.full((len(participants), len(statements)), np.nan)
    for p, s, v in votes:
        dense[row[p], col[s]] = v
    n_votes = (~np.isnan(dense)).sum(axis=1)
    keep = n_votes >= 7
    assert groups["n_in_conversation"] == int(keep.sum()) == 38
    assert groups["n_statements"] == len(statements) == 10
    x = dense[keep]
    means = np.nanmean(x, axis=0)
    filled = np.where(np.isnan(x), means, x)
    centred = filled - filled.mean(axis=0)
    values, vectors = np.linalg.eigh(np.cov(centred.T))
    top = vectors[:, np.argsort(values)[::-1][:2]]
    coords = centred @ top * np.sqrt(len(statements) / n_votes[keep])[:, None]
    labels = KMeans(groups["k"], n_init=20, random_state=0).fit_predict(coords)
    # the planted camps are recovered
    camp = np.array([p % 2 for p in range(len(participants))])[keep]  # pk order = creation order
    assert groups["k"] == 2
    assert adjusted_rand_score(camp, labels) == pytest.approx(1.0)
    ours = sorted(g["size"] for g in groups["groups"])
    assert ours == sorted(Counter(labels.tolist()).values())
    # the map's points: every grouped participant, scaled coordinates equal up to the sign
    points = np.array([p[:2] for p in groups["points"]])
    assert len(points) == 38
    for axis in range(2):
        assert sorted(np.abs(points[:, axis]).round(4)) == pytest.approx(
            sorted(np.abs(coords[:, axis]).round(4)), abs=2e-4
        )
    # repness counts, from the votes of each group's members
    members = {}
    kept = [p for p, k in zip(participants, keep, strict=True) if k]
    for pid, label in zip(kept, labels, strict=True):
        members[pid] = label
    # our group 0 is the largest (ties: the one holding the earliest participant)
    sizes = Counter(labels.tolist())
    first = {lab: labels.tolist().index(lab) for lab in sizes}
    order = sorted(sizes, key=lambda lab: (-sizes[lab], first[lab]))
    recomputed_to_ours = {lab: i for i, lab in enumerate(order)}
    counts = defaultdict(Counter)
    for p, s, v in votes:
        if p in members:
            g = recomputed_to_ours[members[p]]
            counts[(g, s)]["n"] += 1
            counts[(g, s)]["a"] += v == 1
            counts[(g, s)]["d"] += v == -1
    for g in groups["groups"]:
        assert g["repness"], "each planted camp has representative statements"
        for r in g["repness"]:
            c = counts[(g["id"], r["statement"])]
            assert (r["n_agree"], r["n_disagree"], r["n_votes"]) == (c["a"], c["d"], c["n"])
            succ = c["a"] if r["direction"] == "agree" else c["d"]
            assert r["share"] == pytest.approx((succ + 1) / (c["n"] + 2), abs=1e-5)
            assert r["z_share"] == pytest.approx(
                2 * math.sqrt(c["n"] + 1) * ((succ + 1) / (c["n"] + 1) - 0.5), abs=1e-4
            )
    # the five splitting statements are divisive, the others consensus
    divisive = {d["statement"] for d in groups["divisive"]}
    assert divisive == set(statements[:5])
    consensus = {c["statement"] for c in groups["consensus"] if c["direction"] == "agree"}
    assert consensus == set(statements[5:])
    assert groups["statement_texts"][str(statements[0])] == "意見陳述 0"


# --- campaigns: canonical text equality -------------------------------------------------------


def _canonical(text):
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZC")


def test_campaigns(world):
    campaign = world["data"]["campaigns"]
    by_text = defaultdict(list)
    for c in world["published"]:
        by_text[_canonical(c.body)].append(c)
    expected = [group for group in by_text.values() if len(group) > 1]
    assert len(campaign["groups"]) == len(expected) == 1
    group = campaign["groups"][0]
    assert group["ids"] == [c.pk for c in expected[0]] and group["size"] == 5
    assert group["stance"] == {"support": 1, "oppose": 4, "suggest": 0}
    assert group["voice"] == "oppose"
    total = len(world["published"])
    assert campaign["in_campaigns"] == 5
    assert campaign["unique_share"] == pytest.approx((total - 4) / total, abs=1e-4)
    raw = Counter(c.stance for c in world["published"])
    assert campaign["stance_raw"] == {s: raw.get(s, 0) for s in STANCES}
    collapsed = Counter(c.stance for c in world["published"] if c not in expected[0])
    collapsed["oppose"] += 1
    assert campaign["stance_collapsed"] == {s: collapsed.get(s, 0) for s in STANCES}


# --- moderation ----------------------------------------------------------------------------------


def test_moderation(world):
    mod = world["data"]["moderation"]
    ct = ContentType.objects.get_for_model(Comment)
    submissions = Submission.objects.filter(content_type=ct)
    outcomes = Counter(submissions.values_list("outcome", flat=True))
    assert mod["submissions"]["comment"] == {
        o: outcomes.get(o, 0) for o in ("publish", "publish_masked", "hold", "reject")
    }
    rules = defaultdict(Counter)
    for s in submissions:
        for rule in {r["rule"] for r in s.reasons}:
            rules[rule][s.outcome] += 1
    assert {r["rule"]: r["total"] for r in mod["rules"]} == {
        rule: sum(c.values()) for rule, c in rules.items()
    }
    assert {r["rule"] for r in mod["rules"]} == {
        "abuse",
        "spam-links",
        "spam-domain",
        "personal-data",
    }
    for r in mod["rules"]:
        for outcome in ("publish", "publish_masked", "hold", "reject"):
            assert r[outcome] == rules[r["rule"]][outcome]
    assert mod["decisions"] == [
        {"action": d.action, "rule": d.rule, "count": 1, "overturned": 0}
        for d in Decision.objects.all()
    ]
    states = Counter(Comment.objects.values_list("state", flat=True))
    assert mod["comment_states"] == dict(states)
    assert (
        mod["held_now"]
        == states["held"] + Statement.objects.filter(moderation_state="held").count()
    )
    assert (
        mod["rejected_now"]
        == states["rejected"] + Statement.objects.filter(moderation_state="rejected").count()
    )


def test_social_media(world):
    from sentiment.models import Post

    social = world["data"]["social"]
    consultation = world["consultation"]
    assert social["connected"] is True
    start = consultation.opens_at - timedelta(days=14)
    end = consultation.closes_at + timedelta(days=14)
    assert social["window"] == {"from": start.isoformat(), "to": end.isoformat()}
    linked = world["social"]["topics"]
    assert [t["name"] for t in social["topics"]] == sorted(t.name for t in linked)
    for topic in social["topics"]:
        posts = [
            p for p in Post.objects.filter(topics__pk=topic["id"]) if start <= p.published_at <= end
        ]
        assert topic["posts"] == len(posts)
        by_label = Counter(p.sentiment or "unanalysed" for p in posts)
        assert topic["sentiment"] == {
            k: by_label.get(k, 0) for k in ("positive", "neutral", "negative", "unanalysed")
        }
        pos, neg = by_label["positive"], by_label["negative"]
        net = round((pos - neg) / (pos + neg), 4) if pos + neg else None
        assert topic["net_sentiment"] == net
        days = defaultdict(list)
        for p in posts:
            days[local_day(p.published_at)].append(p)
        assert [d["date"] for d in topic["days"]] == sorted(days)
        for row in topic["days"]:
            assert row["volume"] == len(days[row["date"]])
            assert row["negative"] == sum(p.sentiment == "negative" for p in days[row["date"]])
        sources = Counter(p.source.name for p in posts)
        assert {s["source"]: s["n"] for s in topic["sources"]} == dict(sources)

    # Distinct posts of the linked topics in the window (the shared one once, the one from
    # before the window left out); the unanalysed one has no words to compare.
    distinct = {p.pk: p for t in linked for p in t.posts.all() if start <= p.published_at <= end}
    assert social["posts"] == len(distinct) == 9
    assert social["posts_analysed"] == sum(1 for p in distinct.values() if p.sentiment) == 8
    outside = Counter()
    for p in distinct.values():
        if p.sentiment:
            outside.update(set(_content_words(p.text)))
    inside = Counter()
    for c in world["published"]:
        inside.update(set(_content_words(c.body)))
    n_out, n_in = 8, len(world["published"])
    assert social["comments"] == n_in

    def lift(word):
        return round(((outside[word] + 1) / (n_out + 1)) / ((inside[word] + 1) / (n_in + 1)), 2)

    expected_top = sorted(outside, key=lambda w: (-outside[w], w))[:15]
    assert [r["word"] for r in social["top_outside"]] == expected_top
    for row in social["top_outside"]:
        assert row["posts"] == outside[row["word"]] and row["comments"] == inside[row["word"]]
        assert row["lift"] == lift(row["word"])
    ranked = sorted(outside, key=lambda w: (-outside[w], w))
    missed = [w for w in ranked if outside[w] >= 3 and lift(w) >= 4]
    assert [r["word"] for r in social["missed"]] == missed[:15]
    # The planted word: in four posts, in no comment.
    assert "尖峰加價" in [r["word"] for r in social["missed"]] or {"尖峰", "加價"} <= {
        r["word"] for r in social["missed"]
    }
    platform = Counter(world["sentiment_of"].get(c.pk) for c in world["published"])
    pos, neg = platform["positive"], platform["negative"]
    assert social["platform_net_sentiment"] == round((pos - neg) / (pos + neg), 4)


def test_report_without_linked_topics_says_so(generated):
    from reports.builder import social
    from reports.selectors import report_inputs

    for topic in generated["social"]["topics"]:
        topic.consultations.clear()
    inputs = report_inputs(consultation=generated["consultation"], cutoff=timezone.now())
    assert social(inputs, [], {}) == {"connected": False}


def test_response_table(world):
    data = world["data"]
    rows = data["response_table"]
    sections = {r["id"]: r for r in data["sections"]}
    assert [r["section"] for r in rows] == list(sections)
    for row in rows:
        section = sections[row["section"]]
        assert row["comments"] == section["comments"]
        assert row["stance"] == section["stance"]
        assert row["decision"] == "" and row["reason"] == ""
        assert row["keywords"] == [k["word"] for k in section["keywords"][:5]]
        stance_of = {c.pk: c.stance for c in world["published"]}
        for line in row["summary"]:
            assert line["comment_id"] in section["comment_ids"]
            assert stance_of[line["comment_id"]] == line["stance"]


def test_a_decision_overturned_on_appeal_is_counted_as_no_longer_standing(
    make_consultation, make_user
):
    """The report listed 「不予公開 · 保護個人資料 1」 for a comment restored on appeal."""
    from types import SimpleNamespace

    from django.utils import timezone

    from minyi.agencies.roles import Role
    from minyi.agencies.services import user_role_add
    from moderation.services import appeal_create, appeal_decide, item_decide
    from participation.services import comment_create
    from reports.builder import moderation
    from reports.selectors import _moderation_rows

    consultation = make_consultation()
    first, second = make_user(), make_user()
    for moderator in (first, second):
        user_role_add(user=moderator, role=Role.MODERATOR)
    comments = [
        comment_create(consultation=consultation, user=make_user(), body=text, stance="oppose")
        for text in ("廣告看板會擋住視線。", "夜間照明不足。")
    ]
    decisions = [
        item_decide(moderator=first, instance=comment, action="reject", rule="off-topic")
        for comment in comments
    ]
    appeal = appeal_create(author=comments[0].author, decision=decisions[0], reason="有關。")
    appeal_decide(moderator=second, appeal=appeal, outcome="overturned")
    submissions, rows = _moderation_rows(consultation, timezone.now())
    inputs = SimpleNamespace(submissions=submissions, decisions=rows, comments=[], statements=[])
    assert moderation(inputs)["decisions"] == [
        {"action": "reject", "rule": "off-topic", "count": 2, "overturned": 1}
    ]
