"""RSS/Atom feeds (all and per agency) and the closing-date iCalendar file."""

import xml.etree.ElementTree as ET
from datetime import UTC

import pytest

pytestmark = pytest.mark.django_db


def test_rss_lists_consultations_and_filters_by_agency(client, make_consultation):
    motc = make_consultation(slug="uberx", agency_code="MOTC")
    make_consultation(slug="digital-id", agency_code="MODA")

    rss = ET.fromstring(client.get("/feeds/consultations.rss").content)
    titles = [item.findtext("title") for item in rss.iter("item")]
    assert len(titles) == 2
    assert any(title.startswith("【MOTC 機關】") for title in titles)

    agency_feed = ET.fromstring(client.get("/feeds/agencies/motc/consultations.rss").content)
    links = [item.findtext("link") for item in agency_feed.iter("item")]
    assert len(links) == 1 and links[0].endswith(motc.url)
    assert client.get("/feeds/agencies/NOPE/consultations.rss").status_code == 404


def test_atom_feed(client, make_consultation):
    make_consultation()
    response = client.get("/feeds/consultations.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    atom = ET.fromstring(response.content)
    assert len(atom.findall("{http://www.w3.org/2005/Atom}entry")) == 1


def test_feed_escapes_markup(client, make_consultation):
    page = make_consultation()
    page.title = "<script>alert(1)</script>"
    page.save_revision().publish()
    body = client.get("/feeds/consultations.rss").content.decode()
    assert "<script>" not in body


def test_ical_has_closing_date_and_reminder(client, make_consultation):
    page = make_consultation()
    response = client.get(f"/consultations/{page.pk}/closing.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert "\r\n" in text
    unfolded = text.replace("\r\n ", "")
    assert f"DTSTART:{page.closes_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" in unfolded
    assert "TRIGGER:-P3D" in unfolded
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_consultation_page_has_social_meta_and_share_links(client, make_consultation):
    page = make_consultation()
    html = client.get(page.url).content.decode()
    assert '<meta property="og:title" content="自用車載客服務管理辦法草案">' in html
    assert 'og:description" content="規範網路叫車平台與自用車載客服務。"' in html
    for host in ("social-plugins.line.me", "facebook.com/sharer", "plurk.com", "x.com/intent"):
        assert host in html
    assert f"/consultations/{page.pk}/closing.ics" in html
    assert "/feeds/agencies/MOTC/consultations.rss" in html
