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
from torch.nn import functional as F

from sentiment.nlp.sentiment import (
    MASK_ID,
    METADATA_FILE,
    MODEL_FILE,
    PAD_ID,
    TOKENIZER_FILE,
    Featurizer,
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
    version: str = MODEL_VERSION
    seed: int = 20260101
    threads: int = 2
    batch_size: int = 32
    mlm_epochs: int = 0
    mlm_lr: float = 1e-3
    epochs: int = 5
    lr: float = 1e-3
    ngram_lr: float = 2e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    ngram_dropout: float = 0.2
    # "logreg": the n-gram branch is a logistic regression fitted by liblinear on the hashed
    # TF-IDF features (won on dev); "sgd": trained by SparseAdam beside the encoder.
    ngram_mode: str = "logreg"
    ngram_c_grid: tuple[float, ...] = (4.0, 16.0, 64.0)
    # True: the n-gram branch is the stacked sum of two logistic regressions on the same TF-IDF
    # features, one on NB-SVM-style log-count-ratio scaled features (Wang & Manning 2012), one
    # on the plain features, each with C chosen on dev (the unshipped 1.1 candidate, see
    # MODEL_CARD.md). False (the shipped 1.0): the plain one only.
    ngram_nb: bool = False
    ngram_nb_alpha: float = 1.0
    mask_prob: float = 0.15
    model: ModelSettings = field(default_factory=ModelSettings)


@dataclass
class Encoded:
    ids: list[np.ndarray]
    grams: list[np.ndarray]
    tfs: list[np.ndarray]
    labels: np.ndarray
    corpora: list[str]


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)  # the legacy global seed also covers libraries that use it
    torch.manual_seed(seed)


