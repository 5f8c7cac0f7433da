"""The stacked e5 + n-gram graph computes a·(e5 margin) + TF-IDF n-gram score + bias.

Needs torch (the ``[train]`` extra); skipped with that reason where it is not installed, like
the other training-graph tests. The folding of the regressions is tested without torch in
``test_stacking.py``.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the [train] extra (torch) is not installed")


class FixedLogits(torch.nn.Module):
    """Stands in for the fine-tuned E5Classifier: logits from the first token id."""

    def forward(self, input_ids, attention_mask):
        first = input_ids[:, 0].float()
        return torch.stack([-first / 10, first / 10], dim=1)


def test_the_stacked_graph_adds_the_weighted_encoder_margin_to_the_tfidf_score():
    from sentiment.training.e5_stack import E5StackedClassifier

    table = np.array([0.0, 1.5, -2.0, 0.25, 4.0])
    idf = np.array([0.0, 1.0, 2.0, 1.5, 1.0])
    model = E5StackedClassifier(FixedLogits(), table, idf, weight=0.5, bias=-0.3).eval()
    ids = torch.tensor([[5, 9], [20, 9]])
    grams = torch.tensor([[1, 2, 0], [3, 4, 2]])
    tf = torch.tensor([[1.0, 2.0, 0.0], [1.0, 1.0, 1.0]])

    logits = model(ids, (ids > 0).long(), grams, tf).detach().numpy()

    expected = []
    for row, first in enumerate([5, 20]):
        w = tf[row].numpy() * idf[grams[row].numpy()]
        w = w / np.linalg.norm(w)
        expected.append(0.5 * (first / 5) + float(w @ table[grams[row].numpy()]) - 0.3)
    np.testing.assert_allclose(logits[:, 1] - logits[:, 0], expected, rtol=1e-5)
    np.testing.assert_allclose(logits[:, 0], -logits[:, 1], rtol=1e-6)


def test_calibration_chooses_the_band_on_opinion_free_dev_texts_and_keeps_070_without(tmp_path):
    """On a copy of the shipped model: the temperature is fitted on review dev as before;
    with opinion-free dev texts the edge is choose_band's on that model's probabilities."""
    import shutil

    from sentiment.nlp.sentiment import DEFAULT_MODEL_DIR, load_metadata
    from sentiment.training.data import Example
    from sentiment.training.e5_finetune import calibrated_meta
    from sentiment.training.metrics import fit_temperature
    from sentiment.training.neutral import choose_band
    from sentiment.training.train import onnx_logits

    staging = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, staging)
    meta = {
        k: v for k, v in load_metadata(staging).items() if k not in ("calibration", "thresholds")
    }
    reviews = ["房間乾淨，服務很好", "很差，不會再來", "還可以吧", "送餐太慢了，菜都冷了", "好吃"]
    dev = [Example(t, y, "hotel", "dev") for t, y in zip(reviews, [1, 0, 1, 0, 1], strict=True)]
    dev_y = np.array([e.label for e in dev])
    notices = [
        "修正「道路交通安全規則」部分條文",
        "公告核准本年度預算",
        "訂定「長期照顧服務法施行細則」",
    ]
    free = [Example(t, 0, "opinion_free", "dev") for t in notices]

    fixed = calibrated_meta(staging, dict(meta), dev, dev_y)
    assert fixed["thresholds"]["neutral_below"] == 0.7
    assert "chosen_on" not in fixed["thresholds"]

    chosen = calibrated_meta(staging, dict(meta), dev, dev_y, free)
    t = chosen["calibration"]["temperature"]
    assert t == pytest.approx(fit_temperature(onnx_logits(staging, dev), dev_y))

    def p_pos(logits):
        return 1 / (1 + np.exp(-(logits[:, 1] - logits[:, 0]) / t))

    p_free = p_pos(onnx_logits(staging, free))
    edge, f1 = choose_band(p_pos(onnx_logits(staging, dev)), dev_y, p_free)
    assert chosen["thresholds"]["neutral_below"] == edge
    assert chosen["thresholds"]["dev_three_class_macro_f1"] == f1
    in_band = np.mean(np.maximum(p_free, 1 - p_free) < edge)
    assert chosen["thresholds"]["opinion_free_dev_in_band"] == pytest.approx(in_band, abs=1e-4)
    assert chosen["thresholds"]["chosen_on"].startswith("review dev + 3 opinion-free")
