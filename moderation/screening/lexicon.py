"""Abuse, hate and threat detection with a Traditional Chinese lexicon that survives evasions.

The text is folded into a *skeleton* before matching, keeping a map back to the original spans:

1. NFKC (full-width letters/digits/symbols to ASCII) and lower case;
2. Simplified to Taiwan Traditional with OpenCC ``s2twp`` (操你妈→操你媽, 鸡掰→雞掰);
3. romanised spellings to characters (``gan ni niang``, ``kaobei``, ``fuck``, ``sb`` as a word),
   letters may be separated by spaces or symbols (``f*ck``, ``k.a.o b.e.i``);
4. homophones and common substitutions per character (干/淦/肏→幹, 杯→北, 妳/尼→你, 雞→機…);
5. 注音 spellings to characters (ㄍㄢˋ→幹, ㄎㄅ→靠北, ㄅㄑ→北七), tone marks ignored;
6. separators removed: spaces, punctuation, symbols, emoji, digits and leftover Latin letters
   (幹 你 娘, 幹*你*娘, 幹😡你😡娘 all become 幹你娘).

Lexicon terms (``lexicon/abuse.tsv``) go through the same folding, so 干你娘 and 幹你娘 are one
term. A hit that overlaps a civic compound from ``lexicon/allowlist.txt`` (幹部, 幹線, 垃圾車,
垃圾分類, 死亡…), also folded, is ignored. The single character 幹 is only an expletive when it
stands alone (not inside a word), which is checked before separators are removed.

Everything is built lazily, once per process (``get_lexicon()``).
"""

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moderation.screening.text import Folded, nfkc_fold, rewrite
from moderation.screening.types import Reason

CHECK_NAME = "lexicon"
LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"

# Romanised (pinyin, Taiwanese POJ-ish, English) spellings → characters. Keys of WORDS must be a
# whole Latin word (possibly spaced out: "s b"); keys of SUBSTRINGS may sit inside a longer run.
ROMAN_WORDS = {
    "sb": "傻逼",
    "tmd": "他媽的",
    "nmsl": "你媽死了",
    "cnm": "操你媽",
    "gy": "機掰",
    "kb": "靠北",
    "fk": "幹",
    "fck": "幹",
    "fuk": "幹",
    "gan": "幹",
    "kao": "靠",
    "bei": "北",
    "ni": "你",
    "niang": "娘",
    "laji": "垃圾",
    "lese": "垃圾",
    "qusi": "去死",
    "idiot": "白癡",
}
ROMAN_SUBSTRINGS = {
    "ganniniang": "幹你娘",
    "ganlinniang": "幹你娘",
    "ganninia": "幹你娘",
    "gannina": "幹你娘",
    "kaobei": "靠北",
    "kaopei": "靠北",
    "kaobeh": "靠北",
    "caonima": "草泥馬",
    "shabi": "傻逼",
    "zhizhang": "智障",
    "baichi": "白癡",
    "naocan": "腦殘",
    "fuck": "幹",
    "fxck": "幹",
    "phuck": "幹",
    "bitch": "婊子",
    "shaxiao": "殺小",
}
# Single-character homophones and substitutions (applied after OpenCC).
HOMOPHONES = {
    "干": "幹",
    "淦": "幹",
    "肏": "幹",
    "杯": "北",
    "妳": "你",
    "祢": "你",
    "尼": "你",
    "恁": "你",
    "林": "你",
    "孃": "娘",
    "釀": "娘",
    "痴": "癡",
    "雞": "機",
    "歪": "掰",
    "臺": "台",
}
# 注音 spellings (tone marks are removed before this step), longest first.
ZHUYIN = {
    "ㄍㄢㄋㄧㄋㄧㄤ": "幹你娘",
    "ㄍㄋㄋ": "幹你娘",
    "ㄎㄠㄅㄟ": "靠北",
    "ㄎㄅ": "靠北",
    "ㄅㄑ": "北七",
    "ㄓㄓㄤ": "智障",
    "ㄓㄤ": "障",
    "ㄍㄢ": "幹",
    "ㄋㄧㄤ": "娘",
    "ㄋㄧ": "你",
    "ㄑㄩ": "去",
    "ㄙ": "死",
    "ㄍ": "幹",
}

_LETTER_SEP = r"[\W_]*"
_ROMAN_RE = re.compile(
    "|".join(
        [
            r"(?<![a-z])" + _LETTER_SEP.join(re.escape(c) for c in key) + r"(?![a-z])"
            for key in sorted(ROMAN_WORDS, key=len, reverse=True)
        ]
        + [
            _LETTER_SEP.join(re.escape(c) for c in key)
            for key in sorted(ROMAN_SUBSTRINGS, key=len, reverse=True)
        ]
    )
)
_ROMAN_ALL = {**ROMAN_WORDS, **ROMAN_SUBSTRINGS}
_NON_LETTER_RE = re.compile(r"[\W_]+")
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SEPARATORS_RE = re.compile(r"[^" + _HAN + r"\u3105-\u312f]+")
_ZHUYIN_SEP = r"[\W_ˊˇˋ˙]*"
_ZHUYIN_RE = re.compile(
    "|".join(_ZHUYIN_SEP.join(key) + "[ˊˇˋ˙]?" for key in sorted(ZHUYIN, key=len, reverse=True))
)
_ZHUYIN_STRIP_RE = re.compile(r"[^\u3105-\u312f]+")
_STANDALONE_GAN_RE = re.compile(r"(?<![" + _HAN + r"])幹(?:[啦喔勒咧啊阿]|(?![" + _HAN + r"]))")
_HOMOPHONE_TABLE = str.maketrans(HOMOPHONES)

