"""Emotion stage: the seven DUTIR categories with counts, intensities, negation and degree."""

import pytest

from sentiment.nlp.emotions import EmotionScorer
from sentiment.nlp.lexicons import EMOTION_CATEGORIES, load_emotions

CATEGORIES = {"樂", "好", "怒", "哀", "懼", "惡", "驚"}


@pytest.fixture(scope="module")
def scorer():
    return EmotionScorer()


def one(scorer, tokens):
    [result] = scorer.run([tokens])
    return result


def test_output_shape(scorer):
    result = one(scorer, ["我", "很", "開心"])
    assert set(result) == {"counts", "intensity", "dominant"}
    assert set(result["counts"]) == CATEGORIES
    assert set(result["intensity"]) == CATEGORIES
    assert all(isinstance(v, int) for v in result["counts"].values())
    assert all(isinstance(v, float) for v in result["intensity"].values())


@pytest.mark.parametrize(
    ("tokens", "category"),
    [
        (["我", "好", "憤怒"], "怒"),
        (["今天", "真", "開心"], "樂"),
        (["非常", "感謝", "市府", "的", "用心"], "好"),
        (["看到", "這", "新聞", "好", "難過"], "哀"),
        (["我", "很", "擔心", "食安"], "懼"),
        (["這種", "官僚", "作風", "讓", "人", "噁心"], "惡"),
        (["竟然", "是", "這樣", "，", "太", "震驚", "了"], "驚"),
    ],
)
def test_obvious_sentences(scorer, tokens, category):
    result = one(scorer, tokens)
    assert result["dominant"] == category
    assert result["counts"][category] >= 1


def test_degree_adverbs_scale_intensity(scorer):
    plain = one(scorer, ["我", "開心"])["intensity"]["樂"]
    very = one(scorer, ["我", "非常", "開心"])["intensity"]["樂"]
    slightly = one(scorer, ["我", "有點", "開心"])["intensity"]["樂"]
    assert slightly < plain < very


def test_negation(scorer):
    # A negated positive feeling is the opposite feeling, at half strength.
    unhappy = one(scorer, ["我", "不", "開心"])
    assert unhappy["counts"]["樂"] == 0
    assert unhappy["dominant"] == "哀"
    dislike = one(scorer, ["我", "不", "喜歡", "這個", "方案"])
    assert dislike["dominant"] == "惡"
    # Denying a negative feeling does not express its opposite: nothing is counted.
    assert one(scorer, ["我", "不", "害怕"])["dominant"] is None
    assert one(scorer, ["我", "沒有", "生氣"])["dominant"] is None
    # A fused token from the segmenter (不開心) is split the same way.
    assert one(scorer, ["我", "不開心"])["dominant"] == "哀"


def test_empty_input(scorer):
    assert scorer.run([]) == []
    result = one(scorer, [])
    assert result["dominant"] is None
    assert sum(result["counts"].values()) == 0
    assert one(scorer, ["政府", "公告", "，"])["dominant"] is None


def test_pure_emoji(scorer):
    result = one(scorer, ["😭", "😭", "💔"])
    assert result["counts"]["哀"] == 3
    assert result["dominant"] == "哀"
    assert one(scorer, ["😡"])["dominant"] == "怒"


def test_ten_thousand_characters(scorer):
    sentence = ["我", "很", "生氣", "，", "也", "很", "失望", "。"]  # 12 characters
    tokens = sentence * (10_000 // 12 + 1)
    result = one(scorer, tokens)
    assert result["counts"]["怒"] == len(tokens) // len(sentence)
    assert result["counts"]["哀"] == result["counts"]["怒"]
    assert result["dominant"] in {"怒", "哀"}


def test_mixed_simplified_traditional_english(scorer):
    import opencc

    # The pipeline normalises Simplified to Taiwan Traditional before segmenting.
    text = opencc.OpenCC("s2twp").convert("我很生气")
    assert text == "我很生氣"
    assert one(scorer, ["我", "很", "生氣"])["dominant"] == "怒"
    mixed = one(scorer, ["This", "policy", "讓", "我", "很", "开心", "也", "很", "憤怒", "XD"])
    assert mixed["counts"]["怒"] == 1
    assert mixed["counts"]["樂"] == 1  # XD, matched case-insensitively; 开心 needs normalising


def test_lexicon_covers_every_category():
    lexicon = load_emotions()
    per_category = dict.fromkeys(EMOTION_CATEGORIES, 0)
    for category, strength in lexicon.values():
        per_category[category] += 1
        assert strength in (1, 3, 5, 7, 9)
    assert all(count >= 40 for count in per_category.values()), per_category
