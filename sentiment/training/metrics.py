"""Small metric helpers in numpy (no scikit-learn needed at run time for these)."""

from __future__ import annotations

import itertools

import numpy as np


def macro_f1(y_true, y_pred, labels=(0, 1)) -> float:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    scores = []
    for label in labels:
        tp = np.sum((y_pred == label) & (y_true == label))
        fp = np.sum((y_pred == label) & (y_true != label))
        fn = np.sum((y_pred != label) & (y_true == label))
        denom = 2 * tp + fp + fn
        scores.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(scores))


def accuracy(y_true, y_pred) -> float:
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def binary_nll(margin: np.ndarray, labels: np.ndarray) -> float:
    # log(1 + e^-m) for positives, log(1 + e^m) for negatives, computed stably.
    signed = np.where(labels == 1, margin, -margin)
    return float(np.mean(np.logaddexp(0.0, -signed)))


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Temperature minimising dev negative log-likelihood (golden-section on log T)."""
    margin = (logits[:, 1] - logits[:, 0]).astype(np.float64)
    lo, hi = np.log(0.05), np.log(20.0)
    ratio = (np.sqrt(5) - 1) / 2
    for _ in range(80):
        a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
        if binary_nll(margin / np.exp(a), labels) < binary_nll(margin / np.exp(b), labels):
            hi = b
        else:
            lo = a
    return round(float(np.exp((lo + hi) / 2)), 4)


def expected_calibration_error(p_pos: np.ndarray, labels: np.ndarray, bins: int = 10) -> float:
    conf = np.maximum(p_pos, 1 - p_pos)
    correct = ((p_pos >= 0.5).astype(int) == labels).astype(float)
    edges = np.linspace(0.5, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        inside = (conf >= lo) & ((conf < hi) if hi < 1.0 else (conf <= hi))
        if inside.any():
            ece += inside.mean() * abs(correct[inside].mean() - conf[inside].mean())
    return float(ece)
