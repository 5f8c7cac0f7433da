"""Extractive summaries: the sentences (or comments) that best represent a set of comments.

Centroid method (Radev et al., "Centroid-based summarization of multiple documents", 2004) over
the segmented texts:

1. every comment is split into sentences at 。！？；!?; and line breaks (a sentence keeps its
   closing mark); sentences shorter than ``MIN_CHARS`` or with fewer than two content words
   (punctuation, numbers and stop words never count: ``sentiment.nlp.keywords.content_key``)
   are not candidates;
2. each candidate becomes a TF-IDF vector over its content words, with the IDF taken from the
   candidates themselves, ``idf = ln((1 + N) / (1 + df)) + 1`` (N candidates, df candidates with
   the word), L2-normalised;
3. the centroid is the mean of those vectors; a sentence's score is its cosine with the
   centroid;
4. sentences are taken best first (ties: the earlier), skipping a sentence from a comment
   already used and a sentence whose cosine with one already taken exceeds ``REDUNDANCY``.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence

from sentiment.nlp.keywords import content_key

MIN_CHARS = 6
MAX_CHARS = 300
REDUNDANCY = 0.5
_SENTENCE_RE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*")

Tokenize = Callable[[list[str]], list[list[str]]]


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.findall(text or "") if s.strip()]


# The same words recur across thousands of comments: look each up once per process.
_content_key = functools.lru_cache(maxsize=500_000)(content_key)


def content_words(tokens: Sequence[str]) -> list[str]:
    return [key for key in (_content_key(t) for t in tokens) if key is not None]


def centroid_rank(token_lists: list[list[str]]) -> tuple[list[float], list[dict[str, float]]]:
    """Cosine of each item's TF-IDF vector with the centroid, and the vectors."""
    n = len(token_lists)
    df: Counter = Counter()
    for words in token_lists:
        df.update(set(words))
    idf = {w: math.log((1 + n) / (1 + d)) + 1 for w, d in df.items()}
    vectors: list[dict[str, float]] = []
    centroid: Counter = Counter()
    for words in token_lists:
        tf = Counter(words)
        vector = {w: c * idf[w] for w, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vector = {w: v / norm for w, v in vector.items()}
        vectors.append(vector)
        centroid.update(vector)
    c_norm = math.sqrt(sum((v / max(n, 1)) ** 2 for v in centroid.values())) or 1.0
    scores = [
        sum(v * centroid[w] / max(n, 1) for w, v in vector.items()) / c_norm for vector in vectors
    ]
    return scores, vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def select(
    items: list[tuple[int, str, list[str]]], *, count: int, redundancy: float = REDUNDANCY
) -> list[dict]:
    """Pick ``count`` items (comment id, text, content words) by the centroid method."""
    items = [item for item in items if len(item[2]) >= 2]
    if not items:
        return []
    scores, vectors = centroid_rank([words for _, _, words in items])
    # Rounded so that ties (equal up to float noise) go to the earlier item.
    order = sorted(range(len(items)), key=lambda i: (-round(scores[i], 10), i))
    chosen: list[int] = []
    used_comments: set[int] = set()
    for i in order:
        if len(chosen) >= count:
            break
        comment_id = items[i][0]
        if comment_id in used_comments:
            continue
        if any(_cosine(vectors[i], vectors[j]) > redundancy for j in chosen):
            continue
        chosen.append(i)
        used_comments.add(comment_id)
    return [
        {"comment_id": items[i][0], "text": items[i][1], "score": round(scores[i], 4)}
        for i in chosen
    ]


def sentence_candidates(
    comments: list[dict], tokenize: Tokenize
) -> dict[int, list[tuple[int, str, list[str]]]]:
    """Candidate sentences of each comment (by comment id), segmented in one batch."""
    spans: list[tuple[int, str]] = []
    for comment in comments:
        for sentence in split_sentences(comment["body"]):
            if MIN_CHARS <= len(sentence) <= MAX_CHARS:
                spans.append((comment["id"], sentence))
    tokens = tokenize([s for _, s in spans]) if spans else []
    out: dict[int, list[tuple[int, str, list[str]]]] = {}
    for (comment_id, sentence), words in zip(spans, tokens, strict=True):
        out.setdefault(comment_id, []).append((comment_id, sentence, content_words(words)))
    return out


def extractive_summary(
    comment_ids: list[int],
    candidates: dict[int, list[tuple[int, str, list[str]]]],
    *,
    count: int = 3,
) -> list[dict]:
    items = [item for cid in comment_ids for item in candidates.get(cid, [])]
    return select(items, count=count)
