"""`manage.py screen_text`: the command-line contract of automatic pre-screening.

Reads JSON Lines ``{"id": ..., "text": ...}`` from standard input and writes one JSON line per
input line (blank lines are skipped):

    {"id": ..., "outcome": "publish|publish_masked|hold|reject",
     "reasons": [{"check": ..., "rule": ..., "span": [start, end]}],
     "published_text": "..."}

An optional ``"context"`` object is passed to the checks (submission counts for the rate check,
e.g. ``{"user_recent_submissions": 7}``). Spans index the input text as Python strings (code
points), end exclusive. A line that is not a JSON object with a string "text" produces
``{"id": <id or null>, "line": <n>, "error": "..."}`` (the error in Traditional Chinese) and the
command goes on. Standard input and output are UTF-8 whatever the locale (undecodable bytes become
U+FFFD). The exit status is 0 unless standard input cannot be read.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from minyi.cli import force_utf8
from moderation.screening import screen


class Command(BaseCommand):
    help = "Screen JSON Lines {id, text} from standard input; write one JSON result per line."

    def handle(self, *args, **options):
        out = self.stdout
        if sys.stdin is None:
            raise CommandError("無法讀取標準輸入：標準輸入已關閉。")
        force_utf8(sys.stdin, errors="replace")
        force_utf8(sys.stdout, errors="strict")
        try:
            for number, line in enumerate(sys.stdin, start=1):
                if not line.strip():
                    continue
                out.write(json.dumps(self.screen_line(line, number), ensure_ascii=False))
                out.flush()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"無法讀取標準輸入：{exc}") from exc

    @staticmethod
    def screen_line(line: str, number: int) -> dict:
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            return {
                "id": None,
                "line": number,
                "error": f"第 {number} 行不是有效的 JSON：{exc.msg}",
            }
        if not isinstance(item, dict):
            return {"id": None, "line": number, "error": f"第 {number} 行必須是 JSON 物件。"}
        item_id = item.get("id")
        text = item.get("text")
        if not isinstance(text, str):
            error = (
                f"第 {number} 行缺少 text 欄位。"
                if text is None
                else f"第 {number} 行的 text 欄位必須是字串。"
            )
            return {"id": item_id, "line": number, "error": error}
        context = item.get("context")
        if context is not None and not isinstance(context, dict):
            return {
                "id": item_id,
                "line": number,
                "error": f"第 {number} 行的 context 欄位必須是 JSON 物件。",
            }
        return {"id": item_id, **screen(text, context=context).as_dict()}
