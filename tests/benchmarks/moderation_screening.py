"""Benchmark of automatic pre-screening (a script, not a test).

    python tests/benchmarks/moderation_screening.py [path/to/vtaiwan/comments.csv]

Reports (a) throughput and p50/p95/p99 latency of ``screen()`` on 500-character comments,
(b) precision and recall per category on tests/moderation/fixtures/screening_eval.jsonl (and on
the small screening_holdout.jsonl, written after the engine),
(c) given a Pol.is comments.csv (``moderated``: 1 accepted, -1 rejected, 0 not moderated), a
confusion table of the automatic outcome against the human decision.
"""

import csv
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from moderation.screening import OUTCOMES, screen  # noqa: E402
from moderation.screening.evaluation import evaluate, load_items  # noqa: E402

FIXTURES = ROOT / "tests" / "moderation" / "fixtures"
EVAL_SET = FIXTURES / "screening_eval.jsonl"
HOLDOUT_SET = FIXTURES / "screening_holdout.jsonl"


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def make_comments(items: list[dict], n: int, length: int = 500) -> list[str]:
    rng = random.Random(500)
    texts = [item["text"] for item in items]
    comments = []
    for _ in range(n):
        parts: list[str] = []
        while sum(len(p) for p in parts) < length:
            parts.append(rng.choice(texts))
        comments.append("".join(parts)[:length])
    return comments


def bench_latency(items: list[dict]) -> None:
    comments = make_comments(items, 200)
    screen(comments[0])  # build the lexicon and OpenCC once, as a process would at start-up
    timings = []
    started = time.perf_counter()
    for _ in range(10):
        for text in comments:
            t0 = time.perf_counter()
            screen(text)
            timings.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(timings, n=100)
    out(f"(a) latency, {len(timings)} screenings of 500-character comments (1 process, 1 thread)")
    out(f"    throughput: {len(timings) / elapsed:,.0f} submissions/s")
    p50, p95, p99 = q[49], q[94], q[98]
    out(f"    p50 {p50:.2f} ms  p95 {p95:.2f} ms  p99 {p99:.2f} ms  max {max(timings):.2f} ms")


def report_quality(path: Path) -> None:
    items = load_items(path)
    scores, errors = evaluate(items)
    out(f"(b) precision / recall on {path.relative_to(ROOT)} ({len(items)} items)")
    header = ("category", "support", "TP", "FP", "FN", "precision", "recall")
    out("    {:<14}{:>8}{:>5}{:>5}{:>5}{:>11}{:>8}".format(*header))
    for s in scores.values():
        out(
            f"    {s.category:<14}{s.support:>8}{s.tp:>5}{s.fp:>5}{s.fn:>5}"
            f"{s.precision:>11.3f}{s.recall:>8.3f}"
        )
    for item, predicted in errors:
        out(f"    miss {item['id']}: gold={sorted(item['labels'])} got={sorted(predicted)}")


def report_polis(path: Path) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    table: Counter[tuple[str, str]] = Counter()
    rules: Counter[str] = Counter()
    for row in rows:
        result = screen(row["comment-body"])
        table[result.outcome, row["moderated"]] += 1
        rules.update({r.rule for r in result.reasons})
    columns = ("1", "-1", "0")
    out(f"(c) automatic outcome vs moderated column, {path} ({len(rows)} comments)")
    out(f"    {'outcome':<16}" + "".join(f"{'mod=' + c:>9}" for c in columns))
    for outcome in OUTCOMES:
        out(f"    {outcome:<16}" + "".join(f"{table[outcome, c]:>9}" for c in columns))
    rejected = sum(table[o, "-1"] for o in OUTCOMES)
    caught = sum(table[o, "-1"] for o in ("hold", "reject"))
    accepted = sum(table[o, "1"] for o in OUTCOMES)
    flagged_ok = sum(table[o, "1"] for o in ("hold", "reject"))
    out(f"    human-rejected held or rejected automatically: {caught}/{rejected}")
    out(f"    human-accepted held or rejected automatically: {flagged_ok}/{accepted}")
    out(f"    reasons by rule: {dict(rules.most_common())}")


def main(argv: list[str]) -> None:
    items = load_items(EVAL_SET)
    bench_latency(items)
    for path in (EVAL_SET, HOLDOUT_SET):
        out()
        report_quality(path)
    if argv:
        out()
        report_polis(Path(argv[0]))


if __name__ == "__main__":
    main(sys.argv[1:])
