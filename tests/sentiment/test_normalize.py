"""Stage 1: normalisation gives later stages one canonical form of a text."""

import pytest

from sentiment.nlp.normalize import (
    EMAIL_PLACEHOLDER,
    MENTION_PLACEHOLDER,
    URL_PLACEHOLDER,
    Normalizer,
    normalize_text,
)


def test_full_width_latin_and_digits_become_half_width():
    assert normalize_text("ＧＰＭｎｅｔ　２．０") == "GPMnet 2.0"


def test_whitespace_collapsed_and_zero_width_removed():
    assert normalize_text("  長照\u200b2.0 \t\n 好\ufeff  ") == "長照2.0 好"


def test_urls_mentions_and_emails_become_placeholders():
    text = "請看 https://join.gov.tw/policies/1?x=2 和 www.ndc.gov.tw，@小明 寫信到 a.b@gov.tw"
    assert normalize_text(text) == (
        f"請看 {URL_PLACEHOLDER} 和 {URL_PLACEHOLDER} , {MENTION_PLACEHOLDER} 寫信到 "
        f"{EMAIL_PLACEHOLDER}"
    )


def test_emoji_kept_whole_including_joined_sequences():
    family = "👨\u200d👩\u200d👧"
    assert normalize_text(f"讚👍🏻{family}❤️") == f"讚👍🏻{family}❤️"


def test_simplified_converted_to_taiwan_traditional():
    assert normalize_text("这个软件的信息很有用") == "這個軟體的資訊很有用"


def test_traditional_text_left_alone_by_phrase_conversion():
    # s2twp would rewrite some Taiwan words if applied blindly; text without Simplified
    # characters is not converted at all.
    text = "皇后的頭髮很乾淨，這份計畫的質量管理"
    assert normalize_text(text) == text.replace("，", ",")


def test_mixed_simplified_traditional_english():
    assert (
        normalize_text("政府的App体验很差 but 長照2.0 不错") == "政府的App體驗很差 but 長照2.0 不錯"
    )


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b", None])
def test_empty_input(text):
    assert normalize_text(text) == ""


def test_long_text_is_normalised_whole():
    text = "長照政策需要更多人力。" * 1000
    assert len(text) == 11_000
    assert normalize_text(text) == text.replace("。", "。")


def test_batch_stage_keeps_order_and_length():
    assert Normalizer().run(["ａ", "", "b"]) == ["a", "", "b"]
