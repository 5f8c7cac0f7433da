"""`manage.py analyze_text`: the command-line contract of the NLP engine.

Reads JSON Lines ``{"id": ..., "text": ...}`` from standard input and writes one JSON line per
valid input line, in input order:

    {"id": ..., "sentiment": {"label": "positive|neutral|negative",
                              "scores": {"positive": p, "neutral": p, "negative": p},
                              "model": "<name and version>"},
     "tokens": [...], "keywords": [{"word": ..., "score": ...}], "emotions": {...}}

``--only sentiment`` (or tokens, keywords, emotions; comma-separated or repeated) computes just
those stages. A line that is not a JSON object with a string "text" is reported on standard
error with its line number (in Traditional Chinese) and skipped; the other lines are still
processed. The exit status is 0 unless standard input cannot be read, or ``--strict`` was given
and a line was skipped (then 1). Blank lines are ignored. Input and output are UTF-8
whatever the locale.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from minyi.cli import force_utf8
from sentiment.nlp.pipeline import OUTPUTS, Pipeline


class LineError(ValueError):
    pass


def parse_line(line: str, number: int) -> tuple[object, str]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LineError(f"第 {number} 行不是有效的 JSON：{exc.msg}（第 {exc.colno} 字元）") from exc
    if not isinstance(item, dict):
        raise LineError(f'第 {number} 行必須是 JSON 物件，例如 {{"id": 1, "text": "…"}}。')
    text = item.get("text")
    if text is None:
        raise LineError(f"第 {number} 行缺少 text 欄位。")
    if not isinstance(text, str):
        raise LineError(f"第 {number} 行的 text 欄位必須是字串。")
    return item.get("id"), text


def parse_only(values: list[str] | None) -> list[str]:
    if not values:
        return list(OUTPUTS)
    chosen = [part.strip() for value in values for part in value.split(",") if part.strip()]
    unknown = [name for name in chosen if name not in OUTPUTS]
    if unknown:
        raise CommandError(f"--only 只接受 {', '.join(OUTPUTS)}；不認得：{', '.join(unknown)}")
    return chosen


class Command(BaseCommand):
    help = "Analyse JSON Lines {id, text} from standard input; write one JSON result per line."

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            action="append",
            metavar="STAGE",
            help=f"compute only these outputs ({', '.join(OUTPUTS)}); comma-separated or repeated",
        )
        parser.add_argument("--batch-size", type=int, default=64)
        parser.add_argument(
            "--strict", action="store_true", help="exit with status 1 when any line was skipped"
        )
        parser.add_argument(
            "--user-dictionary",
            action="store_true",
            help="also use the admin-edited user dictionary from the database",
        )

    def handle(self, *args, **options):
        only = parse_only(options["only"])
        batch_size = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size 必須是正整數。")
        if sys.stdin is None:
            raise CommandError("無法讀取標準輸入：標準輸入已關閉。")
        force_utf8(sys.stdin, errors="replace")
        force_utf8(sys.stdout, errors="strict")

        user_words = None
        if options["user_dictionary"]:
            from sentiment.dictionary import DatabaseUserWords

            user_words = DatabaseUserWords()
        pipeline = Pipeline(user_words=user_words)

        failed = 0
        batch: list[tuple[object, str]] = []
        try:
            for number, line in enumerate(sys.stdin, start=1):
                if not line.strip():
                    continue
                try:
                    batch.append(parse_line(line, number))
                except LineError as exc:
                    failed += 1
                    self.stderr.write(str(exc))
                    continue
                if len(batch) >= batch_size:
                    self._emit(pipeline, batch, only, batch_size)
                    batch = []
            self._emit(pipeline, batch, only, batch_size)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"無法讀取標準輸入：{exc}") from exc
        if failed:
            self.stderr.write(f"共 {failed} 行無法分析，其餘各行已輸出。")
            if options["strict"]:
                sys.exit(1)

    def _emit(self, pipeline, batch, only, batch_size) -> None:
        if not batch:
            return
        results = pipeline.analyze([text for _, text in batch], only=only, batch_size=batch_size)
        for (item_id, _text), result in zip(batch, results, strict=True):
            self.stdout.write(json.dumps({"id": item_id, **result}, ensure_ascii=False))
        self.stdout.flush()
