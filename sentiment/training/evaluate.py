"""Figures for ``manage.py evaluate_nlp``: held-out quality against two baselines, and speed.

Runs with the run-time dependencies only (onnxruntime, tokenizers, scikit-learn, snownlp);
no torch.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import numpy as np

from sentiment.nlp.sentiment import (
    DEFAULT_MODEL_DIR,
    MODEL_FILE,
    SentimentClassifier,
    normalize_text,
)
from sentiment.training.baselines import SnowNLPShipped, TfidfLogReg
from sentiment.training.data import CORPORA, load_examples, select
from sentiment.training.metrics import accuracy, macro_f1


def minyi_predict(texts: list[str], model_dir: Path | None) -> np.ndarray:
    """Binary reading of the shipped model: positive iff P(positive) >= P(negative)."""
    classifier = SentimentClassifier(model_dir)
    if not classifier.available():
        results = classifier.run(texts)
        return np.array([int(r["scores"]["positive"] >= r["scores"]["negative"]) for r in results])
    p_pos = classifier.positive_probabilities([normalize_text(t) for t in texts])
    return (np.nan_to_num(p_pos, nan=0.5) >= 0.5).astype(int)


def score_row(split: str, system: str, labels, predictions) -> dict:
    return {
        "split": split,
        "system": system,
        "n": len(labels),
        "accuracy": round(accuracy(labels, predictions), 4),
        "macro_f1": round(macro_f1(labels, predictions), 4),
    }


def evaluate_sentiment(data_dir: Path, model_dir: Path | None = None) -> list[dict]:
    """Accuracy and macro-F1 on each corpus's test split for minyi, tfidf-lr and snownlp.

    The TF-IDF baseline is trained on the same pooled training split as the model (all three
    corpora) and tuned on the same dev split.
    """
    examples = load_examples(Path(data_dir))
    train, dev = select(examples, "train"), select(examples, "dev")
    tfidf = TfidfLogReg().fit(
        [e.text for e in train],
        [e.label for e in train],
        [e.text for e in dev],
        [e.label for e in dev],
    )
    snownlp = SnowNLPShipped()
    rows = []
    for corpus in CORPORA:
        test = select(examples, "test", corpus)
        texts, labels = [e.text for e in test], np.array([e.label for e in test])
        split = f"{corpus}/test"
        rows.append(score_row(split, "minyi", labels, minyi_predict(texts, model_dir)))
        rows.append(score_row(split, tfidf.name, labels, tfidf.predict(texts)))
        rows.append(score_row(split, snownlp.name, labels, snownlp.predict(texts)))
    return rows


# Short civic and review phrases for the speed benchmark (no data files needed).
_PHRASES = tuple(
    """服務很好 態度很差 這個政策很棒 完全不同意 希望政府多聽民意 送餐太慢了 房間乾淨 價格合理
    非常失望 值得推薦 交通方便 排隊排很久 支持這個提案 浪費納稅人的錢 效率很高 回覆很快 沒有人處理
    資訊不透明 謝謝承辦人員 網站很難用 長照2.0要加油 公車班次太少 空氣品質變好了 噪音很吵 補助太少
    手續太麻煩 辦事處人員親切 路面坑洞很多 公園維護得很好 標示不清楚""".split()  # noqa: SIM905
)


def benchmark_texts(n: int = 2000, seed: int = 7) -> list[str]:
    rng = random.Random(seed)  # noqa: S311 - a fixed, reproducible benchmark set
    return [
        "，".join(rng.sample(_PHRASES, rng.randint(2, 5)))
        + rng.choice(("", "！", "。", "😊", "😡"))
        for _ in range(n)
    ]


def benchmark_sentiment(model_dir: Path | None = None) -> dict:
    """Throughput at batch 64 over 2,000 short texts, single-text latency, model size."""
    model_dir = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
    classifier = SentimentClassifier(model_dir)
    texts = benchmark_texts()
    classifier.run(texts[:128])  # load the session and warm the caches outside the timing
    started = time.perf_counter()
    classifier.run(texts, batch_size=64)
    elapsed = time.perf_counter() - started
    latencies = []
    for text in texts[:300]:
        t0 = time.perf_counter()
        classifier.run([text])
        latencies.append((time.perf_counter() - t0) * 1000)
    size = sum(p.stat().st_size for p in model_dir.glob("*") if p.is_file())
    return {
        "model": classifier.model_version,
        "texts": len(texts),
        "mean_chars": round(float(np.mean([len(t) for t in texts])), 1),
        "throughput_texts_per_s": round(len(texts) / elapsed, 1),
        "latency_p50_ms": round(float(np.percentile(latencies, 50)), 2),
        "latency_p95_ms": round(float(np.percentile(latencies, 95)), 2),
        "model_file_mb": round((model_dir / MODEL_FILE).stat().st_size / 1e6, 2)
        if (model_dir / MODEL_FILE).is_file()
        else 0.0,
        "model_dir_mb": round(size / 1e6, 2),
    }
