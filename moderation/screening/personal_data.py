"""Personal data (個人資料) detection and masking.

Matching runs on the NFKC-folded text, so full-width digits and letters (Ａ１２３…, ０９１２…) are
found; spans and masks are mapped back to the original characters, which keep their width.

Detectors, in priority order (an earlier detector wins where two matches overlap):

========================  ===================================================  ==================
kind                      pattern                                              masked as
========================  ===================================================  ==================
national-id               letter + 1|2 + 8 digits, official check digit        A12****789
resident-cert (new, 2021) letter + 8|9 + 8 digits, same check digit            A81****789
resident-cert (old)       two letters + 8 digits, old check digit               AB1****789
credit-card               13–19 digits, spaces/dashes, IIN 2–6, Luhn valid      **** **** **** 1234
email                     local@domain.tld                                      w***@example.org
bank-account              10–16 digits within 15 characters after 帳號, 帳戶,       ******7890
                          戶頭, 匯款, 轉帳, 匯到/匯入/匯至, 戶名, 銀行, 郵局,
                          optionally after a 3-digit bank code "(822)" or
                          "822-"; numbers outside such a context are not
                          taken for accounts (too many false positives)
mobile                    09 + 8 digits, any single space/dash/dot between       0912-***-678
                          digits (0912-345-678, 09 1234 5678), +886 9…
landline                  (02) 2345-6789, 02-2345-6789, 07 123 4567, a 7–8      02-****-*789
                          digit number split 3+4, 4+4 or 4+3,
                          +886-2-…, unseparated 0[2-8] + 7–8 digits, with
                          an optional extension (#123, 分機 123, ext. 123)
address                   [city 縣/市] [district 區/鄉/鎮/市] [里/村 鄰]           …路二段**巷**號
                          road 路/街/大道 [段] [巷] [弄] number 號 [樓]; needs
                          a city or district and a house number; 台/臺 both
========================  ===================================================  ==================

IDs with an invalid check digit are deliberately NOT flagged (they are not real numbers, and
flagging them would mask order numbers and the like).
"""

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from moderation.screening.text import Folded, nfkc_fold
from moderation.screening.types import NOTE, Reason

CHECK_NAME = "personal_data"
RULE = "personal-data"

# Letter values of the national ID / resident certificate check-digit algorithm.
LETTER_CODES = {
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "I": 34, "J": 18,
    "K": 19, "L": 20, "M": 21, "N": 22, "O": 35, "P": 23, "Q": 24, "R": 25, "S": 26, "T": 27,
    "U": 28, "V": 29, "W": 32, "X": 30, "Y": 31, "Z": 33,
}  # fmt: skip
_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)


def _checksum_ok(values: list[int]) -> bool:
    return sum(v * w for v, w in zip(values, _WEIGHTS, strict=True)) % 10 == 0


