"""Pinned query counts on hot pages (Saleor style): a new N+1 fails here first."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> int:
    client.get(url)  # warm per-process caches (Wagtail's site root paths)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_home_page_queries_do_not_grow_with_agencies_or_consultations(
    client, make_agency, make_consultation
):
    make_agency("MODA")
    make_consultation(slug="c1", agency_code="MODA")
    few = count_queries(client, "/")
    for code in ("MOTC", "MOHW", "MOENV", "NDC", "THB"):
        make_agency(code)
        make_consultation(slug=f"c-{code.lower()}", agency_code=code)
    many = count_queries(client, "/")
    assert many == few
    # site, page, view restrictions, header sections, home content, and whether there is a
    # public dashboard to highlight (two; tests/performance/test_dashboard.py counts the rest)
    assert many <= 11


def test_healthz_queries(client):
    assert count_queries(client, "/healthz") <= 2
