import pytest

from moderation.screening import screen
from moderation.screening.personal_data import (
    find_personal_data,
    is_valid_national_id,
    is_valid_old_resident_cert,
    luhn_ok,
    national_id_check_digit,
)


@pytest.mark.parametrize(
    "value", ["A123456789", "F131104093", "a123456789", "A800000014", "A900000016"]
)
def test_valid_national_ids(value):
    assert is_valid_national_id(value)


@pytest.mark.parametrize(
    "value", ["A123456788", "A323456789", "1123456789", "A12345678", "AB23456789", "A1234567890"]
)
def test_invalid_national_ids(value):
    assert not is_valid_national_id(value)


def test_check_digit_matches_validation():
    for prefix in ["A12345678", "Z29999999", "I10000000", "O28765432", "K81234567"]:
        value = prefix + str(national_id_check_digit(prefix))
        assert is_valid_national_id(value)
        wrong = prefix + str((national_id_check_digit(prefix) + 1) % 10)
        assert not is_valid_national_id(wrong)


def test_old_resident_certificate():
    # A=10, C→12→2: 1*1 + 0*9 + 2*8 + 0*7 + 1*6 + 2*5 + 3*4 + 4*3 + 5*2 + 6*1 + 7 = 90
    assert is_valid_old_resident_cert("AC01234567")
    assert not is_valid_old_resident_cert("AC01234568")
    assert not is_valid_old_resident_cert("AE01234567")


def test_luhn():
    assert luhn_ok("4111111111111111")
    assert not luhn_ok("4111111111111112")


def _one(text):
    reasons = find_personal_data(text)
    assert len(reasons) == 1, reasons
    return reasons[0]


# (kind, the personal data as written, its masked form); each is embedded in a sentence.
CASES = [
    ("national-id", "A123456789", "A12****789"),
    ("national-id", "Ａ１２３４５６７８９", "Ａ１２****７８９"),
    ("resident-cert", "A800000014", "A80****014"),
    ("resident-cert", "ＡＣ０１２３４５６７", "ＡＣ０****５６７"),
    ("mobile", "0912-345-678", "0912-***-678"),
    ("mobile", "０９１２．３４５．６７８", "０９１２．***．６７８"),
    ("mobile", "+886 912 345 678", "+886 912 *** 678"),
    ("landline", "(02)2345-6789", "(02)****-*789"),
    ("landline", "０２－２３４５－６７８９", "０２－****－*７８９"),
    ("landline", "03-5712121#5566", "03-****121#5566"),
    ("email", "wang.xm@example.com.tw", "w***@example.com.tw"),
    ("credit-card", "4111 1111 1111 1111", "**** **** **** 1111"),
    ("credit-card", "４１１１－１１１１－１１１１－１１１１", "****－****－****－１１１１"),
    ("bank-account", "(822)123456789012", "(822)********9012"),
    ("bank-account", "０１２３４５６７８９０", "*******７８９０"),
    ("address", "臺北市大安區和平東路二段106巷3弄5號7樓", "臺北市大安區和平東路二段***巷*弄*號*樓"),
    ("address", "台中市西屯區臺灣大道三段９９號", "台中市西屯區臺灣大道三段**號"),
]
LEADS = {"bank-account": "匯款帳號：", "address": "我住在"}


@pytest.mark.parametrize(("kind", "found", "masked"), CASES)
def test_found_and_masked_with_original_spans(kind, found, masked):
    lead = LEADS.get(kind, "聯絡資料")
    text = f"{lead}{found}，謝謝。"
    reason = _one(text)
    start, end = reason.span
    assert reason.kind == kind
    assert reason.rule == "personal-data"
    assert reason.mask
    if kind == "bank-account":  # the bank code is not personal data: only the number is found
        found, masked = found.removeprefix("(822)"), masked.removeprefix("(822)")
    assert text[start:end] == found
    assert reason.replacement == masked
    assert reason.message_zh


@pytest.mark.parametrize(
    "text",
    [
        "身分證 A123456788 打錯了",
        "訂單編號 A12345678",
        "發票 AB12345678",
        "中正路100號前面",
        "預算 12345678901234 元",
        "卡號 4111 1111 1111 1112",
        "會議在 2024-05-06 14:00",
        "請打 1999 市民專線",
        "統一編號 12345675",
    ],
)
def test_not_personal_data(text):
    assert find_personal_data(text) == []


def test_screen_masks_and_publishes_masked():
    text = "我是王小明，身分證Ａ１２３４５６７８９，手機0912-345-678，信箱 wxm@example.org"
    result = screen(text)
    assert result.outcome == "publish_masked"
    assert result.published_text == (
        "我是王小明，身分證Ａ１２****７８９，手機0912-***-678，信箱 w***@example.org"
    )
    assert [r.rule for r in result.reasons] == ["personal-data"] * 3
    for r in result.reasons:
        assert r.check == "personal_data"


def test_zero_width_inside_an_id_does_not_hide_it():
    text = "A123\u200b456789"
    result = screen(text)
    assert result.published_text == "A12****789"
    assert {r.rule for r in result.reasons} == {"personal-data", "unsafe-text"}


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("身分證 A 123 456 789", "身分證 A 12* *** 789"),
        ("身分證A 1 2 3 4 5 6 7 8 9", "身分證A 1 2 * * * * 7 8 9"),
        ("居留證 a-c0-1234-567", "居留證 a-c0-****-567"),
    ],
)
def test_spaced_id_numbers_are_masked(text, published):
    from moderation.services import screen_text

    assert screen_text(text=text).published_text == published


def test_spaced_letters_and_digits_without_a_valid_check_digit_stay():
    from moderation.services import screen_text

    assert screen_text(text="型號 A 123 456 780").published_text == "型號 A 123 456 780"
