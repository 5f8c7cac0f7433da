"""The sentiment model's release targets, checked against ``evaluate_nlp``'s figures.

One place for the numbers (issue 21 and MODEL_CARD.md): quality on each held-out test split,
the margin over the TF-IDF + logistic-regression baseline, and the cost of serving. A target
whose figure was not measured (a section skipped, a corpus missing) is reported as such, never
as met.
"""

from __future__ import annotations

from dataclasses import dataclass

from sentiment.training.out_of_domain import OOD_SPLIT

MIN_MACRO_F1 = {"hotel/test": 0.93, "waimai/test": 0.91}
MIN_POINTS_OVER_TFIDF = 0.02
MAX_MODEL_DIR_MB = 30.0
MIN_TEXTS_PER_S = 1000.0
MAX_P50_MS = 10.0


@dataclass(frozen=True)
class TargetCheck:
    target: str
    figure: float | None
    met: bool | None  # None: not measured
    unit: str = ""  # "" for a macro-F1 or a difference of two (four decimals)

    @property
    def shown(self) -> str:
        if self.figure is None:
            return "-"
        return f"{self.figure:.4f}" if not self.unit else f"{self.figure:,.2f} {self.unit}"

    @property
    def verdict(self) -> str:
        return {True: "met", False: "NOT met", None: "not measured"}[self.met]


def _check(target: str, figure: float | None, ok, unit: str = "") -> TargetCheck:
    return TargetCheck(target, figure, None if figure is None else bool(ok(figure)), unit)


def check_targets(rows: list[dict] | None, speed: dict | None) -> list[TargetCheck]:
    """Each target with the figure it was judged on (rows: ``evaluate_sentiment``'s)."""
    f1 = {(r["split"], r["system"]): r["macro_f1"] for r in rows or []}
    # Each corpus's test split, then the pooled out-of-domain set (its categories are shown,
    # not judged one by one: a few hundred texts each).
    splits = sorted({split for split, _ in f1 if split.endswith("/test")}) or ["every test split"]
    splits.append(OOD_SPLIT)
    checks = [
        _check(
            f"{split} macro-F1 >= {floor:.2f}", f1.get((split, "minyi")), lambda v, f=floor: v >= f
        )
        for split, floor in MIN_MACRO_F1.items()
    ]
    for split in splits:
        ours, baseline = f1.get((split, "minyi")), f1.get((split, "tfidf-lr"))
        gain = None if ours is None or baseline is None else round(ours - baseline, 4)
        checks.append(
            _check(
                f"{split} >= {MIN_POINTS_OVER_TFIDF * 100:.0f} points over TF-IDF + LR",
                gain,
                lambda v: v >= MIN_POINTS_OVER_TFIDF - 1e-9,
            )
        )
    speed = speed or {}
    checks += [
        _check(
            f"model directory <= {MAX_MODEL_DIR_MB:.0f} MB",
            speed.get("model_dir_mb"),
            lambda v: v <= MAX_MODEL_DIR_MB,
            "MB",
        ),
        _check(
            f">= {MIN_TEXTS_PER_S:,.0f} texts/s at batch 64 on 2 cores",
            speed.get("throughput_texts_per_s"),
            lambda v: v >= MIN_TEXTS_PER_S,
            "/s",
        ),
        _check(
            f"single-text p50 < {MAX_P50_MS:.0f} ms",
            speed.get("latency_p50_ms"),
            lambda v: v < MAX_P50_MS,
            "ms",
        ),
    ]
    return checks
