"""The shipped ONNX sentiment model, served without torch (onnxruntime + tokenizers only)."""

import sys
import types

import numpy as np
import pytest

from sentiment.nlp.sentiment import (
    DEFAULT_MODEL_DIR,
    Featurizer,
    SentimentClassifier,
    head_tail,
    ngram_features,
    ngram_ids,
    three_way_scores,
)

pytestmark = pytest.mark.skipif(
    not SentimentClassifier().available(), reason="shipped model files are missing"
)

POSITIVE = [
    "服務人員非常親切，房間乾淨又舒適，下次還會再來！",
    "餐點好吃，外送很快，包裝也很用心，推薦！",
    "這家店真的很棒，CP值超高，非常滿意。",
]
NEGATIVE = [
    "房間又髒又吵，櫃檯態度很差，非常失望。",
    "送餐慢了一個小時，飯菜都涼了，再也不會點了。",
    "東西難吃又貴，完全是浪費錢。",
]


@pytest.fixture(scope="module")
def classifier():
    return SentimentClassifier()


def test_metadata_and_version(classifier):
    assert classifier.model_version.startswith("minyi-sentiment-")
    from sentiment.training.targets import MAX_MODEL_DIR_MB

    size = sum(p.stat().st_size for p in DEFAULT_MODEL_DIR.iterdir() if p.is_file())
    assert size <= MAX_MODEL_DIR_MB * 1e6  # as evaluate_nlp measures it (model_dir_mb)


def test_obvious_sentences(classifier):
    results = classifier.run(POSITIVE + NEGATIVE)
    labels = [r["label"] for r in results]
    assert labels == ["positive"] * 3 + ["negative"] * 3
    for r in results:
        assert r["model"] == classifier.model_version


def test_scores_are_a_distribution(classifier):
    for r in classifier.run([*POSITIVE, *NEGATIVE, "普通", "還可以吧"]):
        assert set(r["scores"]) == {"positive", "neutral", "negative"}
        assert sum(r["scores"].values()) == pytest.approx(1.0, abs=1e-9)
        assert all(0.0 <= p <= 1.0 for p in r["scores"].values())
        assert r["label"] == max(r["scores"], key=r["scores"].get)


def test_binary_reading_matches_the_label(classifier):
    for r in classifier.run(POSITIVE + NEGATIVE):
        binary = "positive" if r["scores"]["positive"] >= r["scores"]["negative"] else "negative"
        assert binary == r["label"]


@pytest.mark.parametrize("text", ["", "   ", "\u200b\n\t"])
def test_empty_text_is_neutral_with_equal_scores(classifier, text):
    (r,) = classifier.run([text])
    assert r["label"] == "neutral"
    assert r["scores"] == pytest.approx({"positive": 1 / 3, "neutral": 1 / 3, "negative": 1 / 3})


def test_ten_thousand_characters(classifier):
    text = "房間很乾淨，服務很好。" * 1000
    assert len(text) >= 10_000
    (r,) = classifier.run([text])
    assert r["label"] == "positive"
    assert sum(r["scores"].values()) == pytest.approx(1.0)


def test_pure_emoji_and_mixed_scripts(classifier):
    results = classifier.run(
        ["😊😊😊", "👍", "这家店服务很好，I love it! 非常推薦", "垃圾 service，態度差到爆"]
    )
    assert all(sum(r["scores"].values()) == pytest.approx(1.0) for r in results)
    assert results[2]["label"] == "positive"
    assert results[3]["label"] == "negative"


def test_simplified_input_is_read_like_traditional(classifier):
    simplified, traditional = classifier.run(
        ["服务员态度很差，房间很脏", "服務員態度很差，房間很髒"]
    )
    assert simplified["label"] == traditional["label"] == "negative"
    assert simplified["scores"]["negative"] == pytest.approx(traditional["scores"]["negative"])


def test_batch_equals_one_by_one(classifier):
    texts = [*POSITIVE, *NEGATIVE, "", "還行", "x" * 300, "😡"]
    batched = classifier.run(texts, batch_size=4)
    for text, b in zip(texts, batched, strict=True):
        (single,) = classifier.run([text])
        assert single["label"] == b["label"]
        # int8 activations are quantised per batch, so scores agree closely, not bit for bit.
        for label in ("positive", "neutral", "negative"):
            assert single["scores"][label] == pytest.approx(b["scores"][label], abs=0.03)


