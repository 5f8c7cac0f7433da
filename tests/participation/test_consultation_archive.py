"""The archive of past consultations: on the consultation index (paginated, apart from the open
ones) and on the home page while nothing is open (issue 19)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from participation.models import ConsultationIndexPage
from participation.selectors import consultation_current_list, consultation_past_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def index_page(home_page):
    index = ConsultationIndexPage(title="公共政策諮詢", slug="consultations")
    home_page.add_child(instance=index)
    return index


def closed(make_consultation, slug, *, days_ago=2, responded=False):
    consultation = make_consultation(
        slug=slug, opens_in=timedelta(days=-60), closes_in=timedelta(days=-days_ago)
    )
    if responded:
        consultation.responded_at = timezone.now() - timedelta(days=1)
        consultation.save(update_fields=["responded_at"])
    return consultation


def test_selectors_split_current_and_past(make_consultation):
    open_now = make_consultation(slug="open-now")
    upcoming = make_consultation(slug="upcoming", opens_in=timedelta(days=3))
    ended = closed(make_consultation, "ended")
    answered = closed(make_consultation, "answered", days_ago=9, responded=True)
    assert list(consultation_current_list()) == [open_now, upcoming]  # closing soonest first
    assert list(consultation_past_list()) == [ended, answered]  # most recently closed first


def test_index_shows_the_archive_with_status_response_and_report(
    client, index_page, make_consultation
):
    from reports.models import Report

    make_consultation(slug="open-now")
    ended = closed(make_consultation, "ended")
    answered = closed(make_consultation, "answered", days_ago=9, responded=True)
    Report.objects.create(
        consultation=answered, version=1, status="done", published=True, published_at=timezone.now()
    )
    html = client.get(index_page.url).content.decode()
    current, past = html.split('id="past-consultations-title"')
    assert "/open-now/" in current
    assert "ended" not in current and "answered" not in current
    assert ended.url in past and "已截止" in past and "機關尚未發布回應" in past
    assert f'href="{answered.url}#response"' in past and "已回應" in past
    assert f'href="{reverse("reports:latest", args=[answered.pk])}"' in past
    assert past.count("閱讀決策報告") == 1  # only the consultation with a published report
    assert 'id="decision-report"' not in html  # the anchor belongs to the consultation page


def test_index_archive_is_paginated(client, index_page, make_consultation):
    for n in range(12):
        closed(make_consultation, f"old-{n}", days_ago=n + 1)
    first = client.get(index_page.url).content.decode()
    assert first.count('class="card past-consultation"') == 10
    assert "第 1 頁，共 2 頁" in first and "page=2#past" in first
    second = client.get(index_page.url + "?page=2").content.decode()
    assert second.count('class="card past-consultation"') == 2
    assert "old-11" in second


def test_home_page_shows_recent_past_consultations_when_none_is_open(
    client, index_page, make_consultation
):
    answered = closed(make_consultation, "answered", responded=True)
    html = client.get("/").content.decode()
    assert "最近截止的諮詢" in html
    assert f'href="{answered.url}#response"' in html
    assert f'href="{index_page.url}#past"' in html

    make_consultation(slug="open-now")
    html = client.get("/").content.decode()
    assert "最近截止的諮詢" not in html and "/open-now/" in html
