"""Sentiment stage: the project's own char-level encoder, served by ONNX Runtime.

Run time needs only ``onnxruntime``, ``tokenizers``, ``numpy`` and ``opencc``; torch and
transformers are training-time dependencies (``sentiment/training``). The featurisation
functions below are the single source of truth: training imports them, so the model sees
exactly the same inputs at train and at serve time.

The model is binary (negative/positive); its two logits are divided by a temperature fitted
on the dev split (calibration). ``neutral`` comes from a confidence band: when the calibrated
probability of the more likely polarity is below ``neutral_threshold`` (``model.json``), the
text is labelled neutral. See ``sentiment/MODEL_CARD.md``.
"""

from __future__ import annotations

import functools
import json
import os
import re
import threading
import unicodedata
from pathlib import Path

import numpy as np

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models"
MODEL_FILE = "model.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
METADATA_FILE = "model.json"
LABELS = ("negative", "neutral", "positive")

# Special token ids are fixed by the vocabulary builder in sentiment/training/tokenizer.py.
PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID = 0, 1, 2, 3, 4

_WHITESPACE = re.compile(r"\s+")
# The shipped model's own normalisation, fixed with it (it learnt from text cleaned this way);
# the platform's set (minyi.text) is wider, and changing this one means retraining.
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")

# Odd 64-bit multipliers for the n-gram hash (a polynomial hash of code points followed by a
# splitmix64 finaliser); fixed forever, because the shipped n-gram table is indexed by them.
_HASH_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5],
    dtype=np.uint64,
)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


@functools.cache
def _opencc():
    import opencc

    return opencc.OpenCC("s2twp")


