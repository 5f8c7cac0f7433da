"""Wall-clock limits on e5 training (a lent GPU machine's call is killed at its own limit):
the loop stops where it is, checkpointed, and a later run without a limit resumes from there.

Needs torch (the ``[train]`` extra); skipped with that reason where it is not installed.
"""

import time

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the [train] extra (torch) is not installed")
pytest.importorskip("transformers", reason="the [train] extra (transformers) is not installed")

from sentiment.nlp.sentiment import CLS_ID, PAD_ID, SEP_ID  # noqa: E402


class CharacterIds:
    """Stands in for the pruned sentencepiece featurizer: one id per character."""

    def token_ids(self, texts):
        return [np.array([CLS_ID, *(5 + ord(c) % 30 for c in t), SEP_ID]) for t in texts]


def tiny_classifier():
    from transformers import XLMRobertaConfig, XLMRobertaModel

    from sentiment.training.e5_finetune import E5Classifier

    torch.manual_seed(0)
    config = XLMRobertaConfig(
        vocab_size=40,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=66,
        type_vocab_size=1,
        pad_token_id=PAD_ID,
    )
    return E5Classifier(XLMRobertaModel(config, add_pooling_layer=False))


@pytest.fixture
def tiny_run(tmp_path, monkeypatch):
    from sentiment.training import e5_finetune
    from sentiment.training.data import Example

    monkeypatch.setattr(e5_finetune, "run_featurizer", lambda run_dir, settings: CharacterIds())
    monkeypatch.setattr(e5_finetune, "build_model", lambda run_dir, settings: tiny_classifier())
    texts = ["很好吃", "太難吃了", "服務親切", "等了很久", "乾淨舒適", "房間很髒"]
    examples = [
        Example(text=t * (1 + i % 3), label=i % 2, corpus="hotel", split=split)
        for split, n in (("train", 40), ("dev", 8))
        for i, t in enumerate((texts * 7)[:n])
    ]
    settings = e5_finetune.E5Settings(epochs=2, batch_size=8, checkpoint_every=10**9)
    return examples, tmp_path, settings


def test_fine_tuning_stops_at_its_deadline_checkpointed_and_resumes_to_the_end(tiny_run):
    from sentiment.training.e5_finetune import fit_e5

    examples, run_dir, settings = tiny_run
    fit_e5(examples, run_dir, settings, deadline=time.monotonic())  # already past: one step
    stopped = torch.load(run_dir / "checkpoint.pt", weights_only=False)
    assert stopped["step"] == 1
    assert stopped["history"] == []  # no epoch finished, no dev reading

    _, history = fit_e5(examples, run_dir, settings)
    finished = torch.load(run_dir / "checkpoint.pt", weights_only=False)
    assert finished["step"] == 10  # 40 texts / 8 a batch, 2 epochs
    assert [h["epoch"] for h in history] == [1, 2]


def test_no_deadline_and_a_distant_one_both_run_every_step(tiny_run):
    from sentiment.training.e5_finetune import fit_e5, past

    examples, run_dir, settings = tiny_run
    assert not past(None)
    assert past(time.monotonic() - 1) and not past(time.monotonic() + 3600)
    fit_e5(examples, run_dir, settings, deadline=time.monotonic() + 3600)
    assert torch.load(run_dir / "checkpoint.pt", weights_only=False)["step"] == 10


def test_masked_lm_stops_at_its_deadline_and_still_hands_over_its_encoder(tiny_run, monkeypatch):
    import json

    from sentiment.training import e5_mlm

    examples, run_dir, _ = tiny_run
    monkeypatch.setattr(e5_mlm, "run_featurizer", lambda run_dir, settings: CharacterIds())
    monkeypatch.setattr(e5_mlm, "build_model", lambda run_dir, settings: tiny_classifier())
    (run_dir / "prepared").mkdir()
    (run_dir / "prepared" / "keep.json").write_text(json.dumps(list(range(40))))
    texts = [e.text for e in examples if e.split == "train"]
    dev = [e for e in examples if e.split == "dev"]
    settings = e5_mlm.MLMSettings(layers=1, epochs=3, batch_size=8, checkpoint_every=10**9)
    summary = e5_mlm.adapt(texts, dev, run_dir, settings, deadline=time.monotonic())
    assert summary["steps"] == 1  # of 15
    assert torch.load(run_dir / "checkpoint.pt", weights_only=False)["step"] == 1
    assert (run_dir / e5_mlm.ENCODER_FILE).is_file()
