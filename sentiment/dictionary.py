"""The admin-edited user dictionary, seen by every process without a restart.

Each process asks the database at most every ``CHECK_SECONDS`` for a fingerprint of the table
(row count, latest edit, sum of ids: an edit, an addition and a deletion each change it) and
hands the segmenter the full word list only when the fingerprint moved. That is one cheap
aggregate query per interval, and no message bus that a default install would not have.
"""

import threading
import time

from django.db.models import Count, Max, Sum

from .models import UserDictionaryEntry

CHECK_SECONDS = 5.0


class DatabaseUserWords:
    def __init__(self, *, check_seconds: float = CHECK_SECONDS) -> None:
        self._check_seconds = check_seconds
        self._fingerprint: tuple | None = None
        self._checked_at = float("-inf")
        self._lock = threading.Lock()

    def __call__(self) -> list[tuple[str, int | None, str | None]] | None:
        """The full entry list when it changed since the last call, else None."""
        with self._lock:
            now = time.monotonic()
            if now - self._checked_at < self._check_seconds:
                return None
            self._checked_at = now
            fingerprint = tuple(
                UserDictionaryEntry.objects.aggregate(
                    count=Count("pk"), latest=Max("updated_at"), ids=Sum("pk")
                ).values()
            )
            if fingerprint == self._fingerprint:
                return None
            self._fingerprint = fingerprint
            return [
                (word, frequency, part_of_speech or None)
                for word, frequency, part_of_speech in UserDictionaryEntry.objects.values_list(
                    "word", "frequency", "part_of_speech"
                )
            ]

    def expire(self) -> None:
        """Check on the next call (tests, and right after an edit in this process)."""
        with self._lock:
            self._checked_at = float("-inf")
