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


def _rows(hotel, hotel_tfidf, waimai, waimai_tfidf):
    return [
        {"split": "hotel/test", "system": "minyi", "macro_f1": hotel},
        {"split": "hotel/test", "system": "tfidf-lr", "macro_f1": hotel_tfidf},
        {"split": "waimai/test", "system": "minyi", "macro_f1": waimai},
        {"split": "waimai/test", "system": "tfidf-lr", "macro_f1": waimai_tfidf},
    ]


def test_targets_are_judged_on_the_figures_and_unmeasured_ones_are_never_met():
    from sentiment.training.targets import check_targets

    speed = {"model_dir_mb": 29.9, "throughput_texts_per_s": 999.0, "latency_p50_ms": 2.0}
    checks = {c.target: c for c in check_targets(_rows(0.935, 0.90, 0.905, 0.8906), speed)}
    assert checks["hotel/test macro-F1 >= 0.93"].met is True
    assert checks["waimai/test macro-F1 >= 0.91"].met is False
    assert checks["hotel/test >= 2 points over TF-IDF + LR"].figure == 0.035
    assert checks["waimai/test >= 2 points over TF-IDF + LR"].met is False  # +1.44 points
    assert checks["model directory <= 30 MB"].met is True
    assert checks[">= 1,000 texts/s at batch 64 on 2 cores"].met is False
    assert checks[">= 1,000 texts/s at batch 64 on 2 cores"].shown == "999.00 /s"
    assert checks["hotel/test macro-F1 >= 0.93"].shown == "0.9350"
    assert checks["single-text p50 < 10 ms"].met is True

    unmeasured = check_targets(None, None)
    assert unmeasured and all(c.met is None and c.verdict == "not measured" for c in unmeasured)


def test_the_targets_section_prints_each_verdict(tmp_path):
    out = io.StringIO()
    figures_file = tmp_path / "figures.json"
    call_command(
        "evaluate_nlp",
        "--skip",
        "segmentation",
        "--data-dir",
        str(tmp_path / "no-such-dir"),
        "--json",
        str(figures_file),
        stdout=out,
    )
    assert "Release targets" in out.getvalue() and "not measured" in out.getvalue()
    targets = json.loads(figures_file.read_text(encoding="utf-8"))["targets"]
    by_name = {t["target"]: t for t in targets}
    assert by_name["hotel/test macro-F1 >= 0.93"]["verdict"] == "not measured"
    assert by_name["model directory <= 30 MB"]["met"] is True  # the shipped model is 2.4 MB


def test_the_speed_figures_say_whether_the_cpu_multiplies_int8_in_one_step(tmp_path):
    from sentiment.training.evaluate import int8_dot_product

    zen3 = tmp_path / "zen3"
    zen3.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx avx2 fma\n\nflags\t: fpu avx2\n")
    vnni = tmp_path / "vnni"
    vnni.write_text("flags\t\t: fpu avx2 avx512f avx512_vnni amx_int8\n")
    arm = tmp_path / "arm"
    arm.write_text("Features\t: fp asimd asimddp sha2\n")
    assert int8_dot_product(zen3) == "none"
    assert int8_dot_product(vnni) == "avx512_vnni, amx_int8"
    assert int8_dot_product(arm) == "asimddp"
    assert int8_dot_product(tmp_path / "absent") == "unknown"