MESSAGES = {
    "abuse": "內容含有辱罵或粗俗字詞。請就事論事，避免人身攻擊。",
    "hate": "內容含有對特定族群的仇恨或歧視字詞。",
    "threat": "內容含有威脅或暴力字詞，將暫緩公開並由管理員審查。",
}


@functools.cache
def _converter():
    import opencc

    return opencc.OpenCC("s2twp")


@functools.cache
def _convert_char(ch: str) -> str:
    out = _converter().convert(ch)
    return out if len(out) == 1 else ch


def _s2tw(folded: Folded) -> Folded:
    text = folded.text
    if text.isascii():
        return folded
    converted = _converter().convert(text)
    if len(converted) != len(text):  # phrase conversion changed the length: go character-wise
        converted = "".join(_convert_char(ch) for ch in text)
    return Folded(converted, folded.spans)


def fold_stages(text: str) -> tuple[Folded, Folded]:
    """(spaced, skeleton): the folded text before and after separators are removed."""
    folded = nfkc_fold(text)
    lowered = folded.text.lower()
    if len(lowered) != len(folded.text):
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in folded.text)
    folded = Folded(lowered, folded.spans)
    folded = _s2tw(folded)
    if re.search(r"[a-z]", folded.text):
        folded = rewrite(folded, _ROMAN_RE, lambda m: _ROMAN_ALL[_NON_LETTER_RE.sub("", m.group())])
    spaced = Folded(folded.text.translate(_HOMOPHONE_TABLE), folded.spans)
    if re.search("[\u3105-\u312f]", spaced.text):
        spaced = rewrite(spaced, _ZHUYIN_RE, lambda m: ZHUYIN[_ZHUYIN_STRIP_RE.sub("", m.group())])
    skeleton = rewrite(spaced, _SEPARATORS_RE, lambda m: "")
    return spaced, skeleton


def skeleton_of(text: str) -> str:
    return fold_stages(text)[1].text


@dataclass(frozen=True, slots=True)
class Entry:
    term: str
    category: str
    severity: int


@dataclass(slots=True)
class Lexicon:
    literal_re: re.Pattern[str] | None
    literals: dict[str, Entry]
    patterns: list[tuple[re.Pattern[str], Entry]]
    allow_re: re.Pattern[str] | None


def _read_lines(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def _alternation(terms) -> re.Pattern[str] | None:
    terms = sorted(set(terms), key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in terms)) if terms else None


@functools.cache
def get_lexicon() -> Lexicon:
    literals: dict[str, Entry] = {}
    patterns: list[tuple[re.Pattern[str], Entry]] = []
    for line in _read_lines(LEXICON_DIR / "abuse.tsv"):
        term, category, severity = line.split("\t")
        entry = Entry(term, category, int(severity))
        if term.startswith("re:"):
            patterns.append((re.compile(term[3:]), entry))
        else:
            key = skeleton_of(term)
            if key and (key not in literals or literals[key].severity < entry.severity):
                literals[key] = entry
    allow = [skeleton_of(w) for w in _read_lines(LEXICON_DIR / "allowlist.txt")]
    return Lexicon(_alternation(literals), literals, patterns, _alternation(allow))


def _allowed_offsets(lexicon: Lexicon, skeleton: str) -> list[tuple[int, int]]:
    if lexicon.allow_re is None:
        return []
    # Overlapping allowlist hits: search again from each start + 1.
    spans = []
    pos = 0
    while (m := lexicon.allow_re.search(skeleton, pos)) is not None:
        spans.append(m.span())
        pos = m.start() + 1
    return spans


def find_abuse(text: str) -> list[Reason]:
    lexicon = get_lexicon()
    spaced, skeleton = fold_stages(text)
    sk = skeleton.text
    hits: list[tuple[int, int, Entry, Folded]] = []
    if lexicon.literal_re is not None:
        hits.extend((m.start(), m.end(), lexicon.literals[m.group()], skeleton) for m in
                    lexicon.literal_re.finditer(sk))  # fmt: skip
    for pattern, entry in lexicon.patterns:
        hits.extend((m.start(), m.end(), entry, skeleton) for m in pattern.finditer(sk))
    allowed = _allowed_offsets(lexicon, sk) if hits else []
    kept: list[tuple[tuple[int, int], Entry]] = []
    for start, end, entry, folded in hits:
        if any(start < ae and as_ < end for as_, ae in allowed):
            continue
        span = folded.original_span(start, end)
        if any(span[0] < e and s < span[1] and k.category == entry.category for (s, e), k in kept):
            continue
        kept.append((span, entry))
    for m in _STANDALONE_GAN_RE.finditer(spaced.text):
        span = spaced.original_span(m.start(), m.start() + 1)
        if not any(span[0] < e and s < span[1] for (s, e), _ in kept):
            kept.append((span, Entry("幹", "abuse", 1)))
    kept.sort(key=lambda item: item[0])
    return [
        Reason(
            check=CHECK_NAME,
            rule=entry.category,
            span=span,
            severity=entry.severity,
            mask=False,
            message_zh=MESSAGES[entry.category],
            kind=entry.term,
        )
        for span, entry in kept
    ]


class LexiconCheck:
    name = CHECK_NAME

    def check(self, text: str, context: Mapping[str, Any]) -> list[Reason]:
        return find_abuse(text)
