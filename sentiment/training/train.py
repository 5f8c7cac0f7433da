"""Train the hybrid sentiment model: optional MLM pre-training, fine-tuning, export, calibration.

Everything is seeded; ``python manage.py train_sentiment`` calls :func:`train_and_export`.
Needs the ``[train]`` extra (torch, transformers, onnx, onnxscript).
"""

from __future__ import annotations

import json
import logging
import math
import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from sentiment.nlp.sentiment import (
    MASK_ID,
    METADATA_FILE,
    MODEL_FILE,
    PAD_ID,
    TOKENIZER_FILE,
    Featurizer,
    ngram_ids,
    pad_batch,
)
from sentiment.training.data import CORPORA, Example, load_examples, select, split_sizes
from sentiment.training.export import export_onnx, quantize
from sentiment.training.metrics import fit_temperature, macro_f1
from sentiment.training.model import HybridSentimentModel, ModelSettings, masked_lm
from sentiment.training.tokenizer import SPECIAL_TOKENS, build_char_vocab, build_tokenizer

log = logging.getLogger(__name__)

MODEL_NAME = "minyi-sentiment"
MODEL_VERSION = "1.0"
NEUTRAL_BELOW = 0.70  # calibrated confidence under which a text is labelled neutral


@dataclass
class TrainSettings:
    seed: int = 20260101
    threads: int = 2
    batch_size: int = 32
    mlm_epochs: int = 0
    mlm_lr: float = 1e-3
    epochs: int = 3
    lr: float = 1e-3
    ngram_lr: float = 5e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    aux_weight: float = 0.5
    ngram_dropout: float = 0.2
    mask_prob: float = 0.15
    model: ModelSettings = field(default_factory=ModelSettings)


@dataclass
class Encoded:
    ids: list[np.ndarray]
    grams: list[np.ndarray]
    labels: np.ndarray
    corpora: list[str]


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)  # the legacy global seed also covers libraries that use it
    torch.manual_seed(seed)


def encode(examples: list[Example], featurizer: Featurizer) -> Encoded:
    texts = [e.text for e in examples]
    return Encoded(
        ids=featurizer.token_ids(texts),
        grams=[
            ngram_ids(
                t, featurizer.ngram_orders, featurizer.ngram_buckets, featurizer.ngram_max_chars
            )
            for t in texts
        ],
        labels=np.array([e.label for e in examples], dtype=np.int64),
        corpora=[e.corpus for e in examples],
    )


