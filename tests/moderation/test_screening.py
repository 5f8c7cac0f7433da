import pytest

from moderation.rules import RULES
from moderation.screening import (
    DEFAULT_CHECKS,
    ScreeningResult,
    apply_masks,
    clean_text,
    decide_outcome,
    screen,
)
from moderation.screening.lexicon import find_abuse, skeleton_of
from moderation.screening.spam import SubmissionRateCheck, find_spam
from moderation.screening.text import MAX_LENGTH
from moderation.screening.types import Reason


def rules(text, **context):
    return [r.rule for r in screen(text, context=context).reasons]


# --- abuse, hate, threats and their evasions -------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "幹你娘",
        "幹 你 娘",
        "幹*你*娘",
        "幹.你.娘.的",
        "幹😡你😡娘",
        "干你娘",
        "肏你娘",
        "ㄍㄋㄋ",
        "ㄍㄢˋ你娘",
        "gan ni niang",
        "G A N NI NIANG",
        "ｇａｎ ｎｉ ｎｉａｎｇ",
        "操你妈",
        "操 你 媽",
    ],
)
def test_severe_abuse_evasions_are_caught_and_held(text):
    result = screen(text)
    assert "abuse" in [r.rule for r in result.reasons]
    assert result.outcome == "hold"


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("靠北喔", "靠北"),
        ("靠杯", "靠北"),
        ("ㄎㄅ", "靠北"),
        ("kao bei", "靠北"),
        ("淦", "幹"),
        ("ㄍㄢˋ", "幹"),
        ("幹！這什麼政策", "幹"),
        ("fuck", "幹"),
        ("F*CK", "幹"),
        ("北七", "北七"),
        ("ㄅㄑ", "北七"),
        ("白痴", "白癡"),
        ("白癡", "白癡"),
        ("智 障", "智障"),
        ("破*麻", "破麻"),
        ("傻逼", "傻逼"),
        ("s b", "傻逼"),
        ("你是垃圾", "垃圾"),
    ],
)
def test_lexicon_terms_with_evasions(text, term):
    reasons = find_abuse(text)
    assert [r.kind for r in reasons] == [term]
    assert reasons[0].rule == "abuse"


def test_span_of_an_evaded_term_covers_the_original_characters():
    text = "官員 幹 * 你 * 娘 啦"
    [reason] = find_abuse(text)
    assert text[reason.span[0] : reason.span[1]] == "幹 * 你 * 娘"


def test_mild_abuse_is_recorded_but_published():
    result = screen("靠北喔，健保費又漲")
    assert result.outcome == "publish"
    assert [r.rule for r in result.reasons] == ["abuse"]


@pytest.mark.parametrize("text", ["支那人滾出去", "中國豬", "死同性戀", "黑鬼"])
def test_hate_is_held(text):
    result = screen(text)
    assert "hate" in [r.rule for r in result.reasons]
    assert result.outcome == "hold"


@pytest.mark.parametrize(
    "text",
    [
        "我要殺了你",
        "去死",
        "你去死吧",
        "去 死 啦",
        "ㄑㄩˋ ㄙˇ",
        "qu si",
        "明天把立法院炸掉",
        "小心你的家人",
        "你的家人小心一點",
        "我知道你住哪",
        "我會砍死你",
        "你死定了",
    ],
)
def test_threats_are_always_held(text):
    result = screen(text)
    assert "threat" in [r.rule for r in result.reasons]
    assert result.outcome == "hold"


@pytest.mark.parametrize(
    "text",
    [
        "村里幹部反映經費不足",
        "幹線道路的行人安全",
        "幹道拓寬工程",
        "垃圾車的收運時間",
        "垃圾分類的標準",
        "希望增加垃圾桶",
        "交通事故死亡人數仍高",
        "去死亡率最高的路口看看",
        "死刑存廢應該公投",
        "若干條文需要修正",
        "不應干擾健保給付",
        "政府不應干預",
        "幹嘛不公開會議紀錄",
        "停車場入口靠北側",
        "颱風時低能見度",
        "政府砍了你們的補助",
        "我們要打造智慧城市",
        "炸雞店的油煙",
        "要殺價也要有依據",
        "usb 充電座",
        "幹細胞治療法規",
    ],
)
def test_civic_compounds_are_not_flagged(text):
    result = screen(text)
    assert result.reasons == ()
    assert result.outcome == "publish"


def test_skeleton_folds_simplified_homophones_zhuyin_and_pinyin():
    assert skeleton_of("干 你 孃") == "幹你娘"
    assert skeleton_of("ＫＡＯ ＢＥＩ") == "靠北"
    assert skeleton_of("ㄎㄠˋ ㄅㄟˇ") == "靠北"
    assert skeleton_of("傻逼！") == "傻逼"


# --- spam -------------------------------------------------------------------------------------


def test_link_heavy_text_is_held():
    text = " ".join(f"https://example.com/{i}" for i in range(4))
    result = screen(text)
    assert rules(text) == ["spam-links"]
    assert result.outcome == "hold"


def test_link_flood_is_rejected():
    text = " ".join(f"https://example.com/{i}" for i in range(12))
    assert screen(text).outcome == "reject"


def test_one_reference_link_is_fine():
    assert screen("法規原文在 https://law.moj.gov.tw 可以查到").outcome == "publish"


