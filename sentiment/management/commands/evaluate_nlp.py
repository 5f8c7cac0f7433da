"""`manage.py evaluate_nlp`: the engine's figures, measured on this machine.

Prints one table: segmentation precision/recall/F1 on the Academia Sinica gold (against plain
jieba); sentiment accuracy and macro-F1 on each held-out test split for the shipped model and
two baselines on the same splits (TF-IDF character n-grams + logistic regression, SnowNLP as
shipped); throughput (texts/s at batch 64), single-text latency p50/p95 and model size.
The data are read from ``--data-dir`` (the development data, never shipped); a missing file
skips its section with the reason. ``--model-dir`` measures a candidate model (the output of
``train_sentiment --output DIR``) instead of the shipped one, so that a candidate is judged
by the same command before it replaces the shipped files.
"""

import json
import unicodedata
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

DEFAULT_DATA_DIR = Path(settings.BASE_DIR).parent / "shared" / "data"


def ljust_display(text: str, width: int) -> str:
    """Pad to ``width`` terminal columns: CJK characters take two (category names)."""
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - columns)


class Command(BaseCommand):
    help = "Evaluate segmentation and sentiment against baselines; print a table."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
        parser.add_argument(
            "--gold",
            type=Path,
            help="segmentation gold (default: DATA_DIR/segmentation/as_gold_dev.utf8)",
        )
        parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures")
        parser.add_argument(
            "--model-dir",
            type=Path,
            metavar="DIR",
            help="sentiment model to measure (default: the shipped sentiment/nlp/models/)",
        )
        parser.add_argument(
            "--ood-file",
            type=Path,
            metavar="FILE",
            help="out-of-domain reviews, online_shopping_10_cats .csv or .zip "
            "(default: DATA_DIR/sentiment/online_shopping_10_cats.csv or .zip, if present)",
        )
        parser.add_argument(
            "--neutral-file",
            type=Path,
            action="append",
            default=[],
            metavar="FILE",
            help="opinion-free texts, one a line (e.g. gazette subject lines written by "
            "python -m sentiment.training.opinion_free): the share the model calls neutral; "
            "repeat for several sets",
        )
        parser.add_argument(
            "--skip",
            action="append",
            choices=["segmentation", "sentiment", "speed"],
            default=[],
            help="leave a section out",
        )

    def handle(self, *args, **options):
        data_dir: Path = options["data_dir"]
        gold: Path = options["gold"] or data_dir / "segmentation" / "as_gold_dev.utf8"
        skip = set(options["skip"])
        model_dir: Path | None = options["model_dir"]
        if model_dir is not None:
            from sentiment.nlp.sentiment import (
                METADATA_FILE,
                MODEL_FILE,
                TOKENIZER_FILE,
                SentimentClassifier,
            )

            if not SentimentClassifier(model_dir).available():
                raise CommandError(
                    f"{model_dir} 中沒有完整的情緒模型"
                    f"（需要 {MODEL_FILE}、{TOKENIZER_FILE} 與 {METADATA_FILE}）"
                )
        figures: dict = {}

        if "segmentation" not in skip:
            figures["segmentation"] = self._segmentation(gold)
        if "sentiment" not in skip:
            figures["sentiment"], figures["out_of_domain"] = self._sentiment(
                data_dir, model_dir, self._ood_file(options["ood_file"], data_dir)
            )
        if "sentiment" not in skip and options["neutral_file"]:
            self._heading("Opinion-free text: the share read as neutral (opinion_free.py)")
            self._band_line(model_dir)
            figures["opinion_free"] = [
                self._opinion_free(path, model_dir) for path in options["neutral_file"]
            ]
        if "sentiment" not in skip:
            figures["civic_tone"] = self._civic_tone(data_dir, model_dir)
        if "speed" not in skip:
            from sentiment.training.evaluate import benchmark_sentiment

            figures["speed"] = benchmark_sentiment(model_dir)
            self._print_speed(figures["speed"])
        if not {"sentiment", "speed"} <= skip:
            figures["targets"] = self._targets(figures.get("sentiment"), figures.get("speed"))

        if options["json"]:
            try:
                options["json"].write_text(
                    json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8"
                )
            except OSError as exc:
                raise CommandError(f"無法寫入 {options['json']}：{exc}") from exc

    def _segmentation(self, gold: Path) -> dict | None:
        self._heading("Segmentation on " + gold.name + " (SIGHAN word scores; boundary F1 beside)")
        if not gold.is_file():
            self.stdout.write(f"  skipped: {gold} not found")
            return None
        from sentiment.nlp.segmentation_eval import evaluate_segmentation

        result = evaluate_segmentation(gold)
        self.stdout.write(
            f"  {'system':<22}{'precision':>10}{'recall':>10}{'F1':>10}{'bound. F1':>10}"
            f"{'chars/s':>12}"
        )
        self.stdout.write(
            f"  {'minyi (jieba + dict)':<22}{result['precision']:>10.4f}{result['recall']:>10.4f}"
            f"{result['f1']:>10.4f}{result.get('boundary_f1', float('nan')):>10.4f}"
            f"{result['chars_per_second']:>12,.0f}"
        )
        self.stdout.write(
            f"  {'jieba (default dict)':<22}{result['baseline_precision']:>10.4f}"
            f"{result['baseline_recall']:>10.4f}{result['baseline_f1']:>10.4f}"
            f"{result.get('baseline_boundary_f1', float('nan')):>10.4f}"
            f"{result['baseline_chars_per_second']:>12,.0f}"
        )
        self.stdout.write(f"  sentences: {result['sentences']:,}")
        return result

    def _ood_file(self, given: Path | None, data_dir: Path) -> Path | None:
        if given is not None:
            if not given.is_file():
                raise CommandError(f"找不到領域外測試檔 {given}")
            return given
        from sentiment.training.out_of_domain import find_shopping_file

        return find_shopping_file(data_dir)

    def _sentiment(
        self, data_dir: Path, model_dir: Path | None, ood_file: Path | None
    ) -> tuple[list[dict] | None, dict | None]:
        self._heading("Sentiment on held-out test splits (Traditional Chinese)")
        if not (data_dir / "sentiment").is_dir():
            self.stdout.write(f"  skipped: {data_dir / 'sentiment'} not found")
            return None, None
        from sentiment.training.evaluate import evaluate_sentiment

        try:
            rows, ood = evaluate_sentiment(data_dir, model_dir, ood_file)
        except (ValueError, zipfile.BadZipFile) as exc:
            raise CommandError(f"無法讀取領域外測試檔 {ood_file}：{exc}") from exc
        self.stdout.write(f"  {'split':<18}{'system':<12}{'n':>7}{'accuracy':>10}{'macro-F1':>10}")
        for row in rows:
            self.stdout.write(
                f"  {ljust_display(row['split'], 18)}{row['system']:<12}{row['n']:>7,}"
                f"{row['accuracy']:>10.4f}{row['macro_f1']:>10.4f}"
            )
        if ood is None:
            self.stdout.write(
                "  out of domain: skipped: no online_shopping_10_cats .csv/.zip under "
                f"{data_dir / 'sentiment'} (--ood-file; see sentiment/MODEL_CARD.md)"
            )
        else:
            others = ood["rows_read"] - ood["hotel_rows_left_out"]
            self.stdout.write(
                f"  out of domain ({ood['file']}): {ood['texts']:,} texts: the "
                f"{ood['sampled_rows']:,} rows in the 20 % sample of its {others:,} non-hotel "
                f"rows, less {ood['dropped_as_seen_in_training_corpora']:,} that the training "
                "corpora hold, repeat, or label both ways"
            )
        return rows, ood

    def _opinion_free(self, path: Path, model_dir: Path | None) -> dict:
        from sentiment.training.opinion_free import neutral_reading, read_opinion_free

        try:
            texts = read_opinion_free(path)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise CommandError(f"無法讀取無意見文字檔 {path}：{exc}") from exc
        reading = neutral_reading(texts, model_dir) | {"file": path.name}
        self.stdout.write(f"  {path.name}: {reading['texts']:,} texts, {reading['model']}")
        for label in ("neutral", "negative", "positive"):
            self.stdout.write(
                f"  {label:<10}{reading[label + '_count']:>8,}{reading[label + '_share']:>10.1%}"
            )
        return reading

    def _civic_tone(self, data_dir: Path, model_dir: Path | None) -> dict | None:
        from sentiment.training.civic_tone import POLIS_COMMENTS, TONES, read_tone_set, tone_reading

        self._heading("Civic statements: tone in three classes (civic_tone.py, labelled by hand)")
        comments = data_dir / POLIS_COMMENTS
        if not comments.is_file():
            self.stdout.write(f"  skipped: {comments} not found")
            return None
        try:
            pairs = read_tone_set(comments)
        except (OSError, UnicodeDecodeError, KeyError, ValueError) as exc:
            raise CommandError(f"無法讀取公民意見語氣標註 {comments}：{exc}") from exc
        reading = tone_reading(pairs, model_dir)
        self._band_line(model_dir)
        self.stdout.write(
            f"  {reading['texts']} vTaiwan statements, {reading['model']}: accuracy "
            f"{reading['accuracy']:.4f}, macro-F1 {reading['macro_f1']:.4f}"
        )
        self.stdout.write(f"  {'labelled → read as':<20}" + "".join(f"{t:>10}" for t in TONES))
        for gold in TONES:
            row = reading["confusion"][gold]
            self.stdout.write(f"  {gold:<20}" + "".join(f"{row[t]:>10}" for t in TONES))
        return reading

    def _band_line(self, model_dir: Path | None) -> None:
        from sentiment.nlp.sentiment import DEFAULT_MODEL_DIR, load_metadata

        thresholds = load_metadata(model_dir or DEFAULT_MODEL_DIR)["thresholds"]
        chosen = thresholds.get("chosen_on", "fixed")
        self.stdout.write(
            f"  neutral band: calibrated confidence below {thresholds['neutral_below']:.2f} "
            f"({chosen})"
        )

    def _print_speed(self, speed: dict) -> None:
        self._heading("Speed and size (int8 model, ONNX Runtime, this machine)")
        for key, value in speed.items():
            shown = f"{value:,.2f}" if isinstance(value, float) else str(value)
            self.stdout.write(f"  {key:<32}{shown:>14}")

    def _targets(self, rows: list[dict] | None, speed: dict | None) -> list[dict]:
        from dataclasses import asdict

        from sentiment.training.targets import check_targets

        self._heading("Release targets (sentiment/training/targets.py)")
        checks = check_targets(rows, speed)
        for check in checks:
            self.stdout.write(f"  {check.target:<46}{check.shown:>12}  {check.verdict}")
        met = sum(1 for c in checks if c.met)
        self.stdout.write(f"  {met} of {len(checks)} targets met")
        return [asdict(c) | {"verdict": c.verdict} for c in checks]

    def _heading(self, text: str) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(text))
