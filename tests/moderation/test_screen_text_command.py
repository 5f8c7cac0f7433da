import io
import json
import sys

from django.core.management import call_command

from moderation.management.commands.screen_text import Command


def run(monkeypatch, stdin_text):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin_text))
    out = io.StringIO()
    call_command("screen_text", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_screen_text_end_to_end(monkeypatch):
    lines = [
        json.dumps(
            {"id": 1, "text": "我的身分證是Ａ１２３４５６７８９，請協助"}, ensure_ascii=False
        ),
        "this is not json",
        json.dumps({"id": "b", "note": "no text"}),
        "",
        json.dumps({"id": 4, "text": "幹 你 娘"}, ensure_ascii=False),
        json.dumps({"id": 5, "text": "支持長照2.0擴大服務"}, ensure_ascii=False),
        json.dumps({"id": 6, "text": "賺錢 https://lucky-slots.example"}),
        json.dumps({"id": 7, "text": 42}),
        json.dumps([1, 2]),
    ]
    results = run(monkeypatch, "\n".join(lines) + "\n")
    assert len(results) == 8  # the blank line is skipped

    first = results[0]
    assert first == {
        "id": 1,
        "outcome": "publish_masked",
        "reasons": [{"check": "personal_data", "rule": "personal-data", "span": [6, 16]}],
        "published_text": "我的身分證是Ａ１２****７８９，請協助",
    }
    assert results[1]["id"] is None
    assert results[1]["line"] == 2
    assert "JSON" in results[1]["error"]
    assert results[2] == {"id": "b", "line": 3, "error": "第 3 行缺少 text 欄位。"}
    assert results[3]["id"] == 4
    assert results[3]["outcome"] == "hold"
    assert results[3]["reasons"] == [{"check": "lexicon", "rule": "abuse", "span": [0, 5]}]
    assert results[4] == {
        "id": 5,
        "outcome": "publish",
        "reasons": [],
        "published_text": "支持長照2.0擴大服務",
    }
    assert results[5]["outcome"] == "reject"
    assert "字串" in results[6]["error"]
    assert "物件" in results[7]["error"]


def test_output_is_not_ascii_escaped(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"id": 1, "text": "長照"}\n'))
    call_command("screen_text", stdout=out)
    assert '"published_text": "長照"' in out.getvalue()


def test_screen_line_is_usable_directly():
    assert Command.screen_line('{"id": 9, "text": ""}', 1) == {
        "id": 9,
        "outcome": "publish",
        "reasons": [],
        "published_text": "",
    }


def test_context_is_passed_to_the_checks(monkeypatch):
    lines = [
        '{"id": 1, "text": "好政策", "context": {"user_recent_submissions": 9}}',
        '{"id": 2, "text": "好政策", "context": [1]}',
    ]
    first, second = run(monkeypatch, "\n".join(lines))
    assert first["outcome"] == "hold"
    assert first["reasons"] == [{"check": "submission_rate", "rule": "spam-flood", "span": [0, 3]}]
    assert "context" in second["error"]
