"""Chinese search: words found inside running text, Simplified queries, AND of words."""

import pytest
from django.urls import reverse

from participation.search import query_terms, site_search
from participation.services import comment_create, statement_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(make_consultation, make_user):
    taxi = make_consultation(slug="taxi")
    section = taxi.sections.first()
    section.text = "計程車客運業應投保乘客責任保險。"
    section.save()
    other = make_consultation(slug="care", agency_code="MOHW")
    other.title = "長期照顧服務法修正草案"
    other.summary = "擴大居家照顧服務。"
    other.save_revision().publish()
    user = make_user(display_name="搭車的人")
    comment_create(
        consultation=taxi, user=user, body="我每天搭計程車上班，司機都很辛苦。", stance="support"
    )
    comment_create(consultation=other, user=user, body="長照人力不足。", stance="suggest")
    return taxi, other


def test_query_is_segmented_and_simplified_is_read_as_traditional():
    assert query_terms("計程車") == ["計程車"]
    assert query_terms("出租车司机") == ["計程車", "司機"]
    assert query_terms("  ") == []
    assert len(query_terms("字" * 500)) <= 8


def test_finds_consultations_and_comments_containing_the_word(corpus):
    taxi, other = corpus
    terms, hits = site_search("計程車")
    kinds = {(hit.kind, hit.url.split("#")[0]) for hit in hits}
    assert ("consultation", taxi.url) in kinds
    # a comment links to its lasting address, which finds it on its list page
    taxi_comment = taxi.comments.get(body__contains="計程車")
    comment_link = reverse("participation:comment_link", args=[taxi_comment.pk])
    assert ("comment", comment_link) in kinds
    assert all(other.url not in hit.url for hit in hits)
    assert any("計程車" in hit.snippet for hit in hits)


def test_statements_are_found_too(corpus, make_user):
    taxi, _ = corpus
    statement_create(consultation=taxi, user=make_user(), text="小黃也應該加入計程車平台")
    kinds = [hit.kind for hit in site_search("小黃")[1]]
    assert kinds == ["statement"]


def test_every_word_must_match(corpus):
    _, hits = site_search("計程車 長照")
    assert hits == []
    _, hits = site_search("計程車司機")
    assert [hit.kind for hit in hits] == ["comment"]


def test_search_page(client, corpus):
    url = reverse("participation:search")
    assert client.get(url).status_code == 200
    html = client.get(url, {"q": "出租车"}).content.decode()
    assert "<mark>計程車</mark>" in html
    assert "每天搭<mark>計程車</mark>上班" in html  # the word found, marked in the result too
    empty = client.get(url, {"q": "核融合"}).content.decode()
    assert "找不到" in empty or "Nothing matched" in empty


def test_unpublished_and_hidden_content_is_not_found(corpus, make_user):
    from participation.models import Comment, CommentState

    taxi, _ = corpus
    Comment.objects.update(state=CommentState.HIDDEN)
    assert [hit.kind for hit in site_search("計程車")[1]] == ["consultation"]
    taxi.unpublish()
    assert site_search("計程車")[1] == []


def test_approved_petitions_are_found_and_pending_ones_are_not(corpus, make_user):
    from minyi.agencies.roles import Role
    from minyi.agencies.services import user_role_add
    from participation.services import petition_create, petition_moderation_approve

    moderator = make_user()
    user_role_add(user=moderator, role=Role.MODERATOR)
    agency = corpus[0].agency
    shown = petition_create(
        user=make_user(), title="公車動態語音播報", body="站牌全面提供語音。", agency=agency
    )
    petition_moderation_approve(petition=shown, moderator=moderator)
    petition_create(user=make_user(), title="公車免費搭乘", body="尚待審查的提議。", agency=agency)

    hits = site_search("公車")[1]
    assert [(hit.kind, hit.title, hit.url) for hit in hits] == [
        ("petition", "公車動態語音播報", shown.get_absolute_url())
    ]


def test_highlight_marks_every_term_and_escapes_the_rest():
    from minyi.home.templatetags.minyi_tags import highlight

    assert (
        highlight("<b>計程車</b>與計程表", ["計程", "計程車"])
        == "&lt;b&gt;<mark>計程車</mark>&lt;/b&gt;與<mark>計程</mark>表"
    )
    assert highlight("Uber 與 uber", ["UBER"]) == "<mark>Uber</mark> 與 <mark>uber</mark>"
    assert highlight("a<b", []) == "a&lt;b"
    assert highlight(None, ["x"]) == ""


def test_every_result_is_reachable_page_by_page_and_by_kind(corpus, make_user, client):
    from participation.views import SEARCH_RESULTS_PER_PAGE

    taxi, _other = corpus
    for n in range(SEARCH_RESULTS_PER_PAGE + 5):  # more comments than one page holds
        comment_create(
            consultation=taxi, user=make_user(), body=f"計程車第{n}號意見。", stance="support"
        )
    url = reverse("participation:search")
    total = len(site_search("計程車")[1])
    assert total == SEARCH_RESULTS_PER_PAGE + 5 + 2  # the consultation and the first comment
    first = client.get(url, {"q": "計程車"}).content.decode()
    assert f"{total} 筆結果" in first and "第 1 頁，共 2 頁" in first
    assert first.count('<li class="card">') == SEARCH_RESULTS_PER_PAGE
    second = client.get(url, {"q": "計程車", "page": 2}).content.decode()
    assert second.count('<li class="card">') == total - SEARCH_RESULTS_PER_PAGE
    # Narrowed to one kind, with each kind's count on its link.
    assert f"留言 ({total - 1})" in first and "諮詢 (1)" in first
    only = client.get(url, {"q": "計程車", "kind": "consultation"}).content.decode()
    assert only.count('<li class="card">') == 1
    assert 'aria-current="page">' in only
    # An unknown kind or page shows everything from the start, not an error.
    assert client.get(url, {"q": "計程車", "kind": "x", "page": "zz"}).status_code == 200
