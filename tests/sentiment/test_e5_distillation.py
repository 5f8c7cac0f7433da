"""The distillation loss mixes the labels' cross-entropy with the teacher's softened targets.

Needs torch (the ``[train]`` extra); skipped with that reason where it is not installed.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the [train] extra (torch) is not installed")
pytest.importorskip("transformers", reason="the [train] extra (transformers) is not installed")


def _softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_the_loss_is_the_labels_alone_without_a_teacher_and_the_mix_with_one():
    from sentiment.training.e5_finetune import distillation_loss

    student = np.array([[0.2, 1.0], [1.5, -0.5], [0.0, 0.3]])
    teacher = np.array([[-1.0, 2.0], [2.0, 0.0], [0.4, 0.1]])
    labels = np.array([1, 0, 0])
    s, t, y = torch.tensor(student), torch.tensor(teacher), torch.tensor(labels)

    ce = -np.mean(np.log(_softmax(student)[np.arange(3), labels]))
    assert distillation_loss(s, y, None, weight=0.5, temperature=2.0).item() == pytest.approx(ce)
    assert distillation_loss(s, y, t, weight=0.0, temperature=2.0).item() == pytest.approx(ce)

    p_t, p_s = _softmax(teacher / 2.0), _softmax(student / 2.0)
    kl = np.mean(np.sum(p_t * (np.log(p_t) - np.log(p_s)), axis=1))
    mixed = distillation_loss(s, y, t, weight=0.7, temperature=2.0).item()
    assert mixed == pytest.approx(0.3 * ce + 0.7 * kl * 4.0)

    same = distillation_loss(s, y, s.clone(), weight=1.0, temperature=3.0).item()
    assert same == pytest.approx(0.0, abs=1e-9)  # a student that matches its teacher


def test_opinion_free_rows_are_taught_half_and_half_and_one_hot_rows_as_their_labels():
    from sentiment.training.e5_finetune import distillation_loss
    from sentiment.training.neutral import soft_targets

    logits = np.array([[0.2, 1.0], [1.5, -0.5], [2.0, -1.0], [0.0, 0.0]])
    targets = soft_targets(np.array([1, 0]), 2)  # two reviews, two notices
    p = _softmax(logits)
    by_hand = -np.mean(
        [np.log(p[0, 1]), np.log(p[1, 0]), 0.5 * np.log(p[2]).sum(), 0.5 * np.log(p[3]).sum()]
    )
    loss = distillation_loss(
        torch.tensor(logits), torch.tensor(targets), None, weight=0.5, temperature=2.0
    )
    assert loss.item() == pytest.approx(by_hand, rel=1e-6)
    hard = distillation_loss(
        torch.tensor(logits[:2]), torch.tensor([1, 0]), None, weight=0, temperature=1
    )
    one_hot = distillation_loss(
        torch.tensor(logits[:2]), torch.tensor(targets[:2]), None, weight=0, temperature=1
    )
    assert one_hot.item() == pytest.approx(hard.item(), rel=1e-6)


def test_opinion_free_texts_are_appended_after_the_reviews_with_their_half_targets(tmp_path):
    from sentiment.training.e5_finetune import E5Settings, with_opinion_free

    class CharIds:  # stands in for the Featurizer: one id per character
        def token_ids(self, texts):
            return [np.array([ord(c) for c in t]) for t in texts]

    notices = tmp_path / "notices.txt"
    notices.write_text("公告核准\n廢止辦法\n", encoding="utf-8")
    settings = E5Settings(neutral_file=str(notices))
    reviews = [np.array([1, 2]), np.array([3])]
    ids, targets = with_opinion_free(reviews, np.array([1, 0]), settings, CharIds())
    assert [list(i) for i in ids[2:]] == [
        [ord(c) for c in "公告核准"],
        [ord(c) for c in "廢止辦法"],
    ]
    assert ids[:2] == reviews
    np.testing.assert_array_equal(targets, [[0, 1], [1, 0], [0.5, 0.5], [0.5, 0.5]])
