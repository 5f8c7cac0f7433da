"""A model soup: the average of the weights of fine-tuned runs from the same start.

Runs fine-tuned from the same pre-trained encoder (same layers, same pruned vocabulary) end in
one basin of the loss, so the average of their weights is itself a good model, often better
than each (Wortsman et al., "Model soups", ICML 2022), and it serves at the cost of one: no
ensemble at run time. ``python -m sentiment.training.e5_soup SOUP RUN [RUN ...]`` writes the
average as SOUP's finished checkpoint; then ``train_sentiment_e5 --run SOUP --resume
--epochs 1 --layers N --max-len L [--stack-ngrams]`` exports it exactly as a trained run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import asdict
from pathlib import Path

import torch

from sentiment.training.e5_finetune import E5Settings, default_run_root, save_checkpoint


def average_states(states: list[dict]) -> dict:
    keys = states[0].keys()
    if any(s.keys() != keys for s in states):
        raise ValueError("the runs have different weights: not the same model")
    return {k: sum(s[k].float() for s in states) / len(states) for k in keys}


def make_soup(soup_dir: Path, run_dirs: list[Path], settings: E5Settings) -> None:
    keeps = {(r / "prepared" / "keep.json").read_text() for r in run_dirs}
    if len(keeps) != 1:
        raise ValueError("the runs pruned the vocabulary differently: their rows do not match")
    states = [torch.load(r / "checkpoint.pt", weights_only=False) for r in run_dirs]
    for r, s in zip(run_dirs, states, strict=True):
        if s["settings"]["layers"] != settings.layers:
            raise ValueError(
                f"{r.name} has {s['settings']['layers']} layers, not {settings.layers}"
            )
    soup_dir.mkdir(parents=True, exist_ok=True)
    if not (soup_dir / "prepared").exists():
        shutil.copytree(run_dirs[0] / "prepared", soup_dir / "prepared")
    model = average_states([s["model"] for s in states])
    last = states[0]
    # A finished run of one "epoch" of no steps: --resume loads it and goes straight to export.
    # The optimiser and scheduler states are the first run's, loaded and never used.
    per_epoch = last["step"] // last["settings"]["epochs"]
    save_checkpoint(
        soup_dir / "checkpoint.pt",
        {
            "model": model,
            "optimizer": last["optimizer"],
            "scheduler": last["scheduler"],
            "step": per_epoch * settings.epochs,
            "history": [{"soup_of": [r.name for r in run_dirs]}],
            "rng": last["rng"],
            "settings": asdict(settings),
        },
    )
    (soup_dir / "soup.json").write_text(json.dumps([r.name for r in run_dirs], indent=2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sentiment.training.e5_soup")
    parser.add_argument("soup")
    parser.add_argument("runs", nargs="+")
    parser.add_argument("--run-root", type=Path, default=None)
    parser.add_argument("--layers", type=int, required=True)
    parser.add_argument("--max-len", type=int, required=True)
    args = parser.parse_args(argv)
    root = args.run_root or default_run_root()
    settings = E5Settings(run=args.soup, layers=args.layers, max_len=args.max_len, epochs=1)
    make_soup(root / args.soup, [root / r for r in args.runs], settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
