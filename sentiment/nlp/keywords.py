"""Keyword stage: TF-IDF over a shipped civic/social IDF table, blended with TextRank.

Input is the segmenter's token lists (already normalised Traditional Chinese). Before scoring,
adjacent tokens are joined into phrases so that terms such as 前瞻基礎建設 or 長照2.0 come out
whole, by three rules applied in order:

1. phrases shipped in ``lexicons/phrases.txt`` (authored civic terms plus collocations mined from
   the IDF corpora by ``sentiment/scripts/build_lexicons.py``);
2. alphanumeric compounds: ``COVID`` ``-`` ``19`` → COVID-19, a word followed by a version number
   (長照 ``2.0``, Web ``2.0``);
3. collocations of the input itself: two content tokens that occur next to each other at least
   twice and rarely apart (per text for :meth:`KeywordExtractor.run`, over the whole collection
   for :meth:`KeywordExtractor.corpus_keywords`).

Punctuation, numbers alone, placeholders (⟨URL⟩, ⟨@⟩), emoji, stop words and single-character
function words never become keywords, and neither does any part of a masked personal datum
(A12****789, 0912-***-678, **** 1111: what moderation's personal-data masking writes).
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import Counter

import numpy as np

from sentiment.nlp.lexicons import (
    HAN_NUMBER_RE,
    NUMBER_RE,
    PLACEHOLDER_RE,
    is_emoji,
    is_punct_or_space,
    load_idf,
    load_modifiers,
    load_phrases,
    load_stopwords,
)

# Single characters that are grammar, not topic. Other single characters (稅, 車, 錢, 房) can be
# the point of a civic comment and stay, at half weight.
FUNCTION_CHARS = frozenset(
    "的了著過是在有和與及或也都就又還才只很太更最把被給讓對向從到於為而並且則之其各該本此這那哪誰"
    "你我他她它您們個些嗎呢吧啊呀喔啦嘛哦欸耶囉齁啥麼么咧哩吼唷嗯喂哈來去說看做用想要會能可得地"
    "上下中內外前後裡間時年月日號次種樣點多少好大小新舊高低長短已曾將再但卻若如因所以如何等"
    "應須需使令由以做受當每另該"
)
SINGLE_CHAR_WEIGHT = 0.5
TFIDF_SHARE = 0.7  # per text: TF-IDF carries most of the signal; TextRank breaks ties by centrality
CORPUS_TFIDF_SHARE = 0.6  # over a collection the co-occurrence graph is richer and earns more say
WINDOW = 5  # TextRank co-occurrence window, in content tokens (jieba's TextRank uses 5 too)
DAMPING = 0.85
CORPUS_GRAPH_NODES = 3000  # TextRank over a collection runs on the strongest TF-IDF candidates

_VERSION_RE = re.compile(r"^\d+(?:\.\d+)+$")
# Dates, amounts and ordinals (103年, 300萬, 7月, 第三十) say when or how much, not what about.
_MEASURE_RE = re.compile(
    r"^(?:[\d.,]+[年月日時分秒萬億千百元塊個次人件張點號歲週周期屆%]{1,2}"
    r"|第[\d〇零一二三四五六七八九十百千萬兩]+[個次屆期條款項章節年天名]?)$"
)
_ASCII_WORD_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9+#&_]*$")
_ASCII_ALPHA_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+#&_]*$")
_JOINERS = frozenset("-._/")


def _is_cjk(ch: str) -> bool:
    return "CJK" in unicodedata.name(ch, "")


def content_key(token: str) -> str | None:
    """The lookup key of a token that may be a keyword, or None for tokens that never are."""
    token = token.strip()
    if not token or PLACEHOLDER_RE.match(token):
        return None
    if is_punct_or_space(token) or is_emoji(token):
        return None
    if NUMBER_RE.match(token) or HAN_NUMBER_RE.match(token) or _MEASURE_RE.match(token):
        return None
    key = token.lower()
    if key in load_stopwords() or key in _modifier_words():
        return None
    if len(token) == 1 and (token in FUNCTION_CHARS or not _is_cjk(token)):
        return None
    # A token mixing symbols into words (a stray "。好" from a segmentation slip) is not a keyword.
    # (Spaces only survive inside compounds built here, such as "Web 2.0".)
    if any(
        unicodedata.category(ch)[0] in "PZC" and ch not in _JOINERS and ch != " " for ch in token
    ):
        return None
    return key


@functools.cache
def _modifier_words() -> frozenset[str]:
    # Negators, degree adverbs and contrast words (不太, 有點, 但是) are grammar, never topics.
    mods = load_modifiers()
    return frozenset((*mods.negators, *mods.degrees, *mods.contrasts))


@functools.cache
def _phrase_set() -> frozenset[str]:
    return frozenset(p.lower() for p in load_phrases())


def _drop_placeholders(tokens: list[str]) -> list[str]:
    """Replace placeholders by a boundary token, including ones a segmenter split (⟨ URL ⟩)."""
    out: list[str] = []
    inside = False
    for token in tokens:
        if inside:
            if "⟩" in token:
                inside = False
            continue
        if PLACEHOLDER_RE.match(token.strip()):
            out.append(" ")
        elif token.strip().startswith("⟨"):
            inside = "⟩" not in token
            out.append(" ")
        else:
            out.append(token)
    return out


# Personal-data masking (moderation.screening.personal_data) writes asterisks over the hidden
# characters and keeps a few visible ones: A12****789, 0912-***-678, (02)****-*789, ****
# 1111, 松仁路**巷**號. The visible parts are fragments of someone's number, never a topic.
_MASK_MARK = "**"
# Between the parts of one masked value: separators and the masks' lone asterisks.
_MASK_JOINER_RE = re.compile(r"^[\-.()#/+:*]+$")
# A visible part: letters and digits with at least one digit (A12, AB1, a-c0, 789), or the one
# letter an e-mail mask keeps (w***@…). Words without digits (Uber) are not parts of a mask.
_MASK_PART_RE = re.compile(r"^(?=[^\d]*\d)[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*$|^[A-Za-z]$")
_MASK_ADDRESS_UNITS = frozenset("巷弄號樓之")


def _masked_token_indices(tokens: list[str]) -> set[int]:
    """Indices of the tokens of every masked value: a run of asterisks and, on each side, the
    joiners and visible parts glued to it (two parts in a row mean a new word has begun)."""
    found: set[int] = set()
    for i, token in enumerate(tokens):
        if _MASK_MARK not in token:
            continue
        found.add(i)
        for step in (-1, 1):
            j, after_part = i + step, False
            while 0 <= j < len(tokens):
                part = tokens[j].strip()
                if _MASK_MARK in part or (part and _MASK_JOINER_RE.match(part)):
                    after_part = False
                elif not after_part and (_MASK_PART_RE.match(part) or part in _MASK_ADDRESS_UNITS):
                    after_part = True
                else:
                    break
                found.add(j)
                j += step
    return found


def _drop_masked(tokens: list[str]) -> list[str]:
    """Replace every token of a masked personal datum by a boundary token."""
    masked = _masked_token_indices(tokens)
    return [" " if i in masked else token for i, token in enumerate(tokens)] if masked else tokens


def merge_phrases(tokens: list[str], phrases, max_span: int = 4) -> list[str]:
    """Join runs of adjacent tokens that form a known phrase or an alphanumeric compound."""
    phrases_lower = phrases if isinstance(phrases, frozenset) else {p.lower() for p in phrases}
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        for span in range(min(max_span, n - i), 1, -1):
            candidate = "".join(tokens[i : i + span])
            if candidate.lower() in phrases_lower:
                out.append(candidate)
                i += span
                break
        else:
            out.append(tokens[i])
            i += 1
    return _merge_compounds(out)


def _merge_compounds(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        token = tokens[i]
        # COVID - 19, e . g, A _ B: ASCII words glued by a joiner with no space around it.
        if _ASCII_WORD_RE.match(token):
            while i + 2 < n and tokens[i + 1] in _JOINERS and _ASCII_WORD_RE.match(tokens[i + 2]):
                token = token + tokens[i + 1] + tokens[i + 2]
                i += 2
        nxt = tokens[i + 1] if i + 1 < n else ""
        # 長照 2.0 / 工業 4.0 / Web 2.0: a (multi-character) word followed by a version number.
        if _VERSION_RE.match(nxt) and len(token) >= 2 and content_key(token) is not None:
            out.append(f"{token} {nxt}" if _ASCII_ALPHA_RE.match(token) else token + nxt)
            i += 2
            continue
        # Web ␠ 2.0: an ASCII word, a space, a version number.
        if (
            nxt == " "
            and i + 2 < n
            and _ASCII_ALPHA_RE.match(token)
            and _VERSION_RE.match(tokens[i + 2])
        ):
            out.append(f"{token} {tokens[i + 2]}")
            i += 3
            continue
        out.append(token)
        i += 1
    return out


def find_collocations(
    token_lists: list[list[str]],
    *,
    min_count: float,
    min_ratio: float,
    weights: list[float] | None = None,
    min_raw: int = 2,
    max_chars: int = 10,
) -> set[str]:
    """Adjacent pairs of content tokens that behave as one unit.

    A pair (a, b) qualifies when it occurs at least ``min_count`` times (weighted) and at least
    ``min_ratio`` of the occurrences of a and of b are inside the pair: 前瞻 and 基礎建設 almost
    only ever occur together, 政府 and 應該 occur everywhere. ``min_raw`` unweighted occurrences
    are needed too, so that one heavily weighted document cannot make a phrase on its own. Pairs
    of two Latin-script words are left alone: the segmenter drops the space between them.
    """
    unigram: Counter = Counter()
    bigram: Counter = Counter()
    raw: Counter = Counter()
    for pos, tokens in enumerate(token_lists):
        weight = weights[pos] if weights is not None else 1
        keys = [content_key(t) for t in tokens]
        for i, key in enumerate(keys):
            if key is None:
                continue
            unigram[key] += weight
            if i + 1 < len(keys) and keys[i + 1] is not None:
                bigram[(key, keys[i + 1])] += weight
                raw[(key, keys[i + 1])] += 1
    found = set()
    for (a, b), count in bigram.items():
        if count < min_count or raw[(a, b)] < min_raw or len(a) + len(b) > max_chars:
            continue
        if len(a) < 2 or len(b) < 2:
            continue  # a single character glued to a word is mostly a segmentation slip
        if a.isascii() and b.isascii():
            continue
        if count / unigram[a] >= min_ratio and count / unigram[b] >= min_ratio:
            found.add(a + b)
    return found


# When more than this share of a text's distinct content pairs "co-occur as a unit", the text is
# repeating itself (a pasted paragraph, a chant) and the pairs say nothing about phrases.
MAX_COLLOCATION_SHARE = 0.2


def _prepare(token_lists, *, min_count: float, min_ratio: float) -> list[list[str]]:
    static = _phrase_set()
    merged = [
        merge_phrases(_drop_placeholders(_drop_masked(list(tokens))), static)
        for tokens in token_lists
    ]
    for _round in range(2):  # two rounds: a pair, then a pair and its neighbour (三字以上的詞組)
        # Identical texts (a mail-merge campaign) are counted once, or every adjacent pair of
        # the campaign letter would look like a phrase.
        distinct = list({tuple(tokens): tokens for tokens in merged}.values())
        found = find_collocations(distinct, min_count=min_count, min_ratio=min_ratio)
        if not found:
            break
        pairs = {
            (a, b)
            for tokens in distinct
            for a, b in itertools.pairwise(tokens)
            if content_key(a) is not None and content_key(b) is not None
        }
        if len(found) > max(2, MAX_COLLOCATION_SHARE * len(pairs)):
            break
        merged = [merge_phrases(tokens, frozenset(found)) for tokens in merged]
    return merged


def _pagerank(n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Weighted PageRank by power iteration on an edge list (both directions listed)."""
    if n == 0:
        return np.zeros(0)
    out_weight = np.bincount(src, weights=weight, minlength=n)
    rank = np.full(n, 1.0 / n)
    dangling = out_weight == 0
    safe_out = np.where(dangling, 1.0, out_weight)
    for _ in range(100):
        spread = np.bincount(dst, weights=rank[src] * weight / safe_out[src], minlength=n)
        new = (1.0 - DAMPING) / n + DAMPING * (spread + rank[dangling].sum() / n)
        if np.abs(new - rank).sum() < 1e-8:
            rank = new
            break
        rank = new
    return rank


