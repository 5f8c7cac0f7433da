"""Print a seeded random sample of a sentiment model's errors on one held-out test split.

    python -m sentiment.scripts.sample_errors [--data-dir ../shared/data] [--corpus hotel] \\
        [--n 40] [--seed 1] [--model-dir DIR]

For reading errors by eye: the audit in sentiment/MODEL_CARD.md ("What the hotel errors
are") was done on this output, for the shipped model (the default; ``--model-dir`` for a
candidate). Writes TSV to standard output: sample number, gold label (1 positive,
0 negative), the model's calibrated P(positive) and the first 200 characters of the text.
The texts come from the data directory and are never stored here.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from sentiment.nlp.sentiment import SentimentClassifier
from sentiment.training.data import CORPORA, load_examples, select

REPO_ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=REPO_ROOT.parent / "shared" / "data")
    parser.add_argument("--corpus", default="hotel", choices=CORPORA)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--model-dir", type=Path, default=None)
    args = parser.parse_args(argv)

    if not (args.data_dir / "sentiment" / "ChnSentiCorp_htl_all.csv").is_file():
        parser.error(f"no sentiment corpora under {args.data_dir / 'sentiment'}")
    test = select(load_examples(args.data_dir), "test", args.corpus)
    classifier = SentimentClassifier(args.model_dir)
    if not classifier.available():
        parser.error(f"no model in {classifier.model_dir}")
    p_pos = classifier.positive_probabilities([e.text for e in test])
    errors = [(e, p) for e, p in zip(test, p_pos, strict=True) if int(p >= 0.5) != e.label]
    sys.stderr.write(f"# {args.corpus}/test: {len(errors)} errors in {len(test)} texts\n")
    random.Random(args.seed).shuffle(errors)  # noqa: S311 - a reproducible reading sample
    for number, (example, p) in enumerate(errors[: args.n], start=1):
        text = " ".join(example.text[:200].split())
        sys.stdout.write(f"{number}\t{example.label}\t{p:.2f}\t{text}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
