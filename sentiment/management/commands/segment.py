"""`manage.py segment`: Taiwan Traditional Chinese word segmentation on the command line.

Reads raw text lines from standard input and writes, for each, its words separated by single
spaces: one output line per input line, an empty (or blank) line giving an empty line. The
words are the line's own characters (full-width or Simplified input is folded only for
matching, see ``sentiment.nlp.segment.fold_for_segmentation``); whitespace is dropped. Input
and output are UTF-8 whatever the locale; lines are streamed, so input of any size works in
constant memory.

    echo '長照2.0上路，國發會說明' | python manage.py segment
    長照2.0 上路 ， 國發會 說明
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from minyi.cli import force_utf8
from sentiment.nlp.segment import Segmenter, get_segmenter

# Flushing every line would make large inputs slow; a pipeline reader still sees output
# regularly.
_FLUSH_EVERY = 1000


class Command(BaseCommand):
    help = "Segment text lines from standard input; write the words of each line space-separated."

    def add_arguments(self, parser):
        parser.add_argument(
            "--hmm",
            action="store_true",
            help="guess unknown words with jieba's HMM (off by default: less accurate on "
            "Taiwan text, see sentiment/nlp/dictionaries/README.md)",
        )
        parser.add_argument(
            "--user-dictionary",
            action="store_true",
            help="also use the admin-edited user dictionary from the database",
        )

    def handle(self, *args, **options):
        if sys.stdin is None:
            raise CommandError("無法讀取標準輸入：標準輸入已關閉。")
        force_utf8(sys.stdin, errors="replace")
        force_utf8(sys.stdout, errors="strict")
        segmenter = Segmenter(hmm=True) if options["hmm"] else get_segmenter()
        if options["user_dictionary"]:
            from sentiment.dictionary import DatabaseUserWords

            segmenter.set_user_words(DatabaseUserWords()() or [])
        write = self.stdout.write
        try:
            for number, line in enumerate(sys.stdin, start=1):
                # ending="\n" explicitly: every input line gives exactly one output line.
                write(" ".join(segmenter.cut_raw(line.rstrip("\r\n"))), ending="\n")
                if number % _FLUSH_EVERY == 0:
                    self.stdout.flush()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"無法讀取標準輸入：{exc}") from exc
        self.stdout.flush()
