"""Keyword stage: TF-IDF over the shipped IDF table blended with TextRank, phrases kept whole."""

import functools
import logging

import pytest

from sentiment.nlp.keywords import KeywordExtractor, content_key, merge_phrases


@functools.cache
def _tools():
    # A private jieba tokenizer (these tests do not depend on the project segmenter), run on a
    # Simplified copy and mapped back by offset, as sentiment/scripts/build_lexicons.py does.
    import jieba
    import opencc

    jieba.setLogLevel(logging.WARNING)
    return jieba.Tokenizer(), opencc.OpenCC("t2s")


def cut(text: str) -> list[str]:
    tokenizer, t2s = _tools()
    simplified = t2s.convert(text)
    assert len(simplified) == len(text)
    out, pos = [], 0
    for word in tokenizer.cut(simplified):
        out.append(text[pos : pos + len(word)])
        pos += len(word)
    return [t for t in out if t.strip()]


def words(result: list[dict]) -> list[str]:
    return [item["word"] for item in result]


@pytest.fixture(scope="module")
def kw():
    return KeywordExtractor()


# An excerpt of a vTaiwan comment (Pol.is export of the 2015 UberX consultation). Data was
# gathered using the Polis software (compdemocracy.org/polis) and is sub-licensed under CC BY 4.0
# with Attribution to The Computational Democracy Project.
VTAIWAN = (
    "Uber 對司機 乘客有個評分制度 對司機而言在達不到要求的分數後 會進行停機及再教育的處置 "
    "而計程車就算再惡劣 因為有政府核發的營業許可他仍舊可以上線開車"
)


def test_normal_text_gives_ranked_content_words(kw):
    [result] = kw.run([cut(VTAIWAN)], top_k=8)
    assert 0 < len(result) <= 8
    assert all(set(item) == {"word", "score"} for item in result)
    scores = [item["score"] for item in result]
    assert scores == sorted(scores, reverse=True)
    found = words(result)
    assert found[0] == "司機"  # the only content word used twice
    assert "處置" in found
    for function_word in ("的", "而", "對", "在", "就算", "可以"):
        assert function_word not in found


def test_empty_inputs(kw):
    assert kw.run([]) == []
    assert kw.run([[]]) == [[]]
    assert kw.run([["", " "]]) == [[]]
    assert kw.run([["政府"]], top_k=0) == [[]]
    assert kw.corpus_keywords([]) == []
    assert kw.corpus_keywords([[], []]) == []


def test_ten_thousand_characters(kw):
    paragraph = "長期照顧政策需要更多的居家服務人力，偏鄉的交通與醫療資源也應該一起改善。"
    text = (paragraph * (10_000 // len(paragraph) + 1))[:10_000]
    [result] = kw.run([cut(text)], top_k=5)
    assert len(result) == 5
    assert "居家服務" in words(result) or "人力" in words(result)


def test_pure_emoji_and_punctuation_give_nothing(kw):
    assert kw.run([["😀", "😡", "👍🏻", "！", "……", "?"]]) == [[]]


def test_drops_numbers_placeholders_and_function_characters(kw):
    tokens = ["⟨URL⟩", "⟨", "@", "⟩", "2024", "3.5", "103年", "第三", "的", "了", "稅", "空污"]
    found = words(kw.run([tokens])[0])
    assert found[0] == "空污"
    assert "稅" in found  # a single content character stays (at half weight)
    for dropped in ("⟨URL⟩", "@", "URL", "2024", "3.5", "103年", "第三", "的", "了"):
        assert dropped not in found
    assert content_key("⟨URL⟩") is None
    assert content_key("，") is None


def test_mixed_simplified_traditional_english(kw):
    tokens = cut("政府应该支持COVID-19疫苗，台灣的Uber司機也要保險 and insurance")
    found = words(kw.run([tokens])[0])
    assert "COVID-19" in found
    assert "Uber" in found
    assert "疫苗" in found


@pytest.mark.parametrize(
    ("tokens", "phrase"),
    [
        (["長", "照", "2.0", "政策"], "長照2.0"),
        (["長照", "2.0", "政策"], "長照2.0"),
        (["前瞻", "基礎", "建設", "預算"], "前瞻基礎建設"),
        (["前瞻", "基礎建設", "預算"], "前瞻基礎建設"),
        (["推動", "工業", "4.0"], "工業4.0"),
        (["Web", "2.0", "服務"], "Web 2.0"),
        (["COVID", "-", "19", "疫苗"], "COVID-19"),
    ],
)
def test_phrases_are_kept_whole(kw, tokens, phrase):
    assert phrase in words(kw.run([tokens])[0])


def test_phrase_merging_helper():
    assert merge_phrases(["長", "照", "2.0"], {"長照2.0"}) == ["長照2.0"]
    assert merge_phrases(["我", "們"], set()) == ["我", "們"]


def test_collocations_of_the_text_itself_are_joined(kw):
    tokens = ["智慧", "電網", "很", "重要", "，", "智慧", "電網", "要", "加速"]
    assert "智慧電網" in words(kw.run([tokens])[0])


def test_keywords_do_not_depend_on_the_batch(kw):
    a = cut("捷運延伸到偏鄉可以改善交通")
    b = cut("空氣污染讓人擔心，火力發電廠應該減煤")
    assert kw.run([a, b])[0] == kw.run([a])[0]
    assert kw.run([a]) == kw.run([a])


def test_corpus_keywords_blend_collection(kw):
    texts = [
        "Uber 應該納管，計程車司機要有保險",
        "計程車 產業 需要 轉型，Uber 帶來 競爭",
        "乘客 安全 最重要，司機 要 考照",
        "政府 應該 保障 乘客 與 司機",
        "多元化計程車 方案 可以 試辦",
    ]
    result = kw.corpus_keywords([cut(t) for t in texts], top_k=10)
    assert 0 < len(result) <= 10
    assert all({"word", "score", "texts"} <= set(item) for item in result)
    assert "司機" in words(result)
    top = {item["word"]: item for item in result}
    assert top["司機"]["texts"] == 3
    assert "多元化計程車" in top  # a shipped civic phrase, kept whole
    scores = [item["score"] for item in result]
    assert scores == sorted(scores, reverse=True)
