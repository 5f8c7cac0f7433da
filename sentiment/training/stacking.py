"""Stacking: one logistic regression over the margins of several scorers, folded into one.

Pure numpy and scikit-learn (no torch), so that it is tested where the run-time dependencies
are. Used by ``e5_stack`` to combine the e5 classifier with linear n-gram regressions.
"""

from __future__ import annotations

import numpy as np


def fit_stacking(
    e5_dev_margin: np.ndarray,
    components: list[dict],
    labels: np.ndarray,
    neutral_margins: np.ndarray | None = None,
):
    """Weights on dev for e5 and each n-gram component; the components fold into one table.

    ``neutral_margins`` (texts × (e5, component, …)): opinion-free dev texts, each counted as
    half positive and half negative (neutral.py), so the weights also keep them near 0."""
    from sklearn.linear_model import LogisticRegression

    from sentiment.training.neutral import doubled_rows

    features = np.stack([e5_dev_margin] + [c["dev_margin"] for c in components], axis=1)
    weight = None
    if neutral_margins is not None and len(neutral_margins):
        features, labels, weight = doubled_rows(features, labels, neutral_margins)
    stack = LogisticRegression(C=100.0).fit(features, labels, sample_weight=weight)
    a, weights = float(stack.coef_[0][0]), stack.coef_[0][1:]
    table = sum(w * c["weight"] for w, c in zip(weights, components, strict=True))
    bias = float(stack.intercept_[0]) + sum(
        w * c["intercept"] for w, c in zip(weights, components, strict=True)
    )
    weights_report = {"e5": a} | {
        c["name"]: float(w) for w, c in zip(weights, components, strict=True)
    }
    return table, a, bias, weights_report
