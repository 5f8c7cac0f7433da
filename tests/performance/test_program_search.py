"""Programmes are found by the site search (registered through minyi.search)."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_site_search_finds_a_programme_by_a_word_of_its_name(client, dashboard, make_program):
    make_program(code="EGOV-SEC", name="雲端資安防護整合服務計畫", objectives="強化機關資安防護。")
    make_program(code="EGOV-DATA", name="開放資料推動計畫", objectives="擴大資料開放。")
    html = client.get("/participate/search/", {"q": "資安"}).content.decode()
    assert "雲端資安防護整合服務計畫" in html.replace("<mark>", "").replace("</mark>", "")
    assert "開放資料推動計畫" not in html
    assert 'href="/dashboard/programs/EGOV-SEC/"' in html
    assert '<p class="card-meta">計畫</p>' in html
    # every word must appear: a programme that says only one of two is not found
    both = client.get("/participate/search/", {"q": "資安 開放"}).content.decode()
    assert "找不到符合的內容" in both or "EGOV-SEC" not in both


def test_no_public_dashboard_no_programme_hits(make_program, ndc):
    from minyi.search import search_sources_find

    make_program(code="EGOV-SEC", name="雲端資安防護整合服務計畫")
    assert search_sources_find(["資安"]) == []
