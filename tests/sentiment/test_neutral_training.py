"""Opinion-free texts in training (neutral.py): taught as half of each polarity.

The regressions learn that target from each text doubled at half weight; these tests recompute
the soft-target loss directly (scipy minimisation, hand counts) and check the two agree.
"""

import numpy as np
import pytest
from scipy.optimize import minimize
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from sentiment.training.neutral import (
    NEUTRAL_CORPUS,
    doubled_rows,
    neutral_examples,
    soft_targets,
)
from sentiment.training.stacking import fit_stacking


def test_soft_targets_are_one_hot_for_reviews_then_half_and_half():
    targets = soft_targets(np.array([1, 0, 1]), 2)
    np.testing.assert_array_equal(targets, [[0, 1], [1, 0], [0, 1], [0.5, 0.5], [0.5, 0.5]])
    assert targets.dtype == np.float32


def test_doubled_rows_give_the_regression_the_soft_target_loss():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(200, 3))
    labels = (x[:, 0] + rng.normal(0, 0.5, 200) > 0).astype(int)
    x_neutral = rng.normal(size=(60, 3)) + np.array([3.0, 0.0, 0.0])  # reads "positive" on x0

    rows, y, w = doubled_rows(x, labels, x_neutral)
    assert rows.shape == (320, 3) and w.sum() == pytest.approx(260.0)
    fitted = LogisticRegression(C=1e6, tol=1e-10, max_iter=10_000).fit(rows, y, sample_weight=w)

    targets = soft_targets(labels, 60)[:, 1]
    design = np.hstack([np.vstack([x, x_neutral]), np.ones((260, 1))])

    def soft_loss(theta):
        margin = design @ theta
        return np.sum(np.logaddexp(0, margin) - targets * margin)  # CE against soft targets

    direct = minimize(soft_loss, np.zeros(4), method="BFGS", options={"gtol": 1e-9}).x
    np.testing.assert_allclose(fitted.coef_[0], direct[:3], atol=2e-3)
    assert fitted.intercept_[0] == pytest.approx(direct[3], abs=2e-3)

    alone = LogisticRegression(C=1e6, max_iter=10_000).fit(x, labels)
    neutral_margin = x_neutral @ fitted.coef_[0] + fitted.intercept_[0]
    alone_margin = alone.decision_function(x_neutral)
    assert np.abs(neutral_margin).mean() < 0.5 * np.abs(alone_margin).mean()


def test_doubled_rows_keep_sparse_features_sparse():
    x = csr_matrix(np.eye(3))
    rows, y, w = doubled_rows(x, np.array([1, 0, 1]), csr_matrix([[0.0, 0.0, 2.0]]), weight=3.0)
    assert rows.format == "csr" and rows.shape == (5, 3)
    np.testing.assert_array_equal(y, [1, 0, 1, 0, 1])
    np.testing.assert_array_equal(w, [1, 1, 1, 1.5, 1.5])


def test_an_opinion_free_text_counts_half_to_each_side_of_the_nb_ratio():
    pytest.importorskip("torch", reason="train.py needs the [train] extra (torch)")
    from sentiment.training.train import log_count_ratio

    # features: 0 seen in the positive review, 1 in the negative one, 2 in both and the notice
    x = csr_matrix(np.array([[1.0, 0, 1], [0, 1.0, 1], [0, 0, 1.0]]))
    rows, y, w = doubled_rows(x[:2], np.array([1, 0]), x[2:])
    r = log_count_ratio(rows, y, alpha=1.0, weights=w)
    p = 1 + np.array([1, 0, 1.5])  # by hand: alpha + positive counts (+ half the notice)
    q = 1 + np.array([0, 1, 1.5])
    np.testing.assert_allclose(r, np.log((p / p.sum()) / (q / q.sum())))
    np.testing.assert_allclose(
        log_count_ratio(x[:2], np.array([1, 0]), 1.0), [np.log(2), -np.log(2), 0]
    )


