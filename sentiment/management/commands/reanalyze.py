"""`manage.py reanalyze`: bring every stored analysis up to the current model.

Runs in the foreground with a progress bar (after a model change, before a report). Texts whose
analysis is already from the current model and whose text is unchanged are skipped unless
``--force``.
"""

import contextlib
import os
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from sentiment.services import analysed_model_labels, texts_analyse


class ProgressBar:
    def __init__(self, total: int, *, stream, width: int = 30) -> None:
        self.total, self.stream, self.width = total, stream, width
        self.done = 0
        self.started = time.monotonic()
        self.interactive = hasattr(stream, "isatty") and stream.isatty()

    def advance(self, count: int, label: str) -> None:
        self.done += count
        share = self.done / self.total if self.total else 1.0
        filled = round(share * self.width)
        rate = self.done / max(time.monotonic() - self.started, 1e-6)
        line = (
            f"[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} "
            f"{share:6.1%} {rate:,.0f}/s {label}"
        )
        # On a terminal the bar redraws in place; in a log, one line per step.
        self.stream.write(
            ("\r" + line) if self.interactive else line, ending="" if self.interactive else "\n"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.interactive:
            self.stream.write("")


@contextlib.contextmanager
def all_cores_for_sentiment():
    """Give the sentiment sessions every core for this run, unless the operator set a number.

    Task workers keep one thread each (they run side by side); a foreground reanalysis has the
    machine to itself, and two threads are 1.7x one on 2 cores (MODEL_CARD.md, speed).
    """
    key = "MINYI_SENTIMENT_THREADS"
    if os.environ.get(key):
        yield
        return
    os.environ[key] = str(os.cpu_count() or 1)
    try:
        yield
    finally:
        os.environ.pop(key, None)


class Command(BaseCommand):
    help = "Re-run the NLP engine over stored comments, statements, petitions and posts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--model",
            action="append",
            metavar="APP.MODEL",
            help=f"only these ({', '.join(analysed_model_labels()) or 'none registered'})",
        )
        parser.add_argument("--force", action="store_true", help="also redo up-to-date analyses")
        parser.add_argument("--batch-size", type=int, default=256)

    def handle(self, *args, **options):
        labels = [label.lower() for label in options["model"] or analysed_model_labels()]
        unknown = sorted(set(labels) - set(analysed_model_labels()))
        if unknown:
            raise CommandError(f"沒有登記要分析的資料類型：{', '.join(unknown)}")
        batch_size = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size 必須是正整數。")

        work = {
            label: list(
                apps.get_model(label)._default_manager.order_by("pk").values_list("pk", flat=True)
            )
            for label in labels
        }
        bar = ProgressBar(sum(len(pks) for pks in work.values()), stream=self.stderr)
        analysed = 0
        with all_cores_for_sentiment():
            for label, pks in work.items():
                for start in range(0, len(pks), batch_size):
                    chunk = pks[start : start + batch_size]
                    analysed += texts_analyse(model_label=label, pks=chunk, force=options["force"])
                    bar.advance(len(chunk), label)
        bar.close()
        self.stdout.write(
            f"已分析 {analysed} 筆（共 {bar.total} 筆；其餘已是最新，或目前未公開而不分析）。"
        )