def is_valid_national_id(value: str) -> bool:
    """Taiwan national ID (or new-format resident certificate, 2nd digit 8/9) check digit."""
    value = value.upper()
    if not re.fullmatch(r"[A-Z][1289]\d{8}", value):
        return False
    code = LETTER_CODES[value[0]]
    return _checksum_ok([code // 10, code % 10, *map(int, value[1:])])


def is_valid_old_resident_cert(value: str) -> bool:
    """Old-format resident certificate (two letters + 8 digits): the second letter counts as the
    last digit of its letter code."""
    value = value.upper()
    if not re.fullmatch(r"[A-Z][A-D]\d{8}", value):
        return False
    code = LETTER_CODES[value[0]]
    return _checksum_ok([code // 10, code % 10, LETTER_CODES[value[1]] % 10, *map(int, value[2:])])


def national_id_check_digit(prefix: str) -> int:
    """The check digit completing a 9-character prefix (letter + 8 digits)."""
    code = LETTER_CODES[prefix[0].upper()]
    values = [code // 10, code % 10, *map(int, prefix[1:])]
    total = sum(v * w for v, w in zip(values, _WEIGHTS[:10], strict=True))
    return (10 - total % 10) % 10


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


_SEP = r"[\s\-.]"
_ID_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][1289]\d{8}(?![0-9])")
_OLD_ARC_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Da-d]\d{8}(?![0-9])")
# The same numbers written with spaces, dashes or dots between characters (A 123 456 789).
_ID_SPACED_RE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z](?:[ \-.]?[A-Za-z0-9]){9}(?![A-Za-z0-9])")
_CARD_RE = re.compile(r"(?<![\d\-])\d(?:[ \-]?\d){12,18}(?![\d])")
_CARD_PREFIX_RE = re.compile(r"(?:4|5[1-5]|2[2-7]|3[47]|35|6)")
_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
)
_BANK_RE = re.compile(
    r"(?:帳號|帳戶|戶頭|匯款|轉帳|匯到|匯入|匯至|戶名|銀行|郵局|账号|账户|汇款|转账)"
    r"[^\d\n]{0,15}?(?:\(\d{3}\)[\s\-:]*|\d{3}[\s\-]+)?"
    r"(?P<acct>\d(?:[\s\-]?\d){9,15})(?!\d)"
)
_MOBILE_RE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)886S?(?:\(0\))?|0)9(?:S?\d){8}(?!\d)".replace("S", _SEP)
)
_LANDLINE_RE = re.compile(
    (
        r"(?<![\d+])(?:"
        r"(?P<area>\(0\d{1,3}\)\s?|0[2-8]\d{0,2}S|(?:\+|00)886S?[2-8]\d{0,2}S?)"
        r"(?P<core>\d{3,4}S?\d{3,4})"
        r"|(?P<area2>0[2-8])(?P<core2>\d{7,8})"
        r")(?P<ext>\s*(?:#|分機|轉|ext\.?|x)\s*\d{1,5})?(?!\d)"
    ).replace("S", _SEP),
    re.IGNORECASE,
)
_CITY = (
    r"(?:[臺台][北中南東]|新北|桃園|高雄|基隆|新竹|苗栗|彰化|南投|雲林|嘉義|屏東|宜蘭|花蓮"
    r"|澎湖|金門|連江)[縣市]"
)
_CITY_RE = re.compile(_CITY)
_ADDRESS_LEAD = frozenset("我你他她住在於到是址家寄送的為：:")
_DIST = r"[\u4e00-\u9fff]{1,3}?[區鄉鎮市]"
_ADDRESS_RE = re.compile(
    r"(?:" + _CITY + r"(?:" + _DIST + r")?|" + _DIST + r")"
    r"(?:[\u4e00-\u9fff]{1,3}?[里村](?:\d{1,3}鄰)?)?"
    r"[\u4e00-\u9fff0-9]{1,6}?(?:路|街|大道)"
    r"(?:[一二三四五六七八九十0-9]{1,3}段)?"
    r"(?P<tail>(?:\d{1,4}巷)?(?:\d{1,4}弄)?\d{1,5}(?:之\d{1,3})?號(?:\d{1,3}樓(?:之\d{1,3})?)?)"
)

MESSAGES = {
    "national-id": "偵測到身分證字號。為保護個人資料，公開時已遮蔽部分號碼。",
    "resident-cert": "偵測到居留證號碼。為保護個人資料，公開時已遮蔽部分號碼。",
    "credit-card": "偵測到信用卡號。為保護個人資料，公開時只顯示末四碼。",
    "email": "偵測到電子郵件地址。為保護個人資料，公開時已遮蔽部分內容。",
    "bank-account": "偵測到銀行帳號。為保護個人資料，公開時只顯示末四碼。",
    "mobile": "偵測到手機號碼。為保護個人資料，公開時已遮蔽部分號碼。",
    "landline": "偵測到市話號碼。為保護個人資料，公開時已遮蔽部分號碼。",
    "address": "偵測到詳細住址。為保護個人資料，公開時已遮蔽門牌號碼。",
}

# A match: folded [start, end), the folded offsets to mask, and an optional full replacement.
_Match = tuple[int, int, set[int], str | None, str]


def _digit_offsets(text: str, start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if text[i].isdigit()]


def _ids(t: str) -> Iterator[_Match]:
    for m in _ID_RE.finditer(t):
        value = m.group()
        if is_valid_national_id(value):
            kind = "national-id" if value[1] in "12" else "resident-cert"
            yield m.start(), m.end(), set(range(m.start() + 3, m.start() + 7)), None, kind
    for m in _OLD_ARC_RE.finditer(t):
        if is_valid_old_resident_cert(m.group()):
            yield (
                m.start(),
                m.end(),
                set(range(m.start() + 3, m.start() + 7)),
                None,
                "resident-cert",
            )


