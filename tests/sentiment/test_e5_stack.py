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
