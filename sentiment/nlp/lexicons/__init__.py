"""Shipped lexicons for the keyword, emotion and lexicon-sentiment stages.

Every loader is cached per process and reads its file on first use only, so importing this
module costs nothing (the pipeline contract: no loading at import time). The files are built by
``python -m sentiment.scripts.build_lexicons`` (or authored by hand where README.md says so); their
sources and licences are in README.md beside them.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parent

# Placeholders the normaliser substitutes for URLs, @mentions, e-mail addresses and the like.
PLACEHOLDER_RE = re.compile(r"^⟨[^⟩]*⟩$")
# A token made only of digits and numeric punctuation ("2024", "3.5", "50%") carries no topic.
NUMBER_RE = re.compile(r"^[\d０-９.,，．%％+\-/:]+$")
# Chinese numerals alone ("三", "十五") are as topic-free as Arabic ones.
HAN_NUMBER_RE = re.compile(r"^[〇零一二三四五六七八九十百千萬億兩幾]+$")


def _lines(name: str):
    """Yield the non-empty, non-comment lines of a shipped file, stripped."""
    with (LEXICON_DIR / name).open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            yield line


def is_punct_or_space(token: str) -> bool:
    """True for tokens made only of punctuation, symbols that are not emoji, or whitespace.

    Emoji (Unicode category So) are kept apart: the normaliser keeps them as tokens on purpose and
    the emotion and sentiment lexicons score them.
    """
    if not token.strip():
        return True
    return all(
        unicodedata.category(ch)[0] in "PZC" or unicodedata.category(ch) in ("Sm", "Sk", "Sc")
        for ch in token
    )


def is_emoji(token: str) -> bool:
    """True when every character is a pictographic symbol (or an emoji joiner/selector)."""
    if not token:
        return False
    saw_symbol = False
    for ch in token:
        cat = unicodedata.category(ch)
        if cat == "So":
            saw_symbol = True
        elif ch in "\u200d\ufe0f\ufe0e" or cat == "Mn" or cat == "Sk":
            continue  # zero-width joiner, variation selectors, skin-tone modifiers
        else:
            return False
    return saw_symbol


@functools.cache
def load_stopwords() -> frozenset[str]:
    return frozenset(line.strip() for line in _lines("stopwords.txt"))


@dataclass(frozen=True)
class IdfTable:
    idf: dict[str, float]
    default: float  # the IDF of a word the table has never seen (treated as document frequency 1)
    median: float


@functools.cache
def load_idf() -> IdfTable:
    idf: dict[str, float] = {}
    default = None
    with (LEXICON_DIR / "idf.tsv").open(encoding="utf-8") as handle:
        for raw in handle:
            if raw.startswith("#"):
                match = re.search(r"default_idf=([\d.]+)", raw)
                if match:
                    default = float(match.group(1))
                continue
            word, _, value = raw.rstrip("\n").partition("\t")
            if word and value:
                idf[word] = float(value)
    values = sorted(idf.values())
    median = values[len(values) // 2] if values else 1.0
    if default is None:
        default = max(values) if values else 1.0
    return IdfTable(idf=idf, default=default, median=median)


@functools.cache
def load_phrases() -> frozenset[str]:
    """Multi-token phrases to keep whole (civic terms such as 前瞻基礎建設, 長照2.0)."""
    return frozenset(line.strip() for line in _lines("phrases.txt"))


@functools.cache
def load_polarity() -> dict[str, float]:
    """Word → polarity weight (positive > 0, negative < 0), magnitude about 0.5–2."""
    table: dict[str, float] = {}
    for line in _lines("polarity.tsv"):
        word, _, value = line.partition("\t")
        table[word] = float(value)
    return table


EMOTION_CATEGORIES = ("樂", "好", "怒", "哀", "懼", "惡", "驚")


@functools.cache
def load_emotions() -> dict[str, tuple[str, int]]:
    """Word → (DUTIR category, strength 1–9)."""
    table: dict[str, tuple[str, int]] = {}
    for line in _lines("emotions.tsv"):
        word, category, strength = line.split("\t")[:3]
        if category not in EMOTION_CATEGORIES:
            raise ValueError(f"emotions.tsv: unknown category {category!r} for {word!r}")
        table[word] = (category, int(strength))
    return table


@dataclass(frozen=True)
class Modifiers:
    negators: dict[str, float]  # word → factor (-1 flips; -0.5 flips and damps, as 不太)
    degrees: dict[str, float]  # word → intensity multiplier
    contrasts: frozenset[str]  # 但是, 不過…: what follows outweighs what precedes
    max_prefix: int


@functools.cache
def load_modifiers() -> Modifiers:
    negators: dict[str, float] = {}
    degrees: dict[str, float] = {}
    contrasts: set[str] = set()
    for line in _lines("modifiers.tsv"):
        word, kind, factor = line.split("\t")[:3]
        if kind == "neg":
            negators[word] = float(factor)
        elif kind == "deg":
            degrees[word] = float(factor)
        elif kind == "contrast":
            contrasts.add(word)
        else:
            raise ValueError(f"modifiers.tsv: unknown kind {kind!r}")
    max_prefix = max((len(w) for w in (*negators, *degrees)), default=1)
    return Modifiers(negators, degrees, frozenset(contrasts), max_prefix)


# Tokens that end a clause: a negator or degree adverb never reaches past them.
CLAUSE_BREAK_RE = re.compile(r"^[，。！？；：、,.!?;:\n…~～]+$")

# How many tokens a negator or degree adverb may stand before the word it modifies
# ("不 是 很 好" → 不 reaches 好 three tokens later).
MODIFIER_WINDOW = 3


@dataclass(frozen=True)
class Hit:
    index: int  # token position
    word: str  # the lexicon entry that matched
    negation: float  # 1.0, or the product of the negator factors in scope (negative when flipped)
    degree: float  # product of the degree multipliers in scope
    after_contrast: bool  # the hit follows 但是/不過… in the same sentence


def scan(tokens: list[str], lexicon) -> list[Hit]:
    """Find lexicon words in a token list with the negators and degree adverbs that modify them.

    The rules are deliberately simple and documented in README.md:

    * a negator (不, 沒有, 別, …) in the previous ``MODIFIER_WINDOW`` tokens of the same clause
      multiplies the hit by its factor; two negators cancel (不是不好 → positive);
    * a degree adverb (很, 非常, 太, 有點, …) in the same window multiplies its intensity;
    * a token that fuses a negator or degree prefix with a lexicon word, as jieba often emits
      (不滿意, 太爛, 不太好), is split into that prefix and word;
    * a word that is both a degree adverb and a lexicon entry (好) acts as a degree adverb when a
      lexicon word follows it directly (好 開心), and as a lexicon word otherwise;
    * after a contrast conjunction (但是, 不過, 可是) the rest of the sentence is flagged, because
      in Chinese reviews and comments what follows the turn is usually the point.
    """
    mods = load_modifiers()
    hits: list[Hit] = []
    neg = 1.0
    deg = 1.0
    since_modifier = 0  # tokens since the last modifier: modifiers expire after the window
    after_contrast = False
    skip_next = False
    for i, raw in enumerate(tokens):
        if skip_next:
            skip_next = False
            continue
        token = raw.strip()
        if not token:
            continue
        if CLAUSE_BREAK_RE.match(token):
            neg, deg, since_modifier = 1.0, 1.0, 0
            if token[0] in "。！？!?\n":
                after_contrast = False
            continue
        if token in mods.contrasts:
            after_contrast = True
            neg, deg, since_modifier = 1.0, 1.0, 0
            continue
        lowered = token.lower()
        in_lexicon = lowered in lexicon
        next_token = tokens[i + 1].strip().lower() if i + 1 < len(tokens) else ""
        # A negator the segmenter split in two (不 太 → 不太, 沒 那麼 → 沒那麼) keeps its own,
        # milder factor: 不太好 is not as bad as 不好.
        if token + next_token in mods.negators:
            neg *= mods.negators[token + next_token]
            since_modifier = 0
            skip_next = True
            continue
        if token in mods.negators:  # the build keeps negators out of the lexicons
            neg *= mods.negators[token]
            since_modifier = 0
            continue
        if token in mods.degrees and (not in_lexicon or next_token in lexicon):
            deg *= mods.degrees[token]
            since_modifier = 0
            continue
        if in_lexicon:
            word, t_neg, t_deg = lowered, 1.0, 1.0
        else:
            word, t_neg, t_deg = _split_prefixes(lowered, lexicon, mods)
        if word is not None:
            hits.append(Hit(i, word, neg * t_neg, deg * t_deg, after_contrast))
            neg, deg, since_modifier = 1.0, 1.0, 0
            continue
        since_modifier += 1
        if since_modifier >= MODIFIER_WINDOW:
            neg, deg, since_modifier = 1.0, 1.0, 0
    return hits


def _split_prefixes(token: str, lexicon, mods: Modifiers):
    """Peel negator/degree prefixes off a fused token: 不太好 → (好, -0.5, 1.0)."""
    neg = 1.0
    deg = 1.0
    rest = token
    for _ in range(3):  # at most three stacked prefixes (不是很好)
        for size in range(min(mods.max_prefix, len(rest) - 1), 0, -1):
            head = rest[:size]
            if head in mods.negators:
                neg *= mods.negators[head]
            elif head in mods.degrees:
                deg *= mods.degrees[head]
            else:
                continue
            rest = rest[size:]
            break
        else:
            break
        if rest in lexicon:
            return rest, neg, deg
    return None, 1.0, 1.0


def squash(value: float, scale: float) -> float:
    """Map a non-negative evidence total to [0, 1): many weak hits approach certainty slowly."""
    return 1.0 - math.exp(-max(value, 0.0) / scale)
