"""The admin-edited user dictionary reaches the segmenter without a restart."""

import pytest

from sentiment.dictionary import DatabaseUserWords
from sentiment.models import UserDictionaryEntry
from sentiment.nlp.pipeline import Pipeline

pytestmark = pytest.mark.django_db

NEW_WORD = "數位韌性基金"


def tokens(pipeline: Pipeline, text: str) -> list[str]:
    return pipeline.analyze([text], only=["tokens"])[0]["tokens"]


def test_changes_are_seen_after_the_check_interval():
    user_words = DatabaseUserWords(check_seconds=0)
    assert user_words() == []  # first call: the (empty) list
    assert user_words() is None  # nothing changed since
    entry = UserDictionaryEntry.objects.create(word=NEW_WORD, part_of_speech="n")
    assert user_words() == [(NEW_WORD, None, "n")]
    entry.delete()
    assert user_words() == []


def test_throttled_between_checks(django_assert_num_queries):
    user_words = DatabaseUserWords(check_seconds=3600)
    user_words()
    UserDictionaryEntry.objects.create(word=NEW_WORD)
    with django_assert_num_queries(0):
        assert user_words() is None
    user_words.expire()
    assert user_words() == [(NEW_WORD, None, None)]


def test_added_and_removed_words_change_segmentation():
    pipeline = Pipeline(user_words=DatabaseUserWords(check_seconds=0))
    text = f"立法院審查{NEW_WORD}條例"
    assert NEW_WORD not in tokens(pipeline, text)
    entry = UserDictionaryEntry.objects.create(word=NEW_WORD, note="新法案")
    assert NEW_WORD in tokens(pipeline, text)
    entry.delete()
    assert NEW_WORD not in tokens(pipeline, text)