def _cooccurrence_edges(sequences: list[np.ndarray], n: int):
    """Undirected co-occurrence counts within WINDOW as symmetric edge arrays."""
    if not sequences:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    # One long array with WINDOW-1 separators between texts, so no window spans two texts.
    gap = np.full(WINDOW - 1, -1, dtype=np.int64)
    parts = []
    for seq in sequences:
        parts.append(seq)
        parts.append(gap)
    flat = np.concatenate(parts)
    lefts, rights = [], []
    for offset in range(1, WINDOW):
        a, b = flat[:-offset], flat[offset:]
        keep = (a >= 0) & (b >= 0) & (a != b)
        lefts.append(a[keep])
        rights.append(b[keep])
    a = np.concatenate(lefts)
    b = np.concatenate(rights)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    codes, counts = np.unique(lo * n + hi, return_counts=True)
    lo, hi = codes // n, codes % n
    src = np.concatenate([lo, hi])
    dst = np.concatenate([hi, lo])
    return src, dst, np.concatenate([counts, counts]).astype(float)


def _normalise(values: np.ndarray) -> np.ndarray:
    top = values.max() if values.size else 0.0
    return values / top if top > 0 else values


class KeywordExtractor:
    name = "keywords"

    def _tfidf(self, keys: list[str]) -> dict[str, float]:
        table = load_idf()
        counts = Counter(keys)
        total = sum(counts.values())
        scores = {}
        for key, count in counts.items():
            weight = SINGLE_CHAR_WEIGHT if len(key) == 1 else 1.0
            scores[key] = count / total * table.idf.get(key, table.default) * weight
        return scores

    def run(self, token_lists: list[list[str]], top_k: int = 10) -> list[list[dict]]:
        results = []
        for tokens in token_lists:
            # Collocations are found per text so that a text's keywords never depend on which
            # other texts share its batch (reanalysis must give the same answer).
            merged = _prepare([tokens], min_count=2, min_ratio=0.75)[0]
            results.append(self._rank_one(merged, top_k))
        return results

    def _rank_one(self, tokens: list[str], top_k: int) -> list[dict]:
        keys: list[str] = []
        surface: dict[str, str] = {}
        for token in tokens:
            key = content_key(token)
            if key is not None:
                keys.append(key)
                surface.setdefault(key, token.strip())
        if not keys or top_k <= 0:
            return []
        tfidf = self._tfidf(keys)
        vocab = list(dict.fromkeys(keys))  # first-occurrence order breaks ties
        index = {key: i for i, key in enumerate(vocab)}
        seq = np.fromiter((index[k] for k in keys), dtype=np.int64, count=len(keys))
        src, dst, weight = _cooccurrence_edges([seq], len(vocab))
        textrank = _normalise(_pagerank(len(vocab), src, dst, weight))
        tfidf_arr = _normalise(np.array([tfidf[k] for k in vocab]))
        blended = TFIDF_SHARE * tfidf_arr + (1 - TFIDF_SHARE) * textrank
        order = sorted(range(len(vocab)), key=lambda i: (-blended[i], i))[:top_k]
        return [{"word": surface[vocab[i]], "score": round(float(blended[i]), 4)} for i in order]

    def corpus_keywords(self, token_lists: list[list[str]], top_k: int = 30) -> list[dict]:
        """Keywords of a whole collection (a consultation's comments, a week of posts).

        Aggregated TF-IDF is the mean over texts of each text's term-frequency share times the
        shipped IDF, so every text weighs the same however long it is; TextRank runs on one
        co-occurrence graph of the strongest candidates across all texts. Each entry also says in
        how many texts the keyword occurs ("texts").
        """
        if top_k <= 0:
            return []
        merged = _prepare(token_lists, min_count=3, min_ratio=0.6)
        table = load_idf()
        agg: Counter = Counter()
        doc_freq: Counter = Counter()
        surface: dict[str, Counter] = {}
        key_lists = []
        for tokens in merged:
            keys = []
            for token in tokens:
                key = content_key(token)
                if key is not None:
                    keys.append(key)
                    surface.setdefault(key, Counter())[token.strip()] += 1
            key_lists.append(keys)
            if not keys:
                continue
            counts = Counter(keys)
            total = len(keys)
            for key, count in counts.items():
                weight = SINGLE_CHAR_WEIGHT if len(key) == 1 else 1.0
                agg[key] += count / total * table.idf.get(key, table.default) * weight
            doc_freq.update(counts.keys())
        if not agg:
            return []
        n_texts = len(merged)
        candidates = [k for k, _ in sorted(agg.items(), key=lambda e: (-e[1], e[0]))]
        candidates = candidates[:CORPUS_GRAPH_NODES]
        index = {key: i for i, key in enumerate(candidates)}
        sequences = [
            np.fromiter((index[k] for k in keys if k in index), dtype=np.int64)
            for keys in key_lists
        ]
        src, dst, weight = _cooccurrence_edges(sequences, len(candidates))
        textrank = _normalise(_pagerank(len(candidates), src, dst, weight))
        tfidf_arr = _normalise(np.array([agg[k] / n_texts for k in candidates]))
        blended = CORPUS_TFIDF_SHARE * tfidf_arr + (1 - CORPUS_TFIDF_SHARE) * textrank
        order = sorted(range(len(candidates)), key=lambda i: (-blended[i], i))[:top_k]
        return [
            {
                "word": surface[candidates[i]].most_common(1)[0][0],
                "score": round(float(blended[i]), 4),
                "texts": doc_freq[candidates[i]],
            }
            for i in order
        ]
