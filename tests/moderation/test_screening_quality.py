"""Quality gate on the hand-labelled evaluation set (not a timing test)."""

from pathlib import Path

import pytest

from moderation.screening.evaluation import CATEGORIES, evaluate, load_items

EVAL_SET = Path(__file__).resolve().parent / "fixtures" / "screening_eval.jsonl"
HOLDOUT_SET = Path(__file__).resolve().parent / "fixtures" / "screening_holdout.jsonl"


def test_eval_set_shape():
    items = load_items(EVAL_SET)
    assert len(items) >= 300
    assert len({item["id"] for item in items}) == len(items)
    for item in items:
        assert set(item["labels"]) <= set(CATEGORIES)
    for category in CATEGORIES:
        assert any(category in item["labels"] for item in items)
    assert sum(1 for item in items if not item["labels"]) >= 100


@pytest.mark.parametrize("path", [EVAL_SET, HOLDOUT_SET], ids=["eval", "holdout"])
def test_personal_data_precision_and_recall(path):
    scores, errors = evaluate(load_items(path))
    pd = scores["personal_data"]
    assert pd.precision >= 0.95, (pd, errors)
    assert pd.recall >= 0.9, (pd, errors)


def test_other_categories_do_not_regress():
    scores, errors = evaluate(load_items(EVAL_SET))
    for category in ("abuse", "hate", "threat", "spam"):
        assert scores[category].precision >= 0.9, (scores[category], errors)
        assert scores[category].recall >= 0.85, (scores[category], errors)
