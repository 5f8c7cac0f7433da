"""Text helpers: unsafe-character cleaning and folding with a map back to the original text.

Checks match on a *folded* copy of the text (NFKC, so full-width ０９１２ and Ａ become 0912 and A)
but must report spans in the ORIGINAL text. ``Folded`` keeps, for every folded character, the
(start, end) span of the original characters it came from.
"""

import re
import unicodedata
from dataclasses import dataclass

from minyi.text import BIDI_CHARS, ZERO_WIDTH_CHARS

MAX_LENGTH = 10_000

_KEEP_CONTROLS = frozenset("\n\t")


def unsafe_kind(ch: str) -> str | None:
    """'bidi', 'zero-width' or 'control' for an unsafe character, else None."""
    if ch in BIDI_CHARS:
        return "bidi"
    if ch in ZERO_WIDTH_CHARS:
        return "zero-width"
    if ch in _KEEP_CONTROLS:
        return None
    if ch == "\r":
        return None
    if unicodedata.category(ch) in ("Cc", "Cs", "Co") or ch in ("\u2028", "\u2029"):
        return "control"
    return None


_UNSAFE_RE = re.compile(
    "["
    + "".join(re.escape(c) for c in sorted(BIDI_CHARS | ZERO_WIDTH_CHARS))
    + "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ue000-\uf8ff"
    + "\U000f0000-\U0010ffff"  # supplementary private-use planes
    + "]"
)


def clean_text(text: str, *, max_length: int = MAX_LENGTH) -> str:
    """Remove control characters, bidirectional overrides and zero-width characters; normalise
    line endings; bound the length. Safe for plain-text storage and display (still escape it)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _UNSAFE_RE.sub("", text)
    return text[:max_length]


def strip_invisible(text: str) -> str:
    """Remove unsafe characters only (no line-ending change), keeping every other offset."""
    return _UNSAFE_RE.sub("", text)


def find_unsafe(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) runs of unsafe characters in ``text``."""
    runs: list[tuple[int, int, str]] = []
    for m in _UNSAFE_RE.finditer(text):
        kind = unsafe_kind(m.group()) or "control"
        start = m.start()
        if runs and runs[-1][1] == start and runs[-1][2] == kind:
            runs[-1] = (runs[-1][0], start + 1, kind)
        else:
            runs.append((start, start + 1, kind))
    return runs


@dataclass(slots=True)
class Folded:
    """A folded text plus, for each of its characters, the original (start, end) span."""

    text: str
    spans: list[tuple[int, int]]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) range of the folded text to the original text."""
        return self.spans[start][0], self.spans[end - 1][1]


def nfkc_fold(text: str) -> Folded:
    """NFKC per character (full-width digits and letters become ASCII), one-to-many mapped.
    Unsafe characters (zero-width, bidi, controls) are dropped, so they cannot split a match."""
    if text.isascii() and _UNSAFE_RE.search(text) is None:
        return Folded(text, [(i, i + 1) for i in range(len(text))])
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch.isascii() and ch.isprintable():
            out.append(ch)
            spans.append((i, i + 1))
            continue
        if unsafe_kind(ch) is not None:
            continue
        folded = unicodedata.normalize("NFKC", ch)
        for f in folded:
            out.append(f)
            spans.append((i, i + 1))
    return Folded("".join(out), spans)


def rewrite(folded: Folded, pattern: re.Pattern[str], repl) -> Folded:
    """Replace matches of ``pattern`` in a folded text by ``repl(match)`` (a string, maybe empty);
    every replacement character takes the span of the whole match."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    text = folded.text
    for m in pattern.finditer(text):
        s, e = m.span()
        out.append(text[pos:s])
        spans.extend(folded.spans[pos:s])
        new = repl(m)
        if new and e > s:
            span = (folded.spans[s][0], folded.spans[e - 1][1])
            out.append(new)
            spans.extend([span] * len(new))
        pos = e
    if pos == 0:
        return folded
    out.append(text[pos:])
    spans.extend(folded.spans[pos:])
    return Folded("".join(out), spans)
