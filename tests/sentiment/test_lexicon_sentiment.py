"""Lexicon sentiment fallback: polarity words with negation, degree and contrast."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sentiment.nlp.lexicon_sentiment import LexiconSentiment
from sentiment.nlp.lexicons import LEXICON_DIR

LABELS = {"positive", "neutral", "negative"}


@pytest.fixture(scope="module")
def model():
    return LexiconSentiment()


def tokens_result(model, tokens):
    [result] = model.run([" ".join(tokens)], token_lists=[tokens])
    return result


def check_shape(result):
    assert result["label"] in LABELS
    assert set(result["scores"]) == LABELS
    assert sum(result["scores"].values()) == pytest.approx(1.0, abs=1e-6)
    assert all(0 <= v <= 1 for v in result["scores"].values())
    assert result["model"].startswith("lexicon-fallback-")
    assert result["fallback"] is True
    assert result["label"] == max(result["scores"], key=result["scores"].get)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("這個服務很好，我非常滿意", "positive"),
        ("政府的效率太差了，真的很失望", "negative"),
        ("會議訂在下週三下午兩點舉行", "neutral"),
        ("雖然價格有點貴，但是服務非常好", "positive"),
    ],
)
def test_normal_text(model, text, label):
    [result] = model.run([text])
    check_shape(result)
    assert result["label"] == label


def test_negation_flips(model):
    good = tokens_result(model, ["這個", "服務", "很", "好"])
    bad = tokens_result(model, ["這個", "服務", "不", "好"])
    assert good["label"] == "positive"
    assert bad["label"] == "negative"
    liked = tokens_result(model, ["我", "喜歡", "這個", "政策"])
    disliked = tokens_result(model, ["我", "不", "喜歡", "這個", "政策"])
    assert liked["label"] == "positive"
    assert disliked["label"] == "negative"
    # Through the segmenter too, whether it fuses 不好 into one token or not.
    [seg_good, seg_bad] = model.run(["這個服務很好", "這個服務不好"])
    assert seg_good["label"] == "positive"
    assert seg_bad["label"] == "negative"


def test_mild_negation_and_double_negation(model):
    bad = tokens_result(model, ["這個", "政策", "不", "好"])["scores"]["negative"]
    not_so_good = tokens_result(model, ["這個", "政策", "不", "太", "好"])["scores"]["negative"]
    assert not_so_good < bad
    assert tokens_result(model, ["這個", "政策", "不是", "不", "好"])["label"] == "positive"


def test_degree_strengthens(model):
    plain = tokens_result(model, ["服務", "好"])["scores"]["positive"]
    very = tokens_result(model, ["服務", "非常", "好"])["scores"]["positive"]
    assert very > plain


def test_empty_input(model):
    assert model.run([]) == []
    [result] = model.run([""])
    check_shape(result)
    assert result["label"] == "neutral"


def test_pure_emoji(model):
    [up, angry] = model.run(["👍👍", "😡"])
    check_shape(up)
    assert up["label"] == "positive"
    assert angry["label"] == "negative"


def test_ten_thousand_characters(model):
    text = ("服務很好，環境乾淨，但是停車不方便。" * 600)[:10_000]
    [result] = model.run([text])
    check_shape(result)


def test_mixed_simplified_traditional_english(model):
    import opencc

    text = "這個policy很好 but 服务很差, I am disappointed 😡"
    [raw] = model.run([text])
    check_shape(raw)
    [normalised] = model.run([opencc.OpenCC("s2twp").convert(text)])
    check_shape(normalised)
    assert normalised["label"] == "negative"


def test_stages_load_nothing_at_import():
    code = (
        "import json, sentiment.nlp.keywords, sentiment.nlp.emotions, "
        "sentiment.nlp.lexicon_sentiment, sentiment.nlp.duplicates\n"
        "from sentiment.nlp import lexicons as L\n"
        "loaders = [L.load_idf, L.load_stopwords, L.load_polarity, L.load_emotions, "
        "L.load_phrases, L.load_modifiers]\n"
        "print(json.dumps([f.cache_info().currsize for f in loaders]))\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == [0, 0, 0, 0, 0, 0]


def test_shipped_lexicons_are_documented_and_small():
    readme = (LEXICON_DIR / "README.md").read_text(encoding="utf-8")
    shipped = [p for p in LEXICON_DIR.rglob("*") if p.is_file() and p.suffix in {".tsv", ".txt"}]
    assert shipped
    for path in shipped:
        assert path.name in readme, f"{path.name} is not described in README.md"
    assert sum(p.stat().st_size for p in shipped) < 1_000_000
