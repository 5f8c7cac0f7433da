"""Tone of civic statements in three classes (civic_tone.py): hand labels joined to the export."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from sentiment.nlp.sentiment import SentimentClassifier
from sentiment.training.civic_tone import LABELS_FILE, TONES, read_tone_set, tone_scores

FIELDS = ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated"]
SAYINGS = {
    "positive": "這個服務很好，很方便",
    "negative": "管理太差，很不安全",
    "neutral": "我有駕照",
}


def write_comments(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([*FIELDS, "comment-body"])
        for comment_id, moderated, body in rows:
            writer.writerow(["0", "", comment_id, "1", "0", "0", moderated, body])


def test_scores_are_counted_per_tone():
    gold = ["negative", "negative", "neutral", "neutral", "positive", "positive"]
    pred = ["negative", "neutral", "neutral", "neutral", "neutral", "positive"]
    scores = tone_scores(gold, pred)
    # by hand: F1 negative 2·1/(1+2) = 2/3, neutral 2·2/(4+2) = 2/3, positive 2/3
    assert scores["macro_f1"] == pytest.approx(0.6667, abs=1e-4)
    assert scores["accuracy"] == pytest.approx(4 / 6, abs=1e-4)
    assert scores["per_tone"]["neutral"] == {"gold": 2, "precision": 0.5, "recall": 1.0}
    assert scores["confusion"]["positive"] == {"negative": 0, "neutral": 1, "positive": 1}


def test_labels_join_kept_statements_and_refuse_removed_or_missing_ones(tmp_path):
    labels = tmp_path / "labels.csv"
    labels.write_text("comment-id,tone\n2,positive\n1,negative\n", encoding="utf-8")
    comments = tmp_path / "comments.csv"
    write_comments(comments, [(1, 0, "太差了"), (2, 1, "很好"), (3, -1, "罵人的話")])
    assert read_tone_set(comments, labels) == [("太差了", "negative"), ("很好", "positive")]

    labels.write_text("comment-id,tone\n3,neutral\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no kept statement 3"):  # moderators removed it
        read_tone_set(comments, labels)
    labels.write_text("comment-id,tone\n1,angry\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown tone angry"):
        read_tone_set(comments, labels)


def test_the_shipped_labels_cover_three_tones_once_each_statement():
    with LABELS_FILE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len({r["comment-id"] for r in rows}) == 119
    assert {r["tone"] for r in rows} == set(TONES)


def test_evaluate_nlp_reads_the_statements_from_the_data_directory(tmp_path):
    with LABELS_FILE.open(encoding="utf-8") as f:
        labels = {r["comment-id"]: r["tone"] for r in csv.DictReader(f)}
    comments = tmp_path / "data" / "polis" / "vtaiwan.uberx" / "comments.csv"
    write_comments(comments, [(i, 1, SAYINGS[tone]) for i, tone in labels.items()])
    figures_file, out = tmp_path / "figures.json", io.StringIO()
    skips = ("--skip", "segmentation", "--skip", "speed")
    call_command(
        "evaluate_nlp",
        *skips,
        "--data-dir",
        str(tmp_path / "data"),
        "--json",
        str(figures_file),
        stdout=out,
    )
    reading = json.loads(figures_file.read_text(encoding="utf-8"))["civic_tone"]
    results = SentimentClassifier().run(list(SAYINGS.values()))  # recomputed here
    read_as = dict(zip(SAYINGS, (r["label"] for r in results), strict=True))
    expected = tone_scores(list(labels.values()), [read_as[t] for t in labels.values()])
    assert reading["confusion"] == expected["confusion"] and reading["texts"] == 119
    assert f"macro-F1 {expected['macro_f1']:.4f}" in out.getvalue()
    # the shipped model's band, as its model.json states it (a fixed 0.70)
    assert "neutral band: calibrated confidence below 0.70 (fixed)" in out.getvalue()

    write_comments(comments, [(0, 1, "只有一則")])
    with pytest.raises(CommandError, match="無法讀取公民意見語氣標註"):
        call_command("evaluate_nlp", *skips, "--data-dir", str(tmp_path / "data"), stdout=out)
