"""Opinion-free text: how often the model reads announcements and acts of government as neutral.

The model has no neutral training data (MODEL_CARD.md, "Calibration and the neutral band"):
neutral is the band where its calibrated confidence in either polarity is below 70 %. Review
corpora measure that band only against polarity labels. Texts that hold no opinion measure it
directly: what share of them the model calls neutral, and what share it wrongly reads as
negative or positive.

The set used is the subject line (``ThemeSubject``) of Executive Yuan Gazette records
(行政院公報; 政府資料開放授權條款 / Open Government Data License 1.0, attribute 行政院公報資訊網;
the XML files are mirrored in the GitHub repository ``kong0107/ey-gazette-data``): 預告修正…、
公告…、廢止…, an act of government stated without judgement. It is development data, read from
a path given on the command line, never shipped. The second set is the articles of Taiwan's
laws and regulations (全國法規資料庫, as JSON in ``kong0107/mojLawSplitJSON``): plain normative
statements, a genre no training text resembles::

    python -m sentiment.training.opinion_free gazette OUT.txt XML [XML ...] [--leave-out 公示送達]
    python -m sentiment.training.opinion_free laws OUT.txt JSON [JSON ...]
    python manage.py evaluate_nlp --neutral-file OUT.txt [--neutral-file MORE.txt]

Sets drawn from issues disjoint from the evaluation set can also be taught to the model as
opinion-free examples (``train_sentiment_e5 --neutral-file``, ``neutral.py``); ``--leave-out
公示送達`` drops the notices served on named people (the kind of line that names private
persons), so that their names are not trained on.

Only counts leave ``evaluate_nlp``, never the texts (gazette notices can name people).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from defusedxml.ElementTree import ParseError, iterparse  # Willow (Wagtail) requires it

from sentiment.nlp.sentiment import SentimentClassifier, normalize_text
from sentiment.training.data import read_text_lines

GAZETTE_SUBJECT = "ThemeSubject"
LABELS = ("neutral", "negative", "positive")


def gazette_subjects(xml_file: Path) -> Iterator[str]:
    """The subject line of each record of one gazette issue, as written."""
    for _, element in iterparse(xml_file):
        if element.tag == GAZETTE_SUBJECT and element.text and element.text.strip():
            yield element.text
        if element.tag == "Record":
            element.clear()  # issues are up to 10 MB of embedded HTML: keep memory flat


def extract_gazette(xml_files: Iterable[Path], leave_out: Iterable[str] = ()) -> list[str]:
    """Normalised subject lines of the given issues, each once, in the order first seen;
    lines holding any of ``leave_out`` (e.g. 公示送達, notices naming people) are dropped."""
    subjects = (subject for f in xml_files for subject in gazette_subjects(Path(f)))
    return once(subjects, leave_out)


def law_articles(json_file: Path) -> Iterator[str]:
    """The text of each article (條文內容) of one law of ``mojLawSplitJSON``, lines joined."""
    law = json.loads(Path(json_file).read_text(encoding="utf-8-sig"))
    for item in law.get("法規內容", []):
        article = item.get("條文內容", "")
        if article.strip():
            yield "".join(line.strip() for line in article.splitlines())


def once(texts: Iterable[str], leave_out: Iterable[str] = ()) -> list[str]:
    """Normalised, each text once in the order first seen, without those holding a phrase
    of ``leave_out`` (matched after normalisation)."""
    phrases = [normalize_text(p) for p in leave_out]
    seen: dict[str, None] = {}
    for raw in texts:
        text = normalize_text(raw)
        if text and not any(p in text for p in phrases):
            seen.setdefault(text, None)
    return list(seen)


def read_opinion_free(path: Path) -> list[str]:
    """One text a line (UTF-8, .gz too), normalised like the corpora; refuses an empty file."""
    texts = read_text_lines(path)
    if not texts:
        raise ValueError(f"{Path(path).name} 中沒有文字（每行一則）")
    return texts


def neutral_reading(texts: list[str], model_dir: Path | None = None) -> dict:
    """How the model labels opinion-free texts: the count and share of each label."""
    results = SentimentClassifier(model_dir).run(texts)
    counts = Counter(r["label"] for r in results)
    return {
        "texts": len(texts),
        "model": results[0]["model"] if results else "",
        **{f"{label}_share": round(counts[label] / len(texts), 4) for label in LABELS},
        **{f"{label}_count": counts[label] for label in LABELS},
    }


def readable(files: list[Path], read, errors: tuple) -> tuple[list[list[str]], list[str]]:
    """Each file's texts through ``read``, and a line for each file that could not be read
    (mirrors hold a few truncated issues; one should not cost the rest)."""
    texts, skipped = [], []
    for f in files:
        try:
            texts.append(list(read(f)))
        except (OSError, UnicodeDecodeError, *errors) as exc:
            skipped.append(f"{f}: {exc}")
    return texts, skipped


SOURCES = {
    "gazette": (gazette_subjects, (ParseError,), "subject lines", "issues"),
    "laws": (law_articles, (json.JSONDecodeError, AttributeError), "articles", "laws"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write opinion-free texts, one a line.")
    sub = parser.add_subparsers(dest="source", required=True)
    gazette = sub.add_parser("gazette", help="subject lines of Executive Yuan Gazette XML issues")
    laws = sub.add_parser("laws", help="articles of laws, mojLawSplitJSON files")
    for source in (gazette, laws):
        source.add_argument("out", type=Path)
        source.add_argument("files", type=Path, nargs="+")
        source.add_argument(
            "--leave-out",
            action="append",
            default=[],
            metavar="PHRASE",
            help="drop texts holding this phrase (e.g. 公示送達: notices naming people)",
        )
    args = parser.parse_args(argv)
    read, errors, what, unit = SOURCES[args.source]
    per_file, skipped = readable(args.files, read, errors)
    for line in skipped:
        sys.stderr.write(f"skipped {line}\n")
    if not per_file:
        return 2
    texts = once((t for texts in per_file for t in texts), args.leave_out)
    args.out.write_text("".join(t + "\n" for t in texts), encoding="utf-8")
    sys.stdout.write(f"{args.out}: {len(texts)} {what} from {len(per_file)} {unit}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