def _spaced_ids(t: str) -> Iterator[_Match]:
    for m in _ID_SPACED_RE.finditer(t):
        positions = [m.start() + i for i, ch in enumerate(m.group()) if ch.isalnum()]
        value = "".join(t[i] for i in positions)
        if len(positions) == len(m.group()):
            continue  # written without separators: _ids has it
        if is_valid_national_id(value) and value[1] in "1289":
            kind = "national-id" if value[1] in "12" else "resident-cert"
        elif is_valid_old_resident_cert(value):
            kind = "resident-cert"
        else:
            continue
        yield m.start(), m.end(), set(positions[3:7]), None, kind


def _cards(t: str) -> Iterator[_Match]:
    for m in _CARD_RE.finditer(t):
        offsets = _digit_offsets(t, m.start(), m.end())
        digits = "".join(t[i] for i in offsets)
        plausible = 13 <= len(digits) <= 19 and len(set(digits)) > 1
        if plausible and _CARD_PREFIX_RE.match(digits) and luhn_ok(digits):
            yield m.start(), m.end(), set(offsets[:-4]), None, "credit-card"


def _emails(t: str) -> Iterator[_Match]:
    for m in _EMAIL_RE.finditer(t):
        local, _, domain = m.group().partition("@")
        yield m.start(), m.end(), set(), f"{local[0]}***@{domain}", "email"


def _banks(t: str) -> Iterator[_Match]:
    for m in _BANK_RE.finditer(t):
        s, e = m.span("acct")
        offsets = _digit_offsets(t, s, e)
        yield s, e, set(offsets[:-4]), None, "bank-account"


def _mobiles(t: str) -> Iterator[_Match]:
    for m in _MOBILE_RE.finditer(t):
        offsets = _digit_offsets(t, m.start(), m.end())
        yield m.start(), m.end(), set(offsets[-6:-3]), None, "mobile"


def _landlines(t: str) -> Iterator[_Match]:
    for m in _LANDLINE_RE.finditer(t):
        core = "core" if m.group("core") else "core2"
        offsets = _digit_offsets(t, *m.span(core))
        if not 7 <= len(offsets) <= 8:
            continue
        yield m.start(), m.end(), set(offsets[:-3]), None, "landline"


def _addresses(t: str) -> Iterator[_Match]:
    for m in _ADDRESS_RE.finditer(t):
        start = m.start()
        city = _CITY_RE.search(t, start, m.end())
        if city is not None:
            start = city.start()
        while start < m.end() and t[start] in _ADDRESS_LEAD:
            start += 1
        offsets = _digit_offsets(t, *m.span("tail"))
        yield start, m.end(), set(offsets), None, "address"


DETECTORS: tuple[Callable[[str], Iterator[_Match]], ...] = (
    _ids,
    _spaced_ids,
    _cards,
    _emails,
    _banks,
    _mobiles,
    _landlines,
    _addresses,
)


def _to_reason(text: str, folded: Folded, match: _Match) -> Reason:
    start, end, mask_offsets, replacement, kind = match
    o_start, o_end = folded.original_span(start, end)
    if replacement is None:
        masked_orig: set[int] = set()
        for j in mask_offsets:
            masked_orig.update(range(*folded.spans[j]))
        replacement = "".join("*" if i in masked_orig else text[i] for i in range(o_start, o_end))
    return Reason(
        check=CHECK_NAME,
        rule=RULE,
        span=(o_start, o_end),
        severity=NOTE,
        mask=True,
        message_zh=MESSAGES[kind],
        replacement=replacement,
        kind=kind,
    )


def find_personal_data(text: str, folded: Folded | None = None) -> list[Reason]:
    folded = folded or nfkc_fold(text)
    t = folded.text
    if not any(ch.isdigit() or ch == "@" for ch in t):
        return []
    taken: list[tuple[int, int]] = []
    reasons: list[Reason] = []
    for detector in DETECTORS:
        for match in detector(t):
            s, e = match[0], match[1]
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            reasons.append(_to_reason(text, folded, match))
    reasons.sort(key=lambda r: r.span)
    return reasons


class PersonalDataCheck:
    name = CHECK_NAME

    def check(self, text: str, context: Mapping[str, Any]) -> list[Reason]:
        return find_personal_data(text)