def normalize_text(text: str) -> str:
    """NFKC, zero-width characters removed, whitespace collapsed, Simplified → Taiwan Traditional.

    Training applies the same function to every corpus, so serving mixed input is consistent.
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = _ZERO_WIDTH.sub("", text)
    text = _WHITESPACE.sub(" ", text).strip()
    if not text:
        return ""
    return _opencc().convert(text)


def head_tail(seq, limit: int):
    """Keep the first and last parts of a long sequence: reviews put verdicts at both ends."""
    if len(seq) <= limit:
        return seq
    head = limit // 2
    return seq[:head] + seq[len(seq) - (limit - head) :]


def _mix(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(30))
    h = h * _MIX1
    h = h ^ (h >> np.uint64(27))
    h = h * _MIX2
    return h ^ (h >> np.uint64(31))


def ngram_ids(
    text: str, orders: tuple[int, ...], buckets: int, max_chars: int, tag: int = 0
) -> np.ndarray:
    """Hashed character n-gram ids in [1, buckets) (0 is padding) for the linear n-gram branch.

    Vectorised in numpy so that no Python loop runs per character. Whitespace is kept as a
    character, so n-grams do not bridge words in Latin text. ``tag`` selects a separate hash
    family (0: n-grams of the whole text; 1: n-grams of the text's ending), so the same
    characters at the end of a text get their own weights.
    """
    text = head_tail(text.lower(), max_chars)
    if not text:
        return np.zeros(0, dtype=np.int64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    parts = []
    with np.errstate(over="ignore"):
        for order in orders:
            if len(codes) < order:
                continue
            n = len(codes) - order + 1
            h = np.full(n, np.uint64(order + 64 * tag), dtype=np.uint64)
            for k in range(order):
                h = h + codes[k : k + n] * _HASH_MULTIPLIERS[k]
            parts.append(_mix(h))
    if not parts:
        return np.zeros(0, dtype=np.int64)
    hashed = np.concatenate(parts)
    return (hashed % np.uint64(buckets - 1)).astype(np.int64) + 1


def ngram_features(
    text: str, orders: tuple[int, ...], buckets: int, max_chars: int, tail_chars: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct hashed n-gram ids and their sublinear term frequencies (1 + log tf).

    The model multiplies these by its IDF table and L2-normalises, i.e. the branch sees the
    same TF-IDF weighting as the baseline. With ``tail_chars`` the n-grams of the last
    ``tail_chars`` characters are added once more under their own hash (tag 1): reviews tend
    to end with their verdict, and this lets the linear branch weigh an ending separately.
    """
    ids = ngram_ids(text, orders, buckets, max_chars)
    if tail_chars > 0 and text:
        tail = ngram_ids(text[-tail_chars:], orders, buckets, tail_chars, tag=1)
        ids = np.concatenate([ids, tail])
    ids, counts = np.unique(ids, return_counts=True)
    return ids, (1.0 + np.log(counts)).astype(np.float32)


def pad_batch(rows: list[np.ndarray], min_width: int = 1, dtype=np.int64) -> np.ndarray:
    width = max(min_width, max((len(r) for r in rows), default=0))
    out = np.zeros((len(rows), width), dtype=dtype)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
    return out


class Featurizer:
    """Turns normalised texts into the model's three inputs (token ids, mask, n-gram ids)."""

    def __init__(self, tokenizer, meta: dict):
        self.tokenizer = tokenizer
        self.max_len = int(meta["max_len"])
        self.ngram_orders = tuple(meta["ngram_orders"])
        self.ngram_buckets = int(meta["ngram_buckets"])
        self.ngram_max_chars = int(meta["ngram_max_chars"])
        # Absent in models before 1.1 (no tail n-grams).
        self.ngram_tail_chars = int(meta.get("ngram_tail_chars", 0))

    def token_ids(self, texts: list[str]) -> list[np.ndarray]:
        # Long texts are cut to head+tail characters *before* tokenising, so a 10,000-character
        # comment costs no more than a short one; the char-level vocabulary makes chars ≈ tokens.
        clipped = [head_tail(t, self.max_len * 2) for t in texts]
        encodings = self.tokenizer.encode_batch(clipped, add_special_tokens=False)
        body = self.max_len - 2
        return [
            np.array([CLS_ID, *head_tail(e.ids, body), SEP_ID], dtype=np.int64) for e in encodings
        ]

    def features(self, texts: list[str]) -> dict[str, np.ndarray]:
        ids = pad_batch(self.token_ids(texts))
        grams = [self.ngrams(t) for t in texts]
        return {
            "input_ids": ids,
            "attention_mask": (ids != PAD_ID).astype(np.int64),
            "ngram_ids": pad_batch([g[0] for g in grams]),
            "ngram_tf": pad_batch([g[1] for g in grams], dtype=np.float32),
        }

    def ngrams(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        return ngram_features(
            text,
            self.ngram_orders,
            self.ngram_buckets,
            self.ngram_max_chars,
            self.ngram_tail_chars,
        )


def load_metadata(model_dir: Path) -> dict:
    return json.loads((model_dir / METADATA_FILE).read_text(encoding="utf-8"))


def load_tokenizer(model_dir: Path):
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(model_dir / TOKENIZER_FILE))


def sentiment_threads() -> int:
    """Intra-op threads of a sentiment session: ``MINYI_SENTIMENT_THREADS``, else one.

    One by default because task workers already run as parallel processes, one per core, and
    threads inside each would only contend. A single foreground process that has the machine
    to itself (``reanalyze``, the speed benchmark's cores figure) sets more.
    """
    return int(os.environ.get("MINYI_SENTIMENT_THREADS", "1") or 1)


def session_options(threads: int | None = None):
    import onnxruntime as ort

    options = ort.SessionOptions()
    threads = sentiment_threads() if threads is None else threads
    options.intra_op_num_threads = max(1, min(threads, os.cpu_count() or 1))
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return options


class _LoadedModel:
    def __init__(self, model_dir: Path, threads: int | None = None):
        import onnxruntime as ort

        self.meta = load_metadata(model_dir)
        self.featurizer = Featurizer(load_tokenizer(model_dir), self.meta)
        self.session = ort.InferenceSession(
            str(model_dir / MODEL_FILE),
            session_options(threads),
            providers=["CPUExecutionProvider"],
        )
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.temperature = float(self.meta["calibration"]["temperature"])
        self.neutral_threshold = float(self.meta["thresholds"]["neutral_below"])

    def logits(self, texts: list[str]) -> np.ndarray:
        feats = self.featurizer.features(texts)
        feeds = {k: v for k, v in feats.items() if k in self.input_names}
        return self.session.run(["logits"], feeds)[0]


_LOCK = threading.Lock()


@functools.cache
def _load_cached(model_dir: str, threads: int) -> _LoadedModel:
    return _LoadedModel(Path(model_dir), threads)


def load_model(model_dir: Path, threads: int | None = None) -> _LoadedModel:
    """The model's session, built once per directory and thread count (``sentiment_threads``)."""
    threads = sentiment_threads() if threads is None else threads
    # functools.cache is not atomic: the lock stops two threads building two sessions.
    with _LOCK:
        return _load_cached(str(Path(model_dir).resolve()), threads)


def calibrated_positive(logits: np.ndarray, temperature: float) -> np.ndarray:
    """P(positive) from the two logits (column 0 negative, 1 positive) after temperature scaling."""
    margin = (logits[:, 1] - logits[:, 0]) / temperature
    return 1.0 / (1.0 + np.exp(-np.clip(margin, -60.0, 60.0)))


def three_way_scores(p_pos: float, neutral_below: float) -> dict[str, float]:
    """Spread a calibrated binary probability over negative/neutral/positive.

    The neutral mass is u = k·(1 − c), with c = max(p, 1 − p) the calibrated confidence and k
    chosen so that neutral is the largest score exactly when c < ``neutral_below``. The rest is
    split in proportion p : 1 − p, so positive ≥ negative iff p ≥ 0.5 (the binary decision)
    and positive/(positive + negative) is still the calibrated probability.
    """
    t = neutral_below
    k = t / ((1.0 + t) * (1.0 - t))
    c = max(p_pos, 1.0 - p_pos)
    u = min(1.0, k * (1.0 - c))
    return {
        "positive": p_pos * (1.0 - u),
        "neutral": u,
        "negative": (1.0 - p_pos) * (1.0 - u),
    }


def label_of(scores: dict[str, float]) -> str:
    best = max(scores.values())
    # Ties (only reachable at the band edge) go to neutral, then positive, per the binary rule.
    for label in ("neutral", "positive", "negative"):
        if scores[label] == best:
            return label
    return "neutral"


# Empty text carries no polarity: answer neutral with equal thirds (documented in the card).
EMPTY_SCORES = {"positive": 1 / 3, "neutral": 1 / 3, "negative": 1 / 3}


class SentimentClassifier:
    """Batch-first sentiment stage; the ONNX session is loaded on the first ``run``."""

    name = "sentiment"

    def __init__(self, model_dir: Path | None = None, threads: int | None = None):
        self.model_dir = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
        self.threads = threads  # None: sentiment_threads()

    def available(self) -> bool:
        return all(
            (self.model_dir / f).is_file() for f in (MODEL_FILE, TOKENIZER_FILE, METADATA_FILE)
        )

    @functools.cached_property
    def _fallback(self):
        from sentiment.nlp.lexicon_sentiment import LexiconSentiment

        return LexiconSentiment()

    @property
    def model_version(self) -> str:
        if not self.available():
            return getattr(self._fallback, "model_name", "lexicon-fallback")
        meta = load_metadata(self.model_dir)
        return f"{meta['name']}-{meta['version']}"

    def run(self, texts: list[str], batch_size: int = 64) -> list[dict]:
        if not self.available():
            return self._fallback.run(list(texts))
        model = load_model(self.model_dir, self.threads)
        version = f"{model.meta['name']}-{model.meta['version']}"
        normalized = [normalize_text(t) for t in texts]
        p_pos = self.positive_probabilities(normalized, batch_size, model)
        results = []
        for text, p in zip(normalized, p_pos, strict=True):
            scores = (
                dict(EMPTY_SCORES)
                if not text
                else three_way_scores(float(p), model.neutral_threshold)
            )
            results.append({"label": label_of(scores), "scores": scores, "model": version})
        return results

    def positive_probabilities(
        self, normalized: list[str], batch_size: int = 64, model: _LoadedModel | None = None
    ) -> np.ndarray:
        """Calibrated P(positive) for already-normalised texts (NaN for empty ones).

        Texts are sorted by length before batching so that each batch pads little; the
        results are put back in input order, so batching never changes an answer.
        """
        model = model or load_model(self.model_dir, self.threads)
        out = np.full(len(normalized), np.nan)
        order = sorted((i for i, t in enumerate(normalized) if t), key=lambda i: len(normalized[i]))
        for start in range(0, len(order), max(1, batch_size)):
            idx = order[start : start + batch_size]
            logits = model.logits([normalized[i] for i in idx])
            out[idx] = calibrated_positive(logits, model.temperature)
        return out