def test_stacking_with_opinion_free_dev_texts_trusts_less_the_scorer_that_reads_them_as_polar():
    rng = np.random.default_rng(11)
    labels = rng.integers(0, 2, 600)
    sign = 2.0 * labels - 1.0
    e5 = 2.0 * sign + rng.normal(0, 1.5, 600)
    ngram = 2.0 * sign + rng.normal(0, 1.5, 600)
    components = [{"name": "plain", "weight": np.zeros(1), "intercept": 0.0, "dev_margin": ngram}]
    # On opinion-free texts the e5 margin stays near 0; the n-gram one reads them as negative.
    neutral = np.stack([rng.normal(0, 0.3, 300), rng.normal(-4.0, 1.0, 300)], axis=1)

    _, a0, bias0, w0 = fit_stacking(e5, components, labels)
    _, a1, bias1, w1 = fit_stacking(e5, components, labels, neutral)

    def neutral_margin(a, w, bias):
        return a * neutral[:, 0] + w["plain"] * neutral[:, 1] + bias

    assert w1["plain"] < w0["plain"] and a1 > 0
    assert (
        np.abs(neutral_margin(a1, w1, bias1)).mean() < np.abs(neutral_margin(a0, w0, bias0)).mean()
    )


def test_neutral_examples_are_read_normalised_and_refuse_an_empty_file(tmp_path):
    f = tmp_path / "notices.txt"
    f.write_text("预告修正「驻外机构聘雇人员办法」\n\n公告核准會計師執業\n", encoding="utf-8")
    examples = neutral_examples(f, "train")
    assert [e.text for e in examples] == ["預告修正「駐外機構聘僱人員辦法」", "公告核准會計師執業"]
    assert {(e.corpus, e.split) for e in examples} == {(NEUTRAL_CORPUS, "train")}
    (tmp_path / "empty.txt").write_text("\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no text"):
        neutral_examples(tmp_path / "empty.txt", "dev")


def test_the_three_way_reading_is_neutral_inside_the_band_and_the_polarity_outside():
    from sentiment.training.neutral import three_way

    p = np.array([0.9, 0.1, 0.6, 0.35, 0.5])
    assert list(three_way(p, 0.65)) == [2, 0, 1, 0, 1]
    assert list(three_way(p, 0.5)) == [2, 0, 2, 0, 2]  # no band: p = 0.5 reads positive


def test_the_band_edge_is_chosen_on_reviews_and_opinion_free_texts_as_three_classes():
    """Worked by hand: at 0.55 the reviews are all right and one notice is neutral
    (F1 pos 2/3, neg 1, neutral 1/2); at 0.65 one review and two notices are neutral
    (1/2, 1, 2/3): equal, so the narrower band; at 0.85 both middling reviews go neutral
    (2/3, 2/3, 3/4)."""
    from sentiment.training.neutral import choose_band

    p_reviews, labels = np.array([0.9, 0.1, 0.6, 0.35]), np.array([1, 0, 1, 0])
    p_free = np.array([0.5, 0.58, 0.8])
    edge, f1 = choose_band(p_reviews, labels, p_free, grid=(0.55, 0.65, 0.85))
    assert edge == 0.55
    assert f1 == pytest.approx(round((2 / 3 + 1 + 1 / 2) / 3, 4))
    # without the tie's narrower edge, the next best is the wider one
    assert choose_band(p_reviews, labels, p_free, grid=(0.65, 0.85))[0] == 0.65
    assert choose_band(p_reviews, labels, p_free, grid=(0.85,))[1] == pytest.approx(
        round((2 / 3 + 2 / 3 + 3 / 4) / 3, 4)
    )


def test_the_chosen_edge_agrees_with_scikit_learns_macro_f1_on_random_scores():
    from sklearn.metrics import f1_score

    from sentiment.training.neutral import BAND_GRID, choose_band

    rng = np.random.default_rng(11)
    labels = rng.integers(0, 2, 300)
    p_reviews = np.clip(np.where(labels == 1, 0.75, 0.25) + rng.normal(0, 0.2, 300), 0, 1)
    p_free = np.clip(0.5 + rng.normal(0, 0.15, 200), 0, 1)
    gold = np.concatenate([np.where(labels == 1, "pos", "neg"), np.full(200, "neu")])
    p_all = np.concatenate([p_reviews, p_free])

    def read(edge):
        conf = np.maximum(p_all, 1 - p_all)
        return np.where(conf < edge, "neu", np.where(p_all >= 0.5, "pos", "neg"))

    scores = [f1_score(gold, read(edge), average="macro") for edge in BAND_GRID]
    edge, f1 = choose_band(p_reviews, labels, p_free)
    assert edge == BAND_GRID[int(np.argmax(scores))]
    assert f1 == pytest.approx(max(scores), abs=1e-4)
    assert 0.5 < edge < 0.95
