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
        ):
            if options[option] is not None:
                setattr(settings, attr, options[option])
        # Our progress at INFO; the quantiser's per-node chatter (root logger) stays hidden.
        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s")
        logging.getLogger("sentiment").setLevel(logging.INFO)
        meta = train_and_export(data_dir, options["output"], options["work_dir"], settings)
        self.stdout.write(
            f"{meta['name']}-{meta['version']} written to {options['output']} "
            f"in {meta['training']['wall_seconds']:.0f}s"
        )
