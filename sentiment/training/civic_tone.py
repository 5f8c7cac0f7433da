"""Tone of real civic statements in three classes, labelled by hand.

The review corpora say how well the model tells praise from complaint; opinion-free text
(``opinion_free.py``) how rarely it reads an announcement as either. Neither says whether the
model, taught to keep formal text neutral (``neutral.py``), still hears the opinion in a
citizen's statement about a policy. This set does: the 119 statements of the 2015 vTaiwan
consultation on UberX that its moderators did not reject (Pol.is export, CC BY 4.0, The
Computational Democracy Project; ``DATA_DIR/polis/vtaiwan.uberx/comments.csv``), each given a
tone by hand in ``labels/vtaiwan_uberx_tone.csv`` (the rules are in ``labels/README.md``).
Only the labels are in the repository; the statements are read from the data directory.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np

from sentiment.training.metrics import accuracy, macro_f1

TONES = ("negative", "neutral", "positive")
LABELS_FILE = Path(__file__).resolve().parent / "labels" / "vtaiwan_uberx_tone.csv"
POLIS_COMMENTS = Path("polis") / "vtaiwan.uberx" / "comments.csv"


def read_tone_set(comments_csv: Path, labels_csv: Path = LABELS_FILE) -> list[tuple[str, str]]:
    """(statement, tone) for each labelled statement; refuses labels whose statement is
    missing or was rejected by the moderators, and tones outside ``TONES``."""
    with Path(labels_csv).open(encoding="utf-8", newline="") as f:
        tones = {row["comment-id"]: row["tone"] for row in csv.DictReader(f)}
    if bad := sorted(set(tones.values()) - set(TONES)):
        raise ValueError(f"{Path(labels_csv).name}: unknown tone {', '.join(bad)}")
    with Path(comments_csv).open(encoding="utf-8", newline="") as f:
        kept = {
            row["comment-id"]: row["comment-body"]
            for row in csv.DictReader(f)
            if row["moderated"] != "-1"  # what moderators removed is never read
        }
    if missing := sorted(set(tones) - set(kept), key=int):
        raise ValueError(f"{Path(comments_csv).name}: no kept statement {', '.join(missing)}")
    return [(kept[i], tones[i]) for i in sorted(tones, key=int)]


def tone_scores(gold: list[str], predicted: list[str]) -> dict:
    """Accuracy, three-class macro-F1, each tone's precision and recall, and the confusion
    counts (gold → predicted)."""
    gold_a, pred_a = np.array(gold), np.array(predicted)
    per_tone = {}
    for tone in TONES:
        tp = int(np.sum((pred_a == tone) & (gold_a == tone)))
        called, true = int(np.sum(pred_a == tone)), int(np.sum(gold_a == tone))
        precision = tp / called if called else 0.0
        recall = tp / true if true else 0.0
        per_tone[tone] = {
            "gold": true,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
        }
    confusion = Counter(zip(gold, predicted, strict=True))
    return {
        "texts": len(gold),
        "accuracy": round(accuracy(gold_a, pred_a), 4),
        "macro_f1": round(macro_f1(gold_a, pred_a, labels=TONES), 4),
        "per_tone": per_tone,
        "confusion": {g: {p: confusion[(g, p)] for p in TONES} for g in TONES},
    }


def tone_reading(pairs: list[tuple[str, str]], model_dir: Path | None = None) -> dict:
    from sentiment.nlp.sentiment import SentimentClassifier

    results = SentimentClassifier(model_dir).run([text for text, _ in pairs])
    scores = tone_scores([tone for _, tone in pairs], [r["label"] for r in results])
    return scores | {"model": results[0]["model"] if results else ""}
