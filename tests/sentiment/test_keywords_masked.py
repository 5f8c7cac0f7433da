"""Masked personal data never yields keywords: 「A12」 of a masked ID 「A12****789」 was a top
keyword of a listening topic. Checked on the keyword stage (per text and over a collection,
which reports and campaigns use) and on the topic page."""

import re
import unicodedata
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from moderation.services import personal_data_mask
from sentiment.nlp.keywords import KeywordExtractor
from sentiment.nlp.pipeline import get_pipeline

# Each with real personal data, masked as posts and comments are stored.
TEXTS = [
    "我的身分證是 A123456789，請協助處理計程車申訴",
    "身分證Ａ１２３４５６７８９，手機0912-345-678，計程車司機請回電",
    "居留證 AC01234567 卡號 4111 1111 1111 1111 計程車刷卡",
    "市話(02)2345-6789 分機 03-5712121#5566 帳號(822)123456789012 計程車退費",
    "Uber 司機 A123456789 住臺北市信義區松仁路100巷5號 COVID-19 計程車",
]


def _masked_fragments(masked: str) -> set[str]:
    """The letters and digits a mask left visible (A12, 789, 0912, 1111 …)."""
    folded = unicodedata.normalize("NFKC", masked)
    fragments = set()
    for value in re.findall(r"[\w\-.()#+]*\*+[\w\-.()#+*]*", folded):
        fragments.update(part.lower() for part in re.findall(r"[A-Za-z0-9]+", value))
    return fragments


def _tokens(texts: list[str]) -> list[list[str]]:
    return [r["tokens"] for r in get_pipeline().analyze(texts, only={"tokens"})]


def test_masked_values_give_no_keyword_per_text_or_over_a_collection():
    masked = [personal_data_mask(text=text) for text in TEXTS]
    assert all("*" in text for text in masked)
    fragments = set().union(*map(_masked_fragments, masked))
    assert {"a12", "ac0", "0912", "678", "789"} <= fragments

    extractor = KeywordExtractor()
    token_lists = _tokens(masked)
    per_text = [item["word"] for result in extractor.run(token_lists, top_k=20) for item in result]
    over_all = [item["word"] for item in extractor.corpus_keywords(token_lists * 3, top_k=50)]
    for found in (per_text, over_all):
        assert "計程車" in found
        leaked = [w for w in found if w.lower() in fragments or "*" in w]
        assert not leaked, leaked
        assert not {"巷", "號"} & set(found)  # the masked house number's units
    # words beside a mask that are not part of it stay keywords
    assert {"Uber", "COVID-19", "身分證", "手機"} <= set(per_text)


def test_asterisks_for_emphasis_keep_their_words():
    [result] = KeywordExtractor().run(_tokens(["這是 **重要** 的 長照 政策"]), top_k=10)
    assert "重要" in [item["word"] for item in result]


@pytest.mark.django_db
def test_listening_topic_page_shows_no_fragment_of_a_masked_id(client, make_user):
    from sentiment.listening.connectors.base import NormalisedPost
    from sentiment.listening.services import aggregates_update_for_posts, posts_store
    from sentiment.models import Post, Source, Topic
    from sentiment.services import texts_analyse

    source = Source.objects.create(name="匯入", kind="upload", config={})
    topic = Topic.objects.create(name="計程車", query="計程車")
    topic.sources.add(source)
    now = timezone.now() - timedelta(hours=2)
    items = [
        NormalisedPost(
            external_id=f"p{n}",
            text=f"計程車司機亂收費，我的身分證 A123456789 被要求登記，第{n}次",
            published_at=now + timedelta(minutes=n),
        )
        for n in range(3)
    ]
    posts_store(source=source, items=items, cursor={})
    posts = list(Post.objects.all())
    assert posts and all("A12****789" in post.text for post in posts)
    for post in posts:
        post.topics.add(topic)
    texts_analyse(model_label="sentiment.post", pks=[post.pk for post in posts])
    aggregates_update_for_posts(post_ids=[post.pk for post in posts])

    analyst = make_user()
    analyst.groups.add(Group.objects.get(name="分析師"))
    client.force_login(analyst)
    html = client.get(f"/listening/topics/{topic.pk}/").content.decode()
    table = html.split('id="chart-keywords-table"')[1].split("</table>")[0]
    assert "計程車" in table or "亂收費" in table or "司機" in table
    assert "A12" not in table and "789" not in table
    chart = html.split('id="chart-keywords-data"')[1].split("</script>")[0]
    assert "A12" not in chart
