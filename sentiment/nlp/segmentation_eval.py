"""Word-segmentation scores against a gold standard, ours beside plain jieba.

The gold format is the SIGHAN bakeoff one: a sentence per line, words separated by the
ideographic space U+3000 (ordinary spaces are tolerated too). The caller passes the path; the
gold file is research data that is never shipped or copied into the project.

Two scores are reported, both as precision / recall / F1:

* word (the bakeoff's own scorer): a predicted word is correct when both of its ends match a
  gold word, i.e. it equals a gold word at the same position;
* boundary: each position between two characters inside a sentence where a word ends; a boundary
  is correct when the gold has one there too. This is the looser, per-decision view.

``precision``/``recall``/``f1`` are the word scores. Speed is characters per second of
segmentation only (dictionaries loaded before the clock starts), best of ``repeats`` runs, ours
and the baseline interleaved so that both see the same machine load. The baseline is jieba's
default (Simplified) dictionary on a private ``jieba.Tokenizer``, ``lcut(HMM=True)``, jieba's
default; ``baseline_no_hmm_*`` gives the same with ``HMM=False``.

Text is fed as the pipeline's normaliser would feed it: NFKC, character by character (a
character whose NFKC form is longer than one character is kept) so that offsets line up with the
gold.
"""

from __future__ import annotations

import logging
import time
import unicodedata
from pathlib import Path

GOLD_SEPARATOR = "\u3000"


def read_gold(path: Path) -> list[list[str]]:
    sentences = []
    with Path(path).open(encoding="utf-8-sig") as handle:
        for line in handle:
            words = [word for word in line.replace(GOLD_SEPARATOR, " ").split() if word]
            if words:
                sentences.append(words)
    return sentences


def normalise_for_scoring(text: str) -> str:
    """NFKC character by character, keeping offsets (the gold text is already Traditional)."""
    chars = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        chars.append(folded if len(folded) == 1 else char)
    return "".join(chars)


def _ends(words: list[str]) -> list[int]:
    ends, position = [], 0
    for word in words:
        position += len(word)
        ends.append(position)
    return ends


def score(gold: list[list[str]], predicted: list[list[str]]) -> dict[str, float]:
    """Word and boundary precision/recall/F1 of ``predicted`` against ``gold``."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in number of sentences")
    word_hits = word_gold = word_predicted = 0
    bound_hits = bound_gold = bound_predicted = 0
    for gold_words, predicted_words in zip(gold, predicted, strict=True):
        # Compared by character offsets: the predicted words are of the normalised text.
        if sum(map(len, gold_words)) != sum(map(len, predicted_words)):
            raise ValueError(f"segmentation changed the text: {''.join(gold_words)[:40]!r}")
        gold_ends, predicted_ends = _ends(gold_words), _ends(predicted_words)
        gold_spans = set(zip([0, *gold_ends[:-1]], gold_ends, strict=True))
        predicted_spans = set(zip([0, *predicted_ends[:-1]], predicted_ends, strict=True))
        word_hits += len(gold_spans & predicted_spans)
        word_gold += len(gold_spans)
        word_predicted += len(predicted_spans)
        gold_bounds, predicted_bounds = set(gold_ends[:-1]), set(predicted_ends[:-1])
        bound_hits += len(gold_bounds & predicted_bounds)
        bound_gold += len(gold_bounds)
        bound_predicted += len(predicted_bounds)

    def prf(hits: int, n_gold: int, n_predicted: int) -> tuple[float, float, float]:
        precision = hits / n_predicted if n_predicted else 0.0
        recall = hits / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    precision, recall, f1 = prf(word_hits, word_gold, word_predicted)
    b_precision, b_recall, b_f1 = prf(bound_hits, bound_gold, bound_predicted)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "boundary_precision": b_precision,
        "boundary_recall": b_recall,
        "boundary_f1": b_f1,
    }


def _timed(function, texts: list[str]) -> tuple[list[list[str]], float]:
    started = time.perf_counter()
    result = function(texts)
    return result, time.perf_counter() - started


def evaluate_segmentation(gold_path: Path, *, repeats: int = 2, segmenter=None) -> dict:
    """Score our segmenter and plain jieba on ``gold_path``; see the module docstring.

    Takes about 2 s per repeat for the 100,000-character AS development gold on one core.
    """
    import jieba

    from .segment import Segmenter, _cache_dir

    gold = read_gold(gold_path)
    texts = [normalise_for_scoring("".join(words)) for words in gold]
    characters = sum(len(text) for text in texts)
    # A fresh segmenter by default: the shipped dictionaries only, not the admin's user words.
    segmenter = segmenter or Segmenter()
    baseline = jieba.Tokenizer()  # private: jieba's default dictionary, no global state
    baseline.tmp_dir = str(_cache_dir())  # its cache next to ours, not in the shared /tmp
    jieba_logger = logging.getLogger("jieba")
    level = jieba_logger.level
    jieba_logger.setLevel(logging.WARNING)  # initialize() logs its progress to stderr
    try:
        baseline.initialize()
    finally:
        jieba_logger.setLevel(level)
    segmenter.cut("預先載入詞典")  # load before timing

    def ours(batch):
        return segmenter.run(batch)

    def plain(batch, hmm=True):
        return [[w for w in baseline.lcut(text, HMM=hmm) if w.strip()] for text in batch]

    def plain_no_hmm(batch):
        return plain(batch, hmm=False)

    best = {"ours": float("inf"), "plain": float("inf"), "plain_no_hmm": float("inf")}
    outputs = {}
    for _ in range(max(1, repeats)):
        for name, function in (("ours", ours), ("plain", plain), ("plain_no_hmm", plain_no_hmm)):
            outputs[name], seconds = _timed(function, texts)
            best[name] = min(best[name], seconds)

    def tokens_for_scoring(words_per_text):
        # Gold texts have no spaces; keep only tokens with content (our run() already does).
        return [[w for w in words if w.strip()] for words in words_per_text]

    ours_scores = score(gold, tokens_for_scoring(outputs["ours"]))
    plain_scores = score(gold, outputs["plain"])
    plain_no_hmm_scores = score(gold, outputs["plain_no_hmm"])
    return {
        "sentences": len(gold),
        "characters": characters,
        **ours_scores,
        "chars_per_second": characters / best["ours"],
        "hmm": segmenter.hmm,
        "baseline": "jieba default dictionary, lcut(HMM=True)",
        "baseline_precision": plain_scores["precision"],
        "baseline_recall": plain_scores["recall"],
        "baseline_f1": plain_scores["f1"],
        "baseline_boundary_f1": plain_scores["boundary_f1"],
        "baseline_chars_per_second": characters / best["plain"],
        "baseline_no_hmm_f1": plain_no_hmm_scores["f1"],
        "baseline_no_hmm_boundary_f1": plain_no_hmm_scores["boundary_f1"],
        "baseline_no_hmm_chars_per_second": characters / best["plain_no_hmm"],
    }