def test_known_spam_domain_is_rejected():
    result = screen("賺錢 https://www.lucky-slots.example/join 快來")
    assert [r.rule for r in result.reasons] == ["spam-domain"]
    assert result.outcome == "reject"
    assert screen("娛樂城 casino-tw.win 送500").outcome == "reject"


def test_repetition():
    assert screen("頂頂頂頂頂頂頂頂頂頂").outcome == "hold"
    assert screen("支持支持支持支持支持支持").outcome == "hold"
    assert screen("哈" * 80).outcome == "reject"
    long = "我支持這個草案，因為它回應了偏鄉長照的需求，也兼顧了財政。" * 2 + "讚" * 10
    reasons = find_spam(long)
    assert [(r.rule, r.severity) for r in reasons] == [("spam-repetition", 1)]
    assert screen(long).outcome == "publish"
    assert screen("我支持！！！希望盡快通過。").reasons == ()


def test_submission_rate_hook_uses_context_counts():
    check = SubmissionRateCheck()
    assert check.check("x", {}) == []
    assert check.check("x", {"user_recent_submissions": 5}) == []
    [flood] = check.check("x", {"user_recent_submissions": 6})
    assert (flood.rule, flood.severity) == ("spam-flood", 2)
    assert screen("好政策", context={"ip_recent_submissions": 21}).outcome == "hold"
    assert screen("好政策", context={"ip_recent_submissions": 60}).outcome == "reject"
    assert screen("好政策", context={"near_duplicates": 3}).outcome == "hold"
    context = {"near_duplicates": 3, "duplicate_limit": 5}
    assert screen("好政策", context=context).outcome == "publish"


# --- unsafe text ------------------------------------------------------------------------------


def test_clean_text_removes_controls_bidi_and_zero_width():
    text = "a\u202eb\u2066c\u2069d\u200be\u200df\ufeffg\x00h\x1bi\u2028j\r\nk\tl"
    assert clean_text(text) == "abcdefghij\nk\tl"


def test_clean_text_bounds_length():
    assert len(clean_text("長" * (MAX_LENGTH + 5))) == MAX_LENGTH
    assert clean_text("長照" * 5, max_length=3) == "長照長"


def test_unsafe_characters_are_reported_and_removed():
    text = "支持\u202e草案\u200b\u200b"
    result = screen(text)
    assert [(r.rule, r.kind, r.span) for r in result.reasons] == [
        ("unsafe-text", "bidi", (2, 3)),
        ("unsafe-text", "zero-width", (5, 7)),
    ]
    assert result.published_text == "支持草案"
    assert result.outcome == "publish"


def test_over_long_text_is_bounded():
    result = screen("政策" * (MAX_LENGTH // 2 + 5))
    assert len(result.published_text) == MAX_LENGTH
    assert any(r.kind == "too-long" for r in result.reasons)


# --- outcome rules and contract ---------------------------------------------------------------


def _reason(rule, severity, mask=False):
    return Reason("x", rule, (0, 1), severity, mask, "說明")


@pytest.mark.parametrize(
    ("reasons", "outcome"),
    [
        ([], "publish"),
        ([_reason("unsafe-text", 1)], "publish"),
        ([_reason("abuse", 1)], "publish"),
        ([_reason("personal-data", 1, mask=True)], "publish_masked"),
        ([_reason("personal-data", 1, mask=True), _reason("abuse", 2)], "hold"),
        ([_reason("threat", 1)], "hold"),
        ([_reason("abuse", 3)], "hold"),
        ([_reason("hate", 3)], "hold"),
        ([_reason("spam-links", 2)], "hold"),
        ([_reason("spam-domain", 3), _reason("threat", 3)], "reject"),
        ([_reason("spam-repetition", 3)], "reject"),
    ],
)
def test_outcome_rules(reasons, outcome):
    assert decide_outcome(reasons) == outcome


def test_personal_data_is_masked_even_when_held():
    result = screen("智障，打0912-345-678給我")
    assert result.outcome == "hold"
    assert result.published_text == "智障，打0912-***-678給我"


def test_every_reason_points_to_a_house_rule_with_a_message():
    text = (
        "幹你娘 A123456789 去死 " + " ".join(f"https://x.example/{i}" for i in range(4)) + "\u202e"
    )
    result = screen(text, context={"user_recent_submissions": 99, "near_duplicates": 9})
    assert {r.check for r in result.reasons} == {c.name for c in DEFAULT_CHECKS}
    for reason in result.reasons:
        assert reason.rule in RULES
        assert reason.message_zh
        assert 0 <= reason.span[0] < reason.span[1] <= len(text)


def test_as_dict_contract():
    result = screen("手機 0912345678")
    assert isinstance(result, ScreeningResult)
    assert result.as_dict() == {
        "outcome": "publish_masked",
        "reasons": [{"check": "personal_data", "rule": "personal-data", "span": [3, 13]}],
        "published_text": "手機 0912***678",
    }


def test_apply_masks_ignores_overlaps():
    a = Reason("c", "personal-data", (0, 4), 1, True, "m", replacement="****")
    b = Reason("c", "personal-data", (2, 6), 1, True, "m", replacement="xxxx")
    assert apply_masks("abcdefg", [a, b]) == "****efg"
