"""Stacking: one logistic regression over the margins of several scorers, folded into one.

Pure numpy and scikit-learn (no torch), so that it is tested where the run-time dependencies
are. Used by ``e5_stack`` to combine the e5 classifier with linear n-gram regressions.
"""

from __future__ import annotations

import numpy as np


def fit_stacking(e5_dev_margin: np.ndarray, components: list[dict], labels: np.ndarray):
    """Weights on dev for e5 and each n-gram component; the components fold into one table."""
    from sklearn.linear_model import LogisticRegression

    features = np.stack([e5_dev_margin] + [c["dev_margin"] for c in components], axis=1)
    stack = LogisticRegression(C=100.0).fit(features, labels)
    a, weights = float(stack.coef_[0][0]), stack.coef_[0][1:]
    table = sum(w * c["weight"] for w, c in zip(weights, components, strict=True))
    bias = float(stack.intercept_[0]) + sum(
        w * c["intercept"] for w, c in zip(weights, components, strict=True)
    )
    weights_report = {"e5": a} | {
        c["name"]: float(w) for w, c in zip(weights, components, strict=True)
    }
    return table, a, bias, weights_report
