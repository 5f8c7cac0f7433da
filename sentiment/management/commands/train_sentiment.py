"""`manage.py train_sentiment`: reproduce the shipped sentiment model from the data.

Needs the ``[train]`` extra (torch, transformers, onnx, onnxscript). Seeded; with the default
settings it rebuilds ``sentiment/nlp/models/`` as described in ``sentiment/MODEL_CARD.md``.
"""

import logging
from pathlib import Path

from django.conf import settings as django_settings
from django.core.management.base import BaseCommand, CommandError

from sentiment.nlp.sentiment import DEFAULT_MODEL_DIR


def default_data_dir() -> Path:
    return Path(django_settings.BASE_DIR).resolve().parent / "shared" / "data"


class Command(BaseCommand):
    help = "Train, export (ONNX int8) and calibrate the sentiment model."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="folder holding sentiment/*.csv (default: ../shared/data next to the repo)",
        )
        parser.add_argument("--output", type=Path, default=DEFAULT_MODEL_DIR)
        parser.add_argument("--work-dir", type=Path, default=Path("var/train"))
        parser.add_argument("--epochs", type=int, default=None)
        parser.add_argument("--mlm-epochs", type=int, default=None)
        parser.add_argument("--threads", type=int, default=None)
        parser.add_argument("--seed", type=int, default=None)
        parser.add_argument("--lr", type=float, default=None, help="fine-tuning peak (1.0: 1e-3)")
        parser.add_argument("--mlm-lr", type=float, default=None, help="MLM peak (1.0: 1e-3)")
        parser.add_argument(
            "--encoder-layers", type=int, default=None, help="transformer layers (1.0: 2)"
        )
        parser.add_argument(
            "--encoder-hidden",
            type=int,
            default=None,
            help="hidden size, a multiple of 4; feed-forward 4× that (1.0: 128)",
        )
        # The n-gram branch options of the unshipped 1.1 candidate (MODEL_CARD.md, "What was
        # tried"); the defaults reproduce the shipped model.
        parser.add_argument("--model-version", default=None, help="version written to model.json")
        parser.add_argument(
            "--ngram-nb",
            action="store_true",
            help="stack an NB-SVM (log-count-ratio) logistic regression beside the plain one",
        )
        parser.add_argument("--ngram-buckets", type=int, default=None)
        parser.add_argument(
            "--ngram-tail-chars",
            type=int,
            default=None,
            help="also hash the n-grams of the last N characters apart (0: none)",
        )
        parser.add_argument(
            "--ngram-c-grid",
            default=None,
            help="comma-separated C values for the n-gram logistic regressions",
        )

    def handle(self, *args, **options):
        try:
            from sentiment.training.train import TrainSettings, train_and_export
        except ImportError as exc:
            raise CommandError(
                f"training needs the [train] extra (torch, transformers, onnx): {exc}"
            ) from exc
        data_dir = options["data_dir"] or default_data_dir()
        if not (data_dir / "sentiment" / "ChnSentiCorp_htl_all.csv").is_file():
            raise CommandError(f"no sentiment corpora under {data_dir}/sentiment/")
        settings = TrainSettings()
        for option, attr in (
            ("epochs", "epochs"),
            ("mlm_epochs", "mlm_epochs"),
            ("threads", "threads"),
            ("seed", "seed"),
            ("lr", "lr"),
            ("mlm_lr", "mlm_lr"),
        ):
            if options[option] is not None:
                setattr(settings, attr, options[option])
        if options["encoder_layers"] is not None:
            settings.model.layers = options["encoder_layers"]
        if options["encoder_hidden"] is not None:
            if options["encoder_hidden"] % settings.model.heads:
                raise CommandError(
                    f"--encoder-hidden must be a multiple of {settings.model.heads} (the heads)"
                )
            settings.model.hidden = options["encoder_hidden"]
            settings.model.intermediate = 4 * options["encoder_hidden"]
        if options["model_version"]:
            settings.version = options["model_version"]
        if options["ngram_nb"]:
            settings.ngram_nb = True
        if options["ngram_buckets"] is not None:
            settings.model.ngram_buckets = options["ngram_buckets"]
        if options["ngram_tail_chars"] is not None:
            settings.model.ngram_tail_chars = options["ngram_tail_chars"]
        if options["ngram_c_grid"]:
            settings.ngram_c_grid = tuple(float(c) for c in options["ngram_c_grid"].split(","))
        # Our progress at INFO; the quantiser's per-node chatter (root logger) stays hidden.
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
        logging.getLogger("sentiment").setLevel(logging.INFO)
        meta = train_and_export(data_dir, options["output"], options["work_dir"], settings)
        self.stdout.write(
            f"{meta['name']}-{meta['version']} written to {options['output']} "
            f"in {meta['training']['wall_seconds']:.0f}s"
        )
