"""Stage 1, normalise: one canonical form of a text for every later stage.

The stored original is never touched; this returns a new string. In order:
NFKC (full-width Latin and digits become half-width), zero-width and control characters
removed (a zero-width joiner inside an emoji sequence is kept), URLs, e-mail addresses and
@mentions replaced by placeholders, runs of whitespace collapsed, and Simplified Chinese
converted to Taiwan Traditional (OpenCC ``s2twp``) only when the text contains Simplified
characters, so that Taiwan text is never rewritten by phrase conversion.
"""

import re
import threading
import unicodedata
from functools import cache

from minyi.text import BIDI_CHARS, ZERO_WIDTH_CHARS, ZERO_WIDTH_JOINER

URL_PLACEHOLDER = "⟨URL⟩"
EMAIL_PLACEHOLDER = "⟨EMAIL⟩"
MENTION_PLACEHOLDER = "⟨@⟩"
PLACEHOLDER_PATTERN = re.compile(r"⟨[A-Z@]+⟩")

# ASCII URL characters only: Chinese text usually follows a pasted URL without a space, and a
# comma or full stop right after it (full-width before NFKC) ends the sentence, not the URL.
_URL = re.compile(
    r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&*+;=%()']*[A-Za-z0-9\-_~/#=%&+]",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# An @mention starts a token: not preceded by a word character (that would be an address).
# Glued mentions ("@a@b") are one run, so normalising twice changes nothing.
_MENTION = re.compile(r"(?<![\w@])@[\w.\-]{1,50}(?:@[\w.\-]{1,50})*")
_WHITESPACE = re.compile(r"\s+")


def _is_emoji_like(char: str) -> bool:
    # Emoji are "So" (other symbol) outside the CJK blocks; modifiers and VS16 glue sequences.
    return (
        unicodedata.category(char) == "So"
        or char in {"\ufe0f", "\u20e3"}
        or ("\U0001f3fb" <= char <= "\U0001f3ff")
    )


def _strip_invisible(text: str) -> str:
    kept = []
    for index, char in enumerate(text):
        # A joiner between two emoji builds one emoji (family, flags): kept; any other goes.
        if char == ZERO_WIDTH_JOINER:
            before = text[index - 1] if index else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            if before and after and _is_emoji_like(before) and _is_emoji_like(after):
                kept.append(char)
            continue
        if char in ZERO_WIDTH_CHARS or char in BIDI_CHARS:
            continue
        category = unicodedata.category(char)
        if category in {"Cc", "Cf", "Cs", "Co", "Cn"} and not char.isspace() and char != "\ufe0f":
            continue
        kept.append(char)
    return "".join(kept)


_converter_lock = threading.Lock()


@cache
def _converters():
    import opencc  # imported lazily: loading the dictionaries takes a moment

    return opencc.OpenCC("s2t"), opencc.OpenCC("s2twp")


def to_taiwan_traditional(text: str) -> str:
    """Simplified → Taiwan Traditional, leaving text without Simplified characters as it is."""
    if not text:
        return text
    with _converter_lock:  # OpenCC objects are not documented as thread-safe
        char_level, taiwan = _converters()
        if char_level.convert(text) == text:
            return text
        return taiwan.convert(text)


def normalize_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = _strip_invisible(text)
    text = _URL.sub(f" {URL_PLACEHOLDER} ", text)
    text = _EMAIL.sub(f" {EMAIL_PLACEHOLDER} ", text)
    text = _MENTION.sub(f" {MENTION_PLACEHOLDER} ", text)
    text = _WHITESPACE.sub(" ", text).strip()
    return to_taiwan_traditional(text)


class Normalizer:
    """Batch stage: ``run(texts) -> normalised texts`` (same length and order)."""

    name = "normalize"

    def run(self, texts: list[str]) -> list[str]:
        return [normalize_text(text) for text in texts]
