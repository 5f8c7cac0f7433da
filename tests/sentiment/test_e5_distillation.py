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
    from sentiment.training.e5_finetune import (
        E5Settings,
        opinion_free_training,
        with_opinion_free,
    )

    class CharIds:  # stands in for the Featurizer: one id per character
        def token_ids(self, texts):
            return [np.array([ord(c) for c in t]) for t in texts]

    notices = tmp_path / "notices.txt"
    notices.write_text("公告核准\n廢止辦法\n", encoding="utf-8")
    assert opinion_free_training(E5Settings()) == []
    free = opinion_free_training(E5Settings(neutral_file=str(notices)))
    reviews = [np.array([1, 2]), np.array([3])]
    ids, targets = with_opinion_free(reviews, np.array([1, 0]), free, CharIds())
    assert [list(i) for i in ids[2:]] == [
        [ord(c) for c in "公告核准"],
        [ord(c) for c in "廢止辦法"],
    ]
    assert ids[:2] == reviews
    np.testing.assert_array_equal(targets, [[0, 1], [1, 0], [0.5, 0.5], [0.5, 0.5]])


def _example(text, label=0, corpus="hotel", split="train"):
    from sentiment.training.data import Example

    return Example(text=text, label=label, corpus=corpus, split=split)


def test_logits_from_another_machine_cover_the_opinion_free_texts_they_were_made_on(tmp_path):
    from sentiment.training.e5_finetune import read_teacher_logits, texts_digest

    train = [_example("服務很好", 1), _example("很差")]
    free = [
        _example("公告核准", corpus="opinion_free"),
        _example("廢止辦法", corpus="opinion_free"),
    ]
    on_train = np.array([[-1.0, 2.0], [3.0, -1.0]], dtype=np.float32)
    on_free = np.array([[0.1, 0.2], [0.3, -0.1]], dtype=np.float32)
    reviews_only = tmp_path / "reviews.npz"
    np.savez(reviews_only, train_digest=np.array(texts_digest(train)), train=on_train)
    both = tmp_path / "both.npz"
    np.savez(
        both,
        train_digest=np.array(texts_digest(train)),
        train=on_train,
        opinion_free_digest=np.array(texts_digest(free)),
        opinion_free=on_free,
    )
    np.testing.assert_array_equal(
        read_teacher_logits(both, train, free), np.vstack([on_train, on_free])
    )
    np.testing.assert_array_equal(read_teacher_logits(both, train), on_train)
    with pytest.raises(ValueError, match="no logits on opinion-free texts"):
        read_teacher_logits(reviews_only, train, free)
    with pytest.raises(ValueError, match="other opinion-free texts"):
        read_teacher_logits(both, train, free[::-1])


def test_a_model_directory_teaches_the_opinion_free_rows_too(tmp_path):
    """--teacher DIR: its logits on the reviews and then the opinion-free texts, the rows
    with_opinion_free appends; computed once, then read from the run's cache."""
    from sentiment.nlp.sentiment import DEFAULT_MODEL_DIR
    from sentiment.training.e5_finetune import E5Settings, teacher_logits
    from sentiment.training.train import onnx_logits

    train = [_example("服務很好，房間乾淨", 1), _example("很差，不會再來")]
    free = [_example("修正「道路交通安全規則」部分條文", corpus="opinion_free")]
    settings = E5Settings(teacher=str(DEFAULT_MODEL_DIR))
    got = teacher_logits(tmp_path, settings, train, free).numpy()
    np.testing.assert_array_equal(got, onnx_logits(DEFAULT_MODEL_DIR, train + free))
    # each row is that text's reading (int8 activations are scaled per batch: a little noise)
    np.testing.assert_allclose(got[:2], onnx_logits(DEFAULT_MODEL_DIR, train), atol=0.05)
    np.testing.assert_allclose(got[2:], onnx_logits(DEFAULT_MODEL_DIR, free), atol=0.05)
    assert got[0].argmax() == 1 and got[1].argmax() == 0
    np.testing.assert_array_equal(teacher_logits(tmp_path, settings, train, free).numpy(), got)
    assert teacher_logits(tmp_path, E5Settings(), train, free) is None


def test_the_share_in_the_band_uses_the_temperature_fitted_on_review_dev():
    from scipy.optimize import minimize_scalar

    from sentiment.training.e5_device import share_in_band

    rng = np.random.default_rng(3)
    dev_y = rng.integers(0, 2, 400)
    margin = np.where(dev_y == 1, 1.0, -1.0) * 6 + rng.normal(0, 4, 400)
    dev_logits = np.stack([np.zeros(400), margin], axis=1)

    def nll(log_t):
        m = margin / np.exp(log_t)
        return np.mean(np.logaddexp(0, -np.where(dev_y == 1, m, -m)))

    t = np.exp(minimize_scalar(nll, bounds=(np.log(0.05), np.log(20)), method="bounded").x)
    free_margin = np.array([0.0, 0.5, -1.0, 3.0, -8.0, 20.0])
    free_logits = np.stack([np.zeros(6), free_margin], axis=1)
    confidence = 1 / (1 + np.exp(-np.abs(free_margin) / t))
    expected = np.mean(confidence < 0.7)
    assert 0 < expected < 1  # the texts straddle the band's edge
    assert share_in_band(dev_logits, dev_y, free_logits) == pytest.approx(expected)
