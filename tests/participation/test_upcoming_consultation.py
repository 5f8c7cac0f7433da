"""A consultation published to open later: 尚未開放, with the hour it opens, never 草稿."""

from datetime import timedelta

import pytest

pytestmark = pytest.mark.django_db


def test_a_published_consultation_that_opens_later_says_when(make_consultation, home_page, client):
    from participation.models import ConsultationIndexPage

    index = ConsultationIndexPage(title="公共政策諮詢", slug="consultations")
    home_page.add_child(instance=index)
    page = make_consultation(opens_in=timedelta(days=2), closes_in=timedelta(days=30))
    html = client.get(page.url).content.decode()
    assert "尚未開放" in html and "草稿" not in html
    assert "留言與投票將於" in html and 'id="comment-form"' not in html
    listing = client.get(index.url).content.decode()
    assert "開放中與即將開放的諮詢" in listing and page.title in listing
    assert "開放留言" in listing and "截止" not in listing.split(page.title, 1)[1][:300]


def test_an_open_consultation_shows_no_opening_notice(make_consultation, client):
    page = make_consultation()
    html = client.get(page.url).content.decode()
    assert "徵詢中" in html and "留言與投票將於" not in html
