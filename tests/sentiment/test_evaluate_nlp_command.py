"""`evaluate_nlp` prints its table and writes the figures (on tiny data written for the test)."""

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

GOLD = Path(__file__).parent / "fixtures" / "segmentation_gold_tiny.utf8"


def test_segmentation_and_speed_sections(tmp_path):
    out = io.StringIO()
    figures_file = tmp_path / "figures.json"
    call_command(
        "evaluate_nlp",
        "--gold",
        str(GOLD),
        "--data-dir",
        str(tmp_path / "no-such-dir"),
        "--json",
        str(figures_file),
        stdout=out,
    )
    table = out.getvalue()
    assert "minyi (jieba + dict)" in table and "jieba (default dict)" in table
    assert "skipped:" in table  # no sentiment data here: said, not crashed
    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    segmentation = figures["segmentation"]
    assert segmentation["sentences"] == 3
    assert 0.5 < segmentation["f1"] <= 1.0
    speed = figures["speed"]
    assert speed and all(value for value in speed.values())
    assert figures["sentiment"] is None


def test_missing_gold_is_skipped_with_the_reason(tmp_path):
    out = io.StringIO()
    call_command(
        "evaluate_nlp",
        "--gold",
        str(tmp_path / "missing.utf8"),
        "--skip",
        "sentiment",
        "--skip",
        "speed",
        stdout=out,
    )
    assert "skipped:" in out.getvalue() and "missing.utf8" in out.getvalue()


def test_a_candidate_model_directory_is_measured_instead_of_the_shipped_one(tmp_path):
    from sentiment.nlp.sentiment import DEFAULT_MODEL_DIR, METADATA_FILE

    candidate = tmp_path / "candidate"
    shutil.copytree(DEFAULT_MODEL_DIR, candidate)
    meta = json.loads((candidate / METADATA_FILE).read_text(encoding="utf-8"))
    meta["version"] = "9.9-candidate"
    (candidate / METADATA_FILE).write_text(json.dumps(meta), encoding="utf-8")
    figures_file = tmp_path / "figures.json"
    call_command(
        "evaluate_nlp",
        "--skip",
        "segmentation",
        "--skip",
        "sentiment",
        "--model-dir",
        str(candidate),
        "--json",
        str(figures_file),
        stdout=io.StringIO(),
    )
    speed = json.loads(figures_file.read_text(encoding="utf-8"))["speed"]
    assert speed["model"] == "minyi-sentiment-9.9-candidate"


def test_an_incomplete_model_directory_is_refused_before_any_work(tmp_path):
    (tmp_path / "model.json").write_text("{}", encoding="utf-8")
    with pytest.raises(CommandError, match=r"model\.int8\.onnx"):
        call_command("evaluate_nlp", "--model-dir", str(tmp_path), stdout=io.StringIO())