def encode(examples: list[Example], featurizer: Featurizer) -> Encoded:
    texts = [e.text for e in examples]
    grams = [featurizer.ngrams(t) for t in texts]
    return Encoded(
        ids=featurizer.token_ids(texts),
        grams=[g[0] for g in grams],
        tfs=[g[1] for g in grams],
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
    grams, tfs = [data.grams[i] for i in idx], [data.tfs[i] for i in idx]
    if ngram_dropout and rng is not None:
        keep = [rng.random(len(g)) >= ngram_dropout if len(g) > 4 else slice(None) for g in grams]
        grams = [g[k] for g, k in zip(grams, keep, strict=True)]
        tfs = [t[k] for t, k in zip(tfs, keep, strict=True)]
    return (
        ids,
        (ids != PAD_ID).long(),
        torch.from_numpy(pad_batch(grams)),
        torch.from_numpy(pad_batch(tfs, dtype=np.float32)),
    )


def idf_table(grams: list[np.ndarray], buckets: int) -> torch.Tensor:
    """Smoothed IDF per hash bucket, as scikit-learn's TfidfVectorizer computes it."""
    df = np.bincount(np.concatenate(grams), minlength=buckets).astype(np.float64)
    idf = np.log((1.0 + len(grams)) / (1.0 + df)) + 1.0
    idf[0] = 0.0  # padding
    return torch.from_numpy(idf.astype(np.float32))


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
def predict_branch_logits(model, data: Encoded, batch_size: int = 128) -> dict[str, np.ndarray]:
    """Logits of the encoder head ("cls") and of the n-gram head ("ngram") for every example."""
    model.eval()
    order = sorted(range(len(data.ids)), key=lambda i: len(data.ids[i]))
    out = {b: np.zeros((len(order), 2), dtype=np.float32) for b in BRANCHES}
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        _, cls, ngram = model.training_logits(*tensors(data, idx))
        out["cls"][idx], out["ngram"][idx] = cls.numpy(), ngram.numpy()
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


BRANCHES = ("cls", "ngram")
BRANCH_PARAMS = {"cls": ("encoder.", "aux_cls."), "ngram": ("ngrams.", "aux_ngram.")}


def branch_state(model, branch: str) -> dict:
    prefixes = BRANCH_PARAMS[branch]
    return {k: v.detach().clone() for k, v in model.state_dict().items() if k.startswith(prefixes)}


def finetune(model, train: Encoded, dev: Encoded, settings: TrainSettings, rng: random.Random):
    """Train both branches in one loop, each on its own head with its own early stopping.

    The n-gram branch learns in two epochs and then overfits, while the encoder needs many
    more; a shared head trained end to end was worse on dev than the n-gram branch alone, so
    each branch keeps the epoch where its own mean dev macro-F1 peaked and the two are
    combined afterwards (:func:`fit_combination`).
    """
    lengths = [len(t) for t in train.ids]
    steps_per_epoch = math.ceil(len(lengths) / settings.batch_size)
    opts, scheds = make_optimizers(model, settings, steps_per_epoch * settings.epochs)
    np_rng = np.random.default_rng(settings.seed)
    best = dict.fromkeys(BRANCHES, -1.0)
    best_state, history, started = {}, [], time.monotonic()
    for epoch in range(settings.epochs):
        model.train()
        for step, idx in enumerate(length_bucketed_batches(lengths, settings.batch_size, rng)):
            inputs = tensors(train, idx, settings.ngram_dropout, np_rng)
            y = torch.from_numpy(train.labels[idx])
            _, aux_cls, aux_ngram = model.training_logits(*inputs)
            loss = F.cross_entropy(aux_cls, y)
            if settings.ngram_mode == "sgd":
                loss = loss + F.cross_entropy(aux_ngram, y)
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
        logits = predict_branch_logits(model, dev)
        row = {"epoch": epoch + 1}
        for branch in BRANCHES:
            scores = per_corpus_f1(logits[branch], dev)
            mean = float(np.mean(list(scores.values())))
            row[branch] = {"dev_macro_f1": scores, "mean": mean}
            log.info("epoch %d %s dev macro-F1 %s mean %.4f", epoch + 1, branch, scores, mean)
            if mean > best[branch]:
                best[branch] = mean
                best_state[branch] = branch_state(model, branch)
        history.append(row)
    for branch in BRANCHES:
        model.load_state_dict(best_state[branch], strict=False)
    return history


def tfidf_matrix(data: Encoded, idf: np.ndarray, buckets: int):
    """The n-gram branch's input as a sparse matrix: (1 + log tf)·idf, L2-normalised rows."""
    from scipy.sparse import csr_matrix

    values = [tf * idf[g] for g, tf in zip(data.grams, data.tfs, strict=True)]
    values = [v / max(float(np.linalg.norm(v)), 1e-6) for v in values]
    indptr = np.cumsum([0] + [len(g) for g in data.grams])
    return csr_matrix(
        (np.concatenate(values), np.concatenate(data.grams), indptr), shape=(len(values), buckets)
    )


def log_count_ratio(
    x_train, labels: np.ndarray, alpha: float, weights: np.ndarray | None = None
) -> np.ndarray:
    """NB-SVM scaling r = log((p/|p|₁)/(q/|q|₁)) from binarised features, smoothed by alpha;
    ``weights`` count rows fractionally (an opinion-free text is half of each, neutral.py)."""
    from scipy.sparse import diags

    present = (x_train > 0).astype(np.float64)
    if weights is not None:
        present = diags(np.asarray(weights, dtype=np.float64)) @ present
    p = alpha + np.asarray(present[labels == 1].sum(axis=0)).ravel()
    q = alpha + np.asarray(present[labels == 0].sum(axis=0)).ravel()
    return np.log((p / p.sum()) / (q / q.sum()))


def fit_logreg_choosing_c(
    name, x_train, y_train, x_dev, dev: Encoded, c_grid, sample_weight=None
) -> tuple:
    """liblinear logistic regressions for each C in ``c_grid``; the best mean dev macro-F1 wins.

    Returns (score, (C, fitted regression)).
    """
    from sklearn.linear_model import LogisticRegression

    best, chosen = -1.0, None
    for c in c_grid:
        clf = LogisticRegression(C=c, solver="liblinear", max_iter=2000, random_state=0)
        clf.fit(x_train, y_train, sample_weight=sample_weight)
        margin = clf.decision_function(x_dev)
        logits = np.stack([np.zeros_like(margin), margin], axis=1)
        score = float(np.mean(list(per_corpus_f1(logits, dev).values())))
        log.info("n-gram %s logistic regression C=%g dev mean macro-F1 %.4f", name, c, score)
        if score > best:
            best, chosen = score, (c, clf)
    return best, chosen


def fit_ngram_logreg(model, train: Encoded, dev: Encoded, settings: TrainSettings):
    """Fit the linear n-gram branch exactly (convex, liblinear) instead of by SGD.

    SGD on this branch peaked after one epoch and stayed at the TF-IDF baseline's level; the
    exact optimum is as good and costs seconds. Two logistic regressions are fitted on the
    same hashed TF-IDF features: ``nb`` on features scaled by the log-count ratio r (NB-SVM),
    ``plain`` on the features as they are; C is chosen on dev for each. Both are linear in the
    same features (the NB one has weights w⊙r), so after stacking (:func:`fit_combination`)
    their weighted sum is one weight per bucket in the exported table, and the graph computes
    w·x + b itself. Returns the fit report and the components (weights, intercept, dev margin).
    """
    from scipy.sparse import diags

    buckets = settings.model.ngram_buckets
    idf = model.idf.numpy()
    x_train, x_dev = tfidf_matrix(train, idf, buckets), tfidf_matrix(dev, idf, buckets)
    components, report = [], {}
    if settings.ngram_nb:
        r = log_count_ratio(x_train, train.labels, settings.ngram_nb_alpha)
        scale = diags(r)
        score, (c, clf) = fit_logreg_choosing_c(
            "nb", x_train @ scale, train.labels, x_dev @ scale, dev, settings.ngram_c_grid
        )
        weight = clf.coef_[0] * r
        components.append(("nb", weight, float(clf.intercept_[0])))
        report["nb"] = {"C": c, "dev_mean_macro_f1": score, "alpha": settings.ngram_nb_alpha}
    score, (c, clf) = fit_logreg_choosing_c(
        "plain", x_train, train.labels, x_dev, dev, settings.ngram_c_grid
    )
    components.append(("plain", clf.coef_[0], float(clf.intercept_[0])))
    report["plain"] = {"C": c, "dev_mean_macro_f1": score}
    # Until stacking, the branch holds the first component (its dev score is logged per epoch).
    set_ngram_table(model, components[0][1], components[0][2])
    model.ngrams.weight.requires_grad_(False)
    model.aux_ngram.requires_grad_(False)
    if len(components) == 1:
        # One component (1.0): stacked from the branch's own logits, as 1.0 was trained.
        return report["plain"], None
    components = [
        {"name": n, "weight": w, "intercept": b, "dev_margin": x_dev @ w + b}
        for n, w, b in components
    ]
    return report, components


def set_ngram_table(model, weight: np.ndarray, intercept: float) -> None:
    with torch.no_grad():
        model.ngrams.weight.zero_()
        model.ngrams.weight[:, 0] = torch.from_numpy(weight.astype(np.float32))
        model.ngrams.weight[0].zero_()  # padding
        model.aux_ngram.weight.copy_(torch.tensor([[0.0], [1.0]]))
        model.aux_ngram.bias.copy_(torch.tensor([0.0, float(intercept)]))


def fit_combination(model, dev: Encoded, components: list[dict] | None = None) -> dict:
    """Stack the branch heads into the exported joint head with weights fitted on dev.

    A logistic regression on the dev margins (encoder, and each n-gram component; 2–3 weights
    and a bias: too few parameters to overfit 3,000+ dev texts) decides how much to trust each;
    the n-gram components fold into one table (Σ bₖ·wₖ) and the joint head is then exactly
    ``a·cls_logits + ngram_logits + c``.
    """
    from sklearn.linear_model import LogisticRegression

    logits = predict_branch_logits(model, dev)
    cls_margin = logits["cls"][:, 1] - logits["cls"][:, 0]
    if components is None:  # the branch as it stands is the only n-gram component
        components = [
            {"name": "ngram", "dev_margin": logits["ngram"][:, 1] - logits["ngram"][:, 0]}
        ]
    features = np.stack([cls_margin] + [c["dev_margin"] for c in components], axis=1)
    stack = LogisticRegression(C=100.0).fit(features, dev.labels)
    a, weights, c = stack.coef_[0][0], stack.coef_[0][1:], float(stack.intercept_[0])
    if "weight" in components[0]:
        table = sum(w * comp["weight"] for w, comp in zip(weights, components, strict=True))
        intercept = sum(w * comp["intercept"] for w, comp in zip(weights, components, strict=True))
        set_ngram_table(model, table, intercept)
        b = 1.0
    else:
        b = float(weights[0])
    hidden = model.settings.hidden
    with torch.no_grad():
        # Margin m = a·m_cls + b·m_ngram + c, as two logits (negative −c/2, positive +c/2 bias).
        weight = torch.zeros_like(model.head.weight)
        weight[:, :hidden] = a * model.aux_cls.weight
        weight[:, hidden:] = b * model.aux_ngram.weight
        bias = a * model.aux_cls.bias + b * model.aux_ngram.bias
        bias = bias + torch.tensor([-c / 2, c / 2])
        model.head.weight.copy_(weight)
        model.head.bias.copy_(bias)
    combined = per_corpus_f1(predict_logits(model, dev), dev)
    names = [comp["name"] for comp in components]
    log.info(
        "stacking weights cls %.3f %s bias %.3f; dev %s",
        a,
        " ".join(f"{n} {w:.3f}" for n, w in zip(names, weights, strict=True)),
        c,
        combined,
    )
    return {
        "cls_weight": float(a),
        "ngram_weights": {n: float(w) for n, w in zip(names, weights, strict=True)},
        "bias": c,
        "dev_macro_f1": combined,
    }


@torch.no_grad()
def predict_logits(model, data: Encoded, batch_size: int = 128) -> np.ndarray:
    model.eval()
    order = sorted(range(len(data.ids)), key=lambda i: len(data.ids[i]))
    out = np.zeros((len(order), 2), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        out[idx] = model(*tensors(data, idx)).numpy()
    return out


def onnx_logits(model_dir: Path, examples: list[Example], max_len: int | None = None) -> np.ndarray:
    """The logits of the exported model; ``max_len`` reads more (or fewer) tokens than its
    metadata says (the e5 stacking measures its encoder at the length it will serve)."""
    from sentiment.nlp.sentiment import _LoadedModel

    loaded = _LoadedModel(model_dir)
    if max_len:
        loaded.featurizer.max_len = max_len
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
        "version": settings.version,
        "labels": ["negative", "neutral", "positive"],
        "max_len": settings.model.max_len,
        "ngram_orders": list(settings.model.ngram_orders),
        "ngram_buckets": settings.model.ngram_buckets,
        "ngram_max_chars": settings.model.ngram_max_chars,
        "ngram_tail_chars": settings.model.ngram_tail_chars,
    }
    featurizer = Featurizer(tokenizer, meta)
    train, dev = encode(train_ex, featurizer), encode(dev_ex, featurizer)
    log.info("encoded %d train / %d dev examples, vocab %d", len(train_ex), len(dev_ex), len(vocab))

    if settings.ngram_mode == "logreg":
        settings.model.ngram_dim = 1  # the branch is a single linear score per bucket
    model = HybridSentimentModel(settings.model)
    model.idf.copy_(idf_table(train.grams, settings.model.ngram_buckets))
    if settings.mlm_epochs:
        encoder_state = pretrain_mlm(train.ids, settings, rng)
        model.encoder.load_state_dict(encoder_state)
    ngram_fit, components = None, None
    if settings.ngram_mode == "logreg":
        ngram_fit, components = fit_ngram_logreg(model, train, dev, settings)
    history = finetune(model, train, dev, settings, rng)
    stacking = fit_combination(model, dev, components)

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
                "stacking": stacking,
                "ngram_mode": settings.ngram_mode,
                "ngram_logreg": ngram_fit,
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
