"""The listening topic page writes its figures as the rest of the site does: one date
convention (民國) on the axis, in the table and on the posts; the near-duplicate share as a
percentage; whole-number ticks on the charts of counts."""

import json
import re
from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from sentiment.listening import charts
from sentiment.listening.selectors import dashboard_filter_default, topic_dashboard
from sentiment.listening.services import aggregates_update_for_posts
from sentiment.models import Post, Source, Topic, TopicAggregate

pytestmark = pytest.mark.django_db

# Posts per day, counting back from yesterday: the busiest day has three (near-identical) posts.
POSTS_PER_DAY = {3: ["計程車 漲價 太誇張了吧"] * 3, 2: ["計程車 服務很好"], 1: ["計程車 排班"] * 2}


def _minguo(day) -> str:
    return f"{day.year - 1911}年{day.month}月{day.day}日"


@pytest.fixture
def topic_with_posts():
    source = Source.objects.create(name="PTT 測試", kind="upload")
    topic = Topic.objects.create(name="計程車", query="計程車")
    topic.sources.add(source)
    today = timezone.localdate()
    days, created = [], []
    for back, texts in POSTS_PER_DAY.items():
        day = today - timedelta(days=back)
        days.append(day)
        noon = timezone.make_aware(datetime.combine(day, time(12)))
        for n, text in enumerate(texts):
            created.append(
                Post.objects.create(
                    source=source,
                    external_id=f"{back}-{n}",
                    text=text,
                    published_at=noon + timedelta(minutes=n),
                    sentiment="negative" if n else "neutral",
                )
            )
    for post in created:
        post.topics.add(topic)
    aggregates_update_for_posts(post_ids=[p.pk for p in created])
    return topic, days


def _page(client, make_user, topic) -> str:
    analyst = make_user()
    analyst.groups.add(Group.objects.get(name="分析師"))
    client.force_login(analyst)
    response = client.get(f"/listening/topics/{topic.pk}/", HTTP_ACCEPT_LANGUAGE="zh-Hant")
    assert response.status_code == 200
    return response.content.decode()


def test_the_table_the_axis_and_the_posts_write_minguo_dates(client, make_user, topic_with_posts):
    topic, days = topic_with_posts
    html = _page(client, make_user, topic)
    table = html.split('id="chart-volume-table"')[1].split("</table>")[0]
    for day in days:
        assert _minguo(day) in table
        assert f"{day:%Y/%m/%d}" not in table and f"{day.year}/{day.month}/{day.day}" not in table
    posts = html.split('class="listening-posts"')[1].split("</ol>")[0]
    assert all(f"{_minguo(day)} 12:0" in posts for day in days)  # every post is a top post

    data = topic_dashboard(topic=topic, filters=dashboard_filter_default())
    axis = charts.volume_chart(data["series"], data["granularity"])["layout"]["xaxis"]
    assert "tickformat" not in axis  # not plotly's Gregorian 「11月27日」
    assert axis["ticktext"] == [f"{d.year - 1911}/{d.month}/{d.day}" for d in sorted(days)]


def test_the_near_duplicate_share_is_a_percentage(client, make_user, topic_with_posts):
    topic, _days = topic_with_posts
    html = _page(client, make_user, topic)
    rows = TopicAggregate.objects.filter(topic=topic, granularity="day", source__isnull=True)
    volume = sum(r.volume for r in rows)
    share = sum(r.duplicate_share * r.volume for r in rows) / volume
    assert share > 0  # the three identical posts
    shown = re.search(r"近似重複比例</dt><dd>([^<]*)</dd>", html).group(1)
    assert shown == f"{round(share, 3) * 100:.1f}%"


def _chart_specs(html: str) -> dict:
    found = re.findall(
        r'<script id="(chart-[a-z]+)-data" type="application/json">(.*?)</script>', html
    )
    return {key: json.loads(spec) for key, spec in found}


def test_charts_of_counts_tick_on_whole_numbers(client, make_user, topic_with_posts):
    topic, _days = topic_with_posts
    specs = _chart_specs(_page(client, make_user, topic))
    most = max(len(texts) for texts in POSTS_PER_DAY.values())  # 3 posts: ticks 0, 1, 2, 3
    for key, axis in (("chart-volume", "yaxis"), ("chart-sentiment", "yaxis")):
        layout = specs[key]["layout"][axis]
        assert layout["dtick"] == 1 and layout["tick0"] == 0, key
        assert most / layout["dtick"] <= 5
    keywords = specs["chart-keywords"]["layout"]["xaxis"]
    assert isinstance(keywords["dtick"], int) and keywords["dtick"] >= 1
