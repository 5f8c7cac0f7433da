"""The sentence under the participation-per-day chart: 民國 days, and no busiest day of none."""

from django.utils import translation

from reports.presentation import _per_day_caption, prose_day


def _days(comments):
    return [
        {"date": f"2026-11-{29 + i}" if i < 2 else f"2026-12-0{i - 1}", "comments": n}
        for i, n in enumerate(comments)
    ]


def test_the_busiest_day_is_named_in_the_calendar_of_the_page():
    with translation.override("zh-hant"):
        caption = _per_day_caption(_days([1, 4, 2]))
        assert "115年11月29日 至 115年12月1日" in caption
        assert "意見最多的一天是 115年11月30日，共 4 則" in caption
        assert "2026-" not in caption
    with translation.override("en"):
        assert prose_day("2026-11-30") == "30 Nov 2026"


def test_a_period_without_comments_has_no_busiest_day():
    with translation.override("zh-hant"):
        caption = _per_day_caption(_days([0, 0, 0]))
    assert "意見最多" not in caption and "共 0 則" not in caption
    assert "這段期間沒有公開的意見" in caption and "115年11月29日" in caption
