"""Continued masked-LM pre-training of e5 (e5_mlm.py): masks, the tied head, the hand-over.

Needs torch (the ``[train]`` extra); skipped with that reason where it is not installed.
"""

import gzip
import json

import pytest

torch = pytest.importorskip("torch", reason="the [train] extra (torch) is not installed")
pytest.importorskip("transformers", reason="the [train] extra (transformers) is not installed")

from sentiment.nlp.sentiment import CLS_ID, MASK_ID, PAD_ID, SEP_ID  # noqa: E402


def tiny_encoder(vocab=40, layers=1):
    from transformers import XLMRobertaConfig, XLMRobertaModel

    torch.manual_seed(0)
    config = XLMRobertaConfig(
        vocab_size=vocab,
        hidden_size=16,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=66,
        type_vocab_size=1,
        pad_token_id=PAD_ID,
    )
    return XLMRobertaModel(config, add_pooling_layer=False)


def test_masks_are_a_function_of_the_step_and_never_touch_special_tokens():
    from sentiment.training.e5_mlm import MLMSettings, step_masks

    ids = torch.randint(5, 40, (64, 30))
    ids[:, 0], ids[:, -1], ids[:4, 20:] = CLS_ID, SEP_ID, PAD_ID
    settings = MLMSettings()
    inputs, labels = step_masks(ids, 40, settings, step=7)
    again, again_labels = step_masks(ids, 40, settings, step=7)
    assert torch.equal(inputs, again) and torch.equal(labels, again_labels)  # resumable
    other, _ = step_masks(ids, 40, settings, step=8)
    assert not torch.equal(inputs, other)
    chosen = labels != -100
    assert not chosen[ids < 5].any()  # <pad>, <s>, </s> are never predicted
    assert torch.equal(labels[chosen], ids[chosen])  # the label is the original piece
    assert 0.12 < chosen.float().sum() / (ids >= 5).sum() < 0.18
    assert (inputs[chosen] == MASK_ID).float().mean() > 0.7  # 80 % become <mask>
    assert torch.equal(inputs[~chosen], ids[~chosen])


def test_the_head_decodes_into_the_encoder_s_own_embeddings_on_masked_positions_only():
    from sentiment.training.e5_mlm import MaskedLMHead, mlm_loss

    encoder = tiny_encoder().eval()  # no dropout: both passes below see the same network
    head = MaskedLMHead(encoder)
    assert head.embeddings.weight is encoder.embeddings.word_embeddings.weight  # tied
    ids = torch.randint(5, 40, (3, 9))
    labels = torch.full_like(ids, -100)
    labels[0, 2], labels[2, 5] = 11, 17
    attention = torch.ones_like(ids)
    loss = mlm_loss(encoder, head, ids, attention, labels)
    hidden = encoder(input_ids=ids, attention_mask=attention).last_hidden_state
    logits = head(hidden)  # every position, then the two masked ones by hand
    expected = torch.nn.functional.cross_entropy(
        torch.stack([logits[0, 2], logits[2, 5]]), torch.tensor([11, 17])
    )
    assert torch.allclose(loss, expected, atol=1e-6)
    loss.backward()
    assert encoder.embeddings.word_embeddings.weight.grad[[11, 17]].abs().sum() > 0


def _prepared(run_dir, keep):
    (run_dir / "prepared").mkdir(parents=True)
    (run_dir / "prepared" / "keep.json").write_text(json.dumps(keep))
    return run_dir


def test_fine_tuning_takes_the_adapted_encoder_only_of_the_same_vocabulary_and_depth(tmp_path):
    from sentiment.training.e5_mlm import MLMSettings, keep_digest, load_adapted_encoder

    pretrained = _prepared(tmp_path / "mlm", [0, 1, 2, 3, 4, 9])
    adapted = tiny_encoder()
    with torch.no_grad():
        adapted.embeddings.word_embeddings.weight.add_(1.0)
    torch.save(
        {
            "encoder": adapted.state_dict(),
            "keep_sha256": keep_digest(pretrained),
            "settings": {**MLMSettings(layers=1).__dict__},
        },
        pretrained / "encoder.pt",
    )
    same = _prepared(tmp_path / "ft", [0, 1, 2, 3, 4, 9])
    fresh = tiny_encoder()
    load_adapted_encoder(fresh, pretrained / "encoder.pt", same, layers=1)
    assert torch.equal(
        fresh.embeddings.word_embeddings.weight, adapted.embeddings.word_embeddings.weight
    )
    other = _prepared(tmp_path / "other", [0, 1, 2, 3, 4, 8])
    with pytest.raises(ValueError, match="another pruned vocabulary"):
        load_adapted_encoder(tiny_encoder(), pretrained / "encoder.pt", other, layers=1)
    with pytest.raises(ValueError, match="1 layers, not 2"):
        load_adapted_encoder(tiny_encoder(layers=2), pretrained / "encoder.pt", same, layers=2)


def test_extra_text_is_read_one_text_a_line_normalised_like_the_corpora(tmp_path):
    from sentiment.training.data import read_text_lines as read_extra_text

    plain = tmp_path / "gazette.txt"
    plain.write_text("行政院公報  第一卷\n\n  这是简体\n", encoding="utf-8")
    packed = tmp_path / "gazette.txt.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert read_extra_text(plain) == read_extra_text(packed) == ["行政院公報 第一卷", "這是簡體"]
