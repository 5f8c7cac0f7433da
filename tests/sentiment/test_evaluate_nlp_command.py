"""`evaluate_nlp` prints its table and writes the figures (on tiny data written for the test)."""

import io
import json
from pathlib import Path

from django.core.management import call_command

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
