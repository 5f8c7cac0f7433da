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


def _without_comments(data, unanalysed=0):
    import copy

    data = copy.deepcopy(data)
    summary = data["summary"]
    summary["stance"] = dict.fromkeys(summary["stance"], 0)
    summary["sentiment"] = dict.fromkeys(summary["sentiment"], 0) | {"unanalysed": unanalysed}
    for row in data["sections"]:
        row["comments"], row["controversy"] = 0, 0.0
        row["stance"] = dict.fromkeys(row["stance"], 0)
        row["sentiment"] = dict.fromkeys(row["sentiment"], 0)
    return data


def test_charts_of_no_comments_have_no_axes_and_say_why(generated):
    from reports.presentation import charts

    data = generated["report"].data
    with translation.override("zh-hant"):
        before, after = charts(data), charts(_without_comments(data))
        waiting = charts(_without_comments(data, unanalysed=3))["sentiment"]
    for slug in ("stance", "sentiment", "heatmap"):
        assert before[slug].spec["data"], slug  # the fixture's report has comments
        assert after[slug].spec["data"] == [], slug  # charts.js: 尚無資料可繪製圖表。
    assert after["stance"].alt == "尚無公開的意見，因此沒有立場可呈現。"
    assert after["sentiment"].alt == "尚無公開的意見，因此沒有情緒可呈現。"
    assert "0.0%" not in after["heatmap"].alt and "尚無針對任何條文" in after["heatmap"].alt
    assert waiting.spec["data"] and waiting.alt == "3 則公開的意見都尚未分析。"


def test_counts_in_the_sentences_have_thousands_separators(generated):
    from reports.presentation import charts

    with translation.override("zh-hant"):
        assert "共 1,234 則" in _per_day_caption(_days([1, 1234, 2]))
    data = _without_comments(generated["report"].data)
    data["summary"]["stance"] |= {"support": 1200, "oppose": 34}
    with translation.override("zh-hant"):
        assert charts(data)["stance"].alt.startswith("1,234 則公開意見中")


def _social(comments: int, platform_net):
    day = {"date": "2026-11-30", "volume": 3, "positive": 1, "neutral": 1, "negative": 1}
    word = {"word": "uber", "posts": 2, "post_share": 0.6667, "comments": 0}
    return {
        "connected": True,
        "topics": [
            {
                "name": "UberX 與計程車",
                "query": "Uber",
                "posts": 3,
                "sentiment": {"positive": 1, "neutral": 1, "negative": 1, "unanalysed": 0},
                "net_sentiment": 0.0,
                "days": [day | {"net_sentiment": 0.0}],
                "sources": [{"source": "PTT", "n": 3}],
            }
        ],
        "comments": comments,
        "platform_net_sentiment": platform_net,
        "missed": [],
        "top_outside": [word | {"comment_share": 0.0, "lift": 0.6}],
    }


def test_social_words_are_not_held_against_comments_that_do_not_exist():
    """The UberX demo (Pol.is statements, no comment) showed every word 「提及的留言數 0」 with a
    ratio of 0.6, and a comparison with the comments' net sentiment of 「—」."""
    from reports.presentation import social_charts, social_tables

    with translation.override("zh-hant"):
        alone = {t.slug: t for t in social_tables(_social(0, None))}
        compared = {t.slug: t for t in social_tables(_social(12, -0.25))}
        caption_alone = social_charts(_social(0, None))["social_sentiment"].alt
        caption_compared = social_charts(_social(12, -0.25))["social_sentiment"].alt
        caption_neutral = social_charts(_social(12, None))["social_sentiment"].alt
    assert alone["social-top-words"].columns == ["詞", "提及的貼文數", "占貼文比例"]
    assert alone["social-top-words"].rows == [["uber", 2, "66.7%"]]
    assert len(compared["social-top-words"].columns) == 6
    assert "—" not in caption_alone and "沒有公開的留言可以比較" in caption_alone
    assert "-0.25" in caption_compared or "−0.25" in caption_compared
    assert "—" not in caption_neutral
