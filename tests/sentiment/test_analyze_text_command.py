"""The `analyze_text` command-line contract, run as a separate process like its users do."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCORE_KEYS = {"positive", "neutral", "negative"}


def analyze(lines: list[str] | str, *args: str) -> subprocess.CompletedProcess:
    payload = lines if isinstance(lines, str) else "\n".join(lines) + "\n"
    env = {**os.environ, "MINYI_IGNORE_DOTENV": "1", "LC_ALL": "C", "PYTHONIOENCODING": ""}
    return subprocess.run(
        [sys.executable, "manage.py", "analyze_text", *args],
        cwd=ROOT,
        input=payload.encode("utf-8"),
        capture_output=True,
        env=env,
        timeout=300,
    )


def outputs(done: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]


@pytest.fixture(scope="module")
def full_run():
    items = [
        {"id": 1, "text": "服務人員非常親切，房間乾淨，下次還會再來！"},
        {"id": "b", "text": "等了兩個小時才送到，飯菜都涼了，太失望了。"},
        {"id": 3, "text": ""},
        {"id": 4, "text": "👍👍🎉"},
        {"id": 5, "text": "这个政策很好 but 長照2.0 的人力還是不夠"},
        {"id": 6, "text": "長照政策需要更多人力。" * 1000},
    ]
    return items, analyze([json.dumps(item, ensure_ascii=False) for item in items])


def test_one_line_out_per_line_in_with_every_field(full_run):
    items, done = full_run
    assert done.returncode == 0, done.stderr.decode()
    results = outputs(done)
    assert [result["id"] for result in results] == [item["id"] for item in items]
    for result in results:
        assert list(result) == ["id", "sentiment", "tokens", "keywords", "emotions"]
        sentiment = result["sentiment"]
        assert sentiment["label"] in SCORE_KEYS
        assert set(sentiment["scores"]) == SCORE_KEYS
        assert sum(sentiment["scores"].values()) == pytest.approx(1.0, abs=1e-4)
        assert sentiment["model"]
        assert isinstance(result["tokens"], list)
        assert isinstance(result["keywords"], list)
        assert set(result["emotions"]["counts"]) == set("樂好怒哀懼惡驚")


def test_obvious_sentences_read_the_right_way(full_run):
    _, done = full_run
    by_id = {result["id"]: result for result in outputs(done)}
    praise, complaint = by_id[1]["sentiment"]["scores"], by_id["b"]["sentiment"]["scores"]
    assert praise["positive"] >= praise["negative"]
    assert complaint["positive"] < complaint["negative"]


def test_edge_cases(full_run):
    _, done = full_run
    by_id = {result["id"]: result for result in outputs(done)}
    assert by_id[3]["tokens"] == []
    assert by_id[3]["keywords"] == []
    assert by_id[4]["tokens"]  # emoji kept as tokens
    assert "長照2.0" in by_id[5]["tokens"]
    assert "這個" in "".join(by_id[5]["tokens"])  # Simplified input read as Traditional
    assert len(by_id[6]["tokens"]) > 1000


def test_invalid_lines_reported_on_stderr_and_the_rest_processed():
    done = analyze(
        [
            '{"id": 1, "text": "很好"}',
            "{not json",
            '["a list"]',
            '{"id": 4}',
            '{"id": 5, "text": 42}',
            "",
            '{"id": 7, "text": "很差"}',
        ]
    )
    assert done.returncode == 0
    assert [result["id"] for result in outputs(done)] == [1, 7]
    errors = done.stderr.decode("utf-8")
    for number in (2, 3, 4, 5):
        assert f"第 {number} 行" in errors
    assert "第 6 行" not in errors  # blank lines are skipped silently
    assert analyze(["{oops"], "--strict").returncode == 1


def test_only_and_batch_size():
    lines = [json.dumps({"id": n, "text": f"第{n}則留言，政策很好"}) for n in range(5)]
    done = analyze(lines, "--only", "sentiment", "--batch-size", "2")
    assert done.returncode == 0, done.stderr.decode()
    results = outputs(done)
    assert len(results) == 5
    assert all(list(result) == ["id", "sentiment"] for result in results)
    done = analyze(lines[:1], "--only", "tokens,keywords")
    assert list(outputs(done)[0]) == ["id", "tokens", "keywords"]
    bad = analyze(lines[:1], "--only", "stance")
    assert bad.returncode != 0
    assert "stance" in bad.stderr.decode("utf-8")


def test_segment_command_contract():
    env = {**os.environ, "MINYI_IGNORE_DOTENV": "1", "LC_ALL": "C"}
    done = subprocess.run(
        [sys.executable, "manage.py", "segment"],
        cwd=ROOT,
        input="國發會推動長照2.0政策\n\n鄉民推文說好扯\n".encode(),
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode("utf-8").split("\n")
    assert lines[1] == ""
    assert "國發會" in lines[0].split(" ")
    assert "長照2.0" in lines[0].split(" ")
    assert "  " not in lines[2]
