"""Stacking folds several linear scorers into one table without changing a single margin."""

import numpy as np
from sklearn.linear_model import LogisticRegression

from sentiment.training.stacking import fit_stacking


def test_the_folded_table_gives_the_stacked_regressions_margin_exactly():
    rng = np.random.default_rng(3)
    n, buckets = 400, 50
    x = rng.random((n, buckets))
    labels = (x[:, :5].sum(1) + rng.normal(0, 0.3, n) > 2.5).astype(int)
    encoder_margin = 2 * (labels - 0.5) + rng.normal(0, 1.5, n)  # a noisy but useful scorer
    components = []
    for name, seed in (("nb", 1), ("plain", 2)):
        weight = np.random.default_rng(seed).normal(0, 1, buckets)
        weight[:5] += 2.0
        components.append({"name": name, "weight": weight, "intercept": -0.5 * seed})
    for comp in components:
        comp["dev_margin"] = x @ comp["weight"] + comp["intercept"]

    table, a, bias, weights = fit_stacking(encoder_margin, components, labels)

    features = np.stack([encoder_margin] + [c["dev_margin"] for c in components], axis=1)
    expected = LogisticRegression(C=100.0).fit(features, labels).decision_function(features)
    np.testing.assert_allclose(a * encoder_margin + x @ table + bias, expected, atol=1e-8)
    assert set(weights) == {"e5", "nb", "plain"} and weights["e5"] == a > 0
