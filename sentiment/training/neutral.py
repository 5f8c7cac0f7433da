"""Opinion-free examples in training: texts taught as neither polarity.

The three review corpora are binary, so the model learns no neutral class: neutral is the band
where its calibrated confidence is below 70 % (MODEL_CARD.md). Announcements can still be read
confidently as negative or positive (a notice about fines reads negative). Texts that hold no
opinion by construction (gazette subject lines, ``opinion_free.py``) are added to training with
the target "half positive, half negative": the fine-tuning's cross-entropy is taken against
(0.5, 0.5), and the linear regressions (n-gram branches, stacking) see each such text twice,
once with each label at half weight, which is the same loss. The model's binary decision on
reviews is unchanged in kind; what moves is how far from 0.5 it puts opinion-free text.

Pure numpy and scipy (no torch), tested where the run-time dependencies are.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sentiment.training.data import Example, read_text_lines

NEUTRAL_CORPUS = "opinion_free"


def neutral_examples(path: Path | str, split: str) -> list[Example]:
    """Opinion-free texts of a file (one a line) as examples of their own corpus; the label
    is a placeholder, never read (their target is ``soft_targets``'s half and half)."""
    texts = read_text_lines(Path(path))
    if not texts:
        raise ValueError(f"{Path(path).name}: no text (one a line)")
    return [Example(text=t, label=0, corpus=NEUTRAL_CORPUS, split=split) for t in texts]


def soft_targets(labels: np.ndarray, neutral: int) -> np.ndarray:
    """Target distributions (negative, positive): one-hot for the labelled rows, then
    ``neutral`` rows of (0.5, 0.5)."""
    labelled = np.eye(2, dtype=np.float32)[np.asarray(labels, dtype=np.int64)]
    return np.concatenate([labelled, np.full((neutral, 2), 0.5, dtype=np.float32)])


def doubled_rows(x, labels: np.ndarray, x_neutral, weight: float = 1.0):
    """Rows for a weighted binary regression: ``x`` with its labels at weight 1, then each
    row of ``x_neutral`` twice, labelled 0 and 1, each at ``weight`` / 2.

    Weighted log-loss of such a pair is ``weight`` × the cross-entropy against (0.5, 0.5), so
    liblinear and scikit-learn's regressions learn the soft target without a new solver.
    ``x`` may be dense or scipy sparse."""
    n = x_neutral.shape[0]
    if hasattr(x, "tocsr"):
        from scipy.sparse import vstack

        rows = vstack([x, x_neutral, x_neutral], format="csr")
    else:
        rows = np.concatenate([x, x_neutral, x_neutral])
    y = np.concatenate(
        [np.asarray(labels, dtype=np.int64), np.zeros(n, np.int64), np.ones(n, np.int64)]
    )
    w = np.concatenate([np.ones(len(labels)), np.full(2 * n, weight / 2)])
    return rows, y, w


# Candidate edges of the neutral band: calibrated confidence from 0.50 (no band) to 0.95.
BAND_GRID = tuple(round(0.5 + 0.01 * i, 2) for i in range(46))


def three_way(p_pos: np.ndarray, neutral_below: float) -> np.ndarray:
    """The served three-way reading (0 negative, 1 neutral, 2 positive) of calibrated
    P(positive): neutral when the likelier polarity's probability is below the edge."""
    confidence = np.maximum(p_pos, 1 - p_pos)
    return np.where(confidence < neutral_below, 1, np.where(p_pos >= 0.5, 2, 0))


def choose_band(
    p_reviews: np.ndarray, labels: np.ndarray, p_free: np.ndarray, grid=BAND_GRID
) -> tuple[float, float]:
    """The band edge that reads a three-class dev set best, and its macro-F1.

    The set is the review dev texts with their polarity and the opinion-free dev texts as
    neutral; the edge maximises the three-class macro-F1 of ``three_way`` (the first of
    equals, i.e. the narrowest band). Without opinion-free texts the band is a fixed 0.70,
    since reviews alone would always choose no band at all."""
    from sentiment.training.metrics import macro_f1

    gold = np.concatenate([np.where(np.asarray(labels) == 1, 2, 0), np.ones(len(p_free), int)])
    p_all = np.concatenate([p_reviews, p_free])
    scores = [macro_f1(gold, three_way(p_all, edge), labels=(0, 1, 2)) for edge in grid]
    best = int(np.argmax(scores))
    return float(grid[best]), round(float(scores[best]), 4)
