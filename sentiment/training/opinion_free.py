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
a path given on the command line, never shipped and never trained on::

    python -m sentiment.training.opinion_free gazette OUT.txt XML [XML ...]
    python manage.py evaluate_nlp --neutral-file OUT.txt

Only counts leave ``evaluate_nlp``, never the texts (gazette notices can name people).
"""

from __future__ import annotations

import argparse
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


def extract_gazette(xml_files: Iterable[Path]) -> list[str]:
    """Normalised subject lines of the given issues, each once, in the order first seen."""
    seen: dict[str, None] = {}
    for xml_file in xml_files:
        for subject in gazette_subjects(Path(xml_file)):
            text = normalize_text(subject)
            if text:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write opinion-free texts, one a line.")
    sub = parser.add_subparsers(dest="source", required=True)
    gazette = sub.add_parser("gazette", help="subject lines of Executive Yuan Gazette XML issues")
    gazette.add_argument("out", type=Path)
    gazette.add_argument("xml", type=Path, nargs="+")
    args = parser.parse_args(argv)
    try:
        texts = extract_gazette(args.xml)
    except (OSError, ParseError) as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    args.out.write_text("".join(t + "\n" for t in texts), encoding="utf-8")
    sys.stdout.write(f"{args.out}: {len(texts)} subject lines from {len(args.xml)} issues\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