def length_bucketed_batches(lengths: list[int], batch_size: int, rng: random.Random):
    """Shuffled batches of similar length (less padding, so faster on CPU)."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk], key=lambda i: lengths[i])
        batches += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    rng.shuffle(batches)
    return batches


def tensors(data: Encoded, idx: list[int], ngram_dropout: float = 0.0, rng=None):
    ids = torch.from_numpy(pad_batch([data.ids[i] for i in idx]))
    grams = [data.grams[i] for i in idx]
    if ngram_dropout and rng is not None:
        grams = [g[rng.random(len(g)) >= ngram_dropout] if len(g) > 4 else g for g in grams]
    return ids, (ids != PAD_ID).long(), torch.from_numpy(pad_batch(grams))


def linear_schedule(total_steps: int, warmup: float):
    warm = max(1, int(total_steps * warmup))

    def factor(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        return max(0.0, (total_steps - step) / max(1, total_steps - warm))

    return factor


def mask_tokens(ids: torch.Tensor, vocab_size: int, prob: float, gen: torch.Generator):
    """BERT masking: of the chosen positions 80 % [MASK], 10 % random, 10 % unchanged."""
    labels = ids.clone()
    special = ids < len(SPECIAL_TOKENS)
    chosen = (torch.rand(ids.shape, generator=gen) < prob) & ~special
    labels[~chosen] = -100
    masked = ids.clone()
    roll = torch.rand(ids.shape, generator=gen)
    masked[chosen & (roll < 0.8)] = MASK_ID
    swap = chosen & (roll >= 0.8) & (roll < 0.9)
    random_ids = torch.randint(len(SPECIAL_TOKENS), vocab_size, ids.shape, generator=gen)
    masked[swap] = random_ids[swap]
    return masked, labels


def pretrain_mlm(token_ids: list[np.ndarray], settings: TrainSettings, rng: random.Random):
    """Masked-LM pre-training of the encoder on unlabelled (training-split) text."""
    mlm = masked_lm(settings.model)
    mlm.train()
    batches = length_bucketed_batches([len(t) for t in token_ids], settings.batch_size, rng)
    total = len(batches) * settings.mlm_epochs
    opt = torch.optim.AdamW(mlm.parameters(), lr=settings.mlm_lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, linear_schedule(total, settings.warmup))
    gen = torch.Generator().manual_seed(settings.seed)
    step, started = 0, time.monotonic()
    for epoch in range(settings.mlm_epochs):
        if epoch:
            batches = length_bucketed_batches([len(t) for t in token_ids], settings.batch_size, rng)
        for idx in batches:
            ids = torch.from_numpy(pad_batch([token_ids[i] for i in idx]))
            inputs, labels = mask_tokens(ids, settings.model.vocab_size, settings.mask_prob, gen)
            loss = mlm(input_ids=inputs, attention_mask=(ids != PAD_ID).long(), labels=labels).loss
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(mlm.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            if step % 100 == 0:
                log.info(
                    "mlm step %d/%d loss %.3f (%.0fs)",
                    step,
                    total,
                    loss.item(),
                    time.monotonic() - started,
                )
    return mlm.bert.state_dict()


@torch.no_grad()
def predict_logits(model: nn.Module, data: Encoded, batch_size: int = 128) -> np.ndarray:
    model.eval()
    order = sorted(range(len(data.ids)), key=lambda i: len(data.ids[i]))
    out = np.zeros((len(order), 2), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        out[idx] = model(*tensors(data, idx)).numpy()
    return out


def per_corpus_f1(logits: np.ndarray, data: Encoded) -> dict[str, float]:
    pred = logits.argmax(axis=1)
    corpora = np.array(data.corpora)
    return {
        c: macro_f1(data.labels[corpora == c], pred[corpora == c])
        for c in CORPORA
        if (corpora == c).any()
    }


def make_optimizers(model: HybridSentimentModel, settings: TrainSettings, total_steps: int):
    # The 8M-row n-gram table is updated sparsely (SparseAdam): a dense AdamW step over it
    # would cost more than the whole encoder step on two CPU cores.
    model.ngrams.sparse = True
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if name.startswith("ngrams."):
            continue
        (no_decay if p.ndim < 2 or "LayerNorm" in name else decay).append(p)
    dense = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": settings.weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=settings.lr,
    )
    sparse = torch.optim.SparseAdam([model.ngrams.weight], lr=settings.ngram_lr)
    factor = linear_schedule(total_steps, settings.warmup)
    scheds = [torch.optim.lr_scheduler.LambdaLR(o, factor) for o in (dense, sparse)]
    return (dense, sparse), scheds


def finetune(model, train: Encoded, dev: Encoded, settings: TrainSettings, rng: random.Random):
    """Fine-tune; keep the epoch with the best mean dev macro-F1 over the corpora."""
    lengths = [len(t) for t in train.ids]
    steps_per_epoch = math.ceil(len(lengths) / settings.batch_size)
    opts, scheds = make_optimizers(model, settings, steps_per_epoch * settings.epochs)
    np_rng = np.random.default_rng(settings.seed)
    best, best_state, history, started = -1.0, None, [], time.monotonic()
    for epoch in range(settings.epochs):
        model.train()
        for step, idx in enumerate(length_bucketed_batches(lengths, settings.batch_size, rng)):
            inputs = tensors(train, idx, settings.ngram_dropout, np_rng)
            y = torch.from_numpy(train.labels[idx])
            joint, aux_cls, aux_ngram = model.training_logits(*inputs)
            aux = F.cross_entropy(aux_cls, y) + F.cross_entropy(aux_ngram, y)
            loss = F.cross_entropy(joint, y) + settings.aux_weight * aux
            for o in opts:
                o.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(
                [p for n, p in model.named_parameters() if not n.startswith("ngrams.")], 1.0
            )
            for o, s in zip(opts, scheds, strict=True):
                o.step()
                s.step()
            if step % 200 == 0:
                log.info(
                    "epoch %d step %d loss %.3f (%.0fs)",
                    epoch,
                    step,
                    loss.item(),
                    time.monotonic() - started,
                )
        scores = per_corpus_f1(predict_logits(model, dev), dev)
        mean = float(np.mean(list(scores.values())))
        history.append({"epoch": epoch + 1, "dev_macro_f1": scores, "mean": mean})
        log.info("epoch %d dev macro-F1 %s mean %.4f", epoch + 1, scores, mean)
        if mean > best:
            best = mean
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    return history


def onnx_logits(model_dir: Path, examples: list[Example]) -> np.ndarray:
    from sentiment.nlp.sentiment import _LoadedModel

    loaded = _LoadedModel(model_dir)
    texts = [e.text for e in examples]
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), 2), dtype=np.float32)
    for start in range(0, len(order), 64):
        idx = order[start : start + 64]
        out[idx] = loaded.logits([texts[i] for i in idx])
    return out


def band_report(p_pos: np.ndarray, labels: np.ndarray, neutral_below: float) -> dict:
    """How much of dev falls in the neutral band and how accurate the model is in/outside it."""
    conf = np.maximum(p_pos, 1 - p_pos)
    correct = (p_pos >= 0.5).astype(int) == labels
    inside = conf < neutral_below
    return {
        "dev_share_in_band": float(inside.mean()),
        "dev_accuracy_in_band": float(correct[inside].mean()) if inside.any() else None,
        "dev_accuracy_outside_band": float(correct[~inside].mean()) if (~inside).any() else None,
    }


def train_and_export(
    data_dir: Path,
    output_dir: Path,
    work_dir: Path,
    settings: TrainSettings | None = None,
) -> dict:
    settings = settings or TrainSettings()
    started = time.monotonic()
    torch.set_num_threads(settings.threads)
    seed_everything(settings.seed)
    rng = random.Random(settings.seed)  # noqa: S311 - reproducible shuffling, not secrets
    work_dir.mkdir(parents=True, exist_ok=True)

    examples = load_examples(data_dir)
    train_ex, dev_ex = select(examples, "train"), select(examples, "dev")
    vocab = build_char_vocab(e.text for e in train_ex)
    settings.model.vocab_size = len(vocab)
    tokenizer = build_tokenizer(vocab)
    meta = {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "labels": ["negative", "neutral", "positive"],
        "max_len": settings.model.max_len,
        "ngram_orders": list(settings.model.ngram_orders),
        "ngram_buckets": settings.model.ngram_buckets,
        "ngram_max_chars": settings.model.ngram_max_chars,
    }
    featurizer = Featurizer(tokenizer, meta)
    train, dev = encode(train_ex, featurizer), encode(dev_ex, featurizer)
    log.info("encoded %d train / %d dev examples, vocab %d", len(train_ex), len(dev_ex), len(vocab))

    model = HybridSentimentModel(settings.model)
    if settings.mlm_epochs:
        encoder_state = pretrain_mlm(train.ids, settings, rng)
        model.encoder.load_state_dict(encoder_state)
    history = finetune(model, train, dev, settings, rng)

    staging = work_dir / "model"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    tokenizer.save(str(staging / TOKENIZER_FILE))
    fp32 = work_dir / "model.fp32.onnx"
    export_onnx(model, fp32)
    quantize(fp32, staging / MODEL_FILE)

    # Calibrate the artefact that ships (int8), not the float model it came from.
    meta.update({"calibration": {"temperature": 1.0}, "thresholds": {"neutral_below": 1.0}})
    (staging / METADATA_FILE).write_text(json.dumps(meta), encoding="utf-8")
    dev_logits = onnx_logits(staging, dev_ex)
    temperature = fit_temperature(dev_logits, dev.labels)
    margin = (dev_logits[:, 1] - dev_logits[:, 0]) / temperature
    p_pos = 1 / (1 + np.exp(-margin))
    meta.update(
        {
            "calibration": {
                "method": "temperature scaling on the dev split (int8 model logits)",
                "temperature": temperature,
            },
            "thresholds": {
                "neutral_below": NEUTRAL_BELOW,
                **band_report(p_pos, dev.labels, NEUTRAL_BELOW),
            },
            "architecture": settings.model.as_dict(),
            "training": {
                "seed": settings.seed,
                "threads": settings.threads,
                "mlm_epochs": settings.mlm_epochs,
                "epochs": settings.epochs,
                "batch_size": settings.batch_size,
                "lr": settings.lr,
                "ngram_lr": settings.ngram_lr,
                "history": history,
                "split_sizes": split_sizes(examples),
                "wall_seconds": round(time.monotonic() - started, 1),
            },
        }
    )
    (staging / METADATA_FILE).write_text(
        json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    output_dir.mkdir(parents=True, exist_ok=True)
    for name in (MODEL_FILE, TOKENIZER_FILE, METADATA_FILE):
        shutil.copy2(staging / name, output_dir / name)
    log.info("shipped model to %s in %.0fs", output_dir, time.monotonic() - started)
    return meta
