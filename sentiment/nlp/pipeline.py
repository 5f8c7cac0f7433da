"""The analysis pipeline: normalise → segment → sentiment → keywords → emotions.

Batch-first (``analyze(texts) -> list[dict]``), plain dicts out. Each stage is built on first
use and kept for the life of the process, so workers pay for model loading once. Asking for
only some outputs runs only the stages they need.
"""

import threading
from collections.abc import Callable, Iterable
from functools import cache

from .normalize import Normalizer

OUTPUTS = ("sentiment", "tokens", "keywords", "emotions")
# What each output needs besides normalisation.
_NEEDS_TOKENS = {"tokens", "keywords", "emotions"}

UserWordsProvider = Callable[[], Iterable[tuple[str, int | None, str | None]] | None]


class Pipeline:
    def __init__(self, *, user_words: UserWordsProvider | None = None) -> None:
        # user_words returns the admin-edited dictionary when it changed since the last call,
        # None when it did not (see sentiment.dictionary); the library itself needs no database.
        self._user_words = user_words
        self._stages: dict[str, object] = {}
        self._lock = threading.Lock()

    def stage(self, name: str):
        with self._lock:
            if name not in self._stages:
                self._stages[name] = _build_stage(name)
            return self._stages[name]

    def analyze(
        self,
        texts: list[str],
        *,
        only: Iterable[str] | None = None,
        batch_size: int = 64,
        keyword_count: int = 10,
    ) -> list[dict]:
        wanted = set(only or OUTPUTS)
        unknown = wanted - set(OUTPUTS)
        if unknown:
            raise ValueError(f"unknown outputs: {', '.join(sorted(unknown))}")
        if not texts:
            return []
        normalised = self.stage("normalize").run(list(texts))
        results: list[dict] = [{} for _ in normalised]

        if "sentiment" in wanted:
            scored = self.stage("sentiment").run(normalised, batch_size=batch_size)
            for result, sentiment in zip(results, scored, strict=True):
                result["sentiment"] = sentiment

        if wanted & _NEEDS_TOKENS:
            segmenter = self.stage("segment")
            if self._user_words is not None:
                entries = self._user_words()
                if entries is not None:
                    segmenter.set_user_words(entries)
            tokens = segmenter.run(normalised)
            if "tokens" in wanted:
                for result, words in zip(results, tokens, strict=True):
                    result["tokens"] = words
            if "keywords" in wanted:
                keywords = self.stage("keywords").run(tokens, top_k=keyword_count)
                for result, words in zip(results, keywords, strict=True):
                    result["keywords"] = words
            if "emotions" in wanted:
                emotions = self.stage("emotions").run(tokens)
                for result, emotion in zip(results, emotions, strict=True):
                    result["emotions"] = emotion
        return results

    @property
    def sentiment_model(self) -> str:
        return self.stage("sentiment").model_version


def _build_stage(name: str):
    # Imported here, not at module level: importing the engine must stay cheap.
    if name == "normalize":
        return Normalizer()
    if name == "segment":
        from .segment import get_segmenter

        return get_segmenter()
    if name == "sentiment":
        from .sentiment import SentimentClassifier

        return SentimentClassifier()
    if name == "keywords":
        from .keywords import KeywordExtractor

        return KeywordExtractor()
    if name == "emotions":
        from .emotions import EmotionScorer

        return EmotionScorer()
    raise ValueError(f"unknown stage: {name}")


@cache
def get_pipeline() -> Pipeline:
    """The process-wide pipeline without the database-backed user dictionary."""
    return Pipeline()


def analyze(texts: list[str], **options) -> list[dict]:
    return get_pipeline().analyze(texts, **options)