def test_two_threads_read_like_one():
    """The speed benchmark's cores figure and ``reanalyze`` use more threads: same answers."""
    texts = [*POSITIVE, *NEGATIVE, "還行"]
    one = SentimentClassifier(threads=1).positive_probabilities(texts)
    two = SentimentClassifier(threads=2).positive_probabilities(texts)
    assert two == pytest.approx(one, abs=1e-4)


def test_no_torch_at_run_time(classifier):
    classifier.run(["好"])
    from sentiment.nlp import sentiment as module

    assert "torch" not in module.__dict__
    assert "transformers" not in module.__dict__


def test_neutral_band_keeps_the_binary_decision():
    for p in np.linspace(0.0, 1.0, 101):
        scores = three_way_scores(float(p), 0.7)
        assert sum(scores.values()) == pytest.approx(1.0)
        assert (scores["positive"] >= scores["negative"]) == (p >= 0.5)
        confident = max(p, 1 - p) >= 0.7 + 1e-9
        top = max(scores, key=scores.get)
        assert (top != "neutral") == confident or abs(max(p, 1 - p) - 0.7) < 1e-6


def test_head_tail_and_ngrams_are_deterministic():
    assert head_tail("abcdefghij", 4) == "abij"
    assert head_tail([1, 2, 3], 5) == [1, 2, 3]
    first = ngram_ids("房間很乾淨", (1, 2, 3), 1 << 18, 512)
    assert len(first) == 5 + 4 + 3
    assert (first > 0).all() and (first < (1 << 18)).all()
    np.testing.assert_array_equal(first, ngram_ids("房間很乾淨", (1, 2, 3), 1 << 18, 512))
    assert len(ngram_ids("", (1, 2, 3), 1 << 18, 512)) == 0


def test_tail_ngrams_are_hashed_apart():
    orders, buckets = (1, 2, 3), 1 << 20
    plain = ngram_ids("房間很乾淨", orders, buckets, 512)
    tagged = ngram_ids("房間很乾淨", orders, buckets, 512, tag=1)
    assert len(tagged) == len(plain)
    assert not set(plain.tolist()) & set(tagged.tolist())  # no collision on this text
    text = "早餐普通，但是房間很乾淨"
    ids, tf = ngram_features(text, orders, buckets, 512, tail_chars=5)
    expected = set(ngram_ids(text, orders, buckets, 512).tolist())
    expected |= set(ngram_ids(text[-5:], orders, buckets, 5, tag=1).tolist())
    assert set(ids.tolist()) == expected
    assert (np.diff(ids) > 0).all() and (tf >= 1.0).all()
    # tail_chars 0 (and metadata without the key: models before 1.1) adds nothing
    base_ids, _ = ngram_features(text, orders, buckets, 512)
    np.testing.assert_array_equal(base_ids, np.unique(ngram_ids(text, orders, buckets, 512)))
    meta = {"max_len": 128, "ngram_orders": [1, 2, 3], "ngram_buckets": buckets}
    assert Featurizer(None, {**meta, "ngram_max_chars": 512}).ngram_tail_chars == 0


def test_fallback_when_model_dir_is_missing(tmp_path, monkeypatch):
    calls = []

    class FakeLexicon:
        model_name = "lexicon-fallback-test"

        def run(self, texts):
            calls.append(texts)
            return [
                {
                    "label": "neutral",
                    "scores": {"positive": 0, "neutral": 1, "negative": 0},
                    "model": self.model_name,
                    "fallback": True,
                }
                for _ in texts
            ]

    fake = types.ModuleType("sentiment.nlp.lexicon_sentiment")
    fake.LexiconSentiment = FakeLexicon
    monkeypatch.setitem(sys.modules, "sentiment.nlp.lexicon_sentiment", fake)
    classifier = SentimentClassifier(tmp_path / "missing")
    assert not classifier.available()
    results = classifier.run(["很好", "很差"])
    assert calls == [["很好", "很差"]]
    assert [r["model"] for r in results] == ["lexicon-fallback-test"] * 2
    assert classifier.model_version == "lexicon-fallback-test"


def test_real_lexicon_fallback_says_so(tmp_path):
    pytest.importorskip("sentiment.nlp.lexicon_sentiment")
    (r,) = SentimentClassifier(tmp_path).run(["服務很好"])
    assert r["model"].startswith("lexicon")
    assert r["label"] in {"positive", "neutral", "negative"}
