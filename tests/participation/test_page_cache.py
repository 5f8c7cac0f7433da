"""The consultation page cached for anonymous readers: right content, fresh after every change,
never another reader's CSRF token, never for signed-in readers."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from participation.page_cache import CACHE_HEADER
from participation.services import comment_create

pytestmark = pytest.mark.django_db

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NONCE = re.compile(r'nonce="[^"]*"')


def get(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return response, len(queries)


def test_second_anonymous_read_is_served_from_the_cache_with_fewer_queries(
    client, make_consultation
):
    page = make_consultation()
    first, rendered_queries = get(client, page.url)
    second, cached_queries = get(Client(), page.url)
    assert first[CACHE_HEADER] == "miss" and second[CACHE_HEADER] == "hit"
    # Without a session cookie the copy is served before authentication and routing.
    assert cached_queries == 0 < rendered_queries
    assert second["X-Frame-Options"] == "SAMEORIGIN"
    # The same page apart from the per-reader CSRF token and script nonce.
    strip = lambda r: NONCE.sub("", CSRF_INPUT.sub("", r.content.decode()))  # noqa: E731
    assert strip(first) == strip(second)
    assert page.title in second.content.decode()


def test_cached_page_carries_a_working_csrf_token_of_its_own_reader(make_consultation):
    page = make_consultation()
    Client().get(page.url)  # fills the cache
    reader = Client(enforce_csrf_checks=True)
    response = reader.get(page.url)
    assert response[CACHE_HEADER] == "hit"
    tokens = set(CSRF_INPUT.findall(response.content.decode()))
    assert tokens and not any("PLACEHOLDER" in t for t in tokens)
    assert "csrftoken" in response.cookies
    switched = reader.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": tokens.pop()}
    )
    assert switched.status_code == 302


def test_a_new_comment_is_on_the_next_anonymous_read(
    client, make_consultation, make_user, django_capture_on_commit_callbacks
):
    page = make_consultation()
    get(client, page.url)
    assert get(client, page.url)[0][CACHE_HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(
            consultation=page, user=make_user(), body="快取之後的新留言", stance="support"
        )
    response, _ = get(client, page.url)
    assert response[CACHE_HEADER] == "miss"
    assert "快取之後的新留言" in response.content.decode()


def test_publishing_a_revision_changes_the_cached_page(client, make_consultation):
    page = make_consultation()
    get(client, page.url)
    page.summary = "修正後的草案說明"
    page.save_revision().publish()
    response, _ = get(client, page.url)
    assert response[CACHE_HEADER] == "miss"
    assert "修正後的草案說明" in response.content.decode()


def test_signed_in_readers_and_query_strings_are_never_cached(client, make_consultation, make_user):
    page = make_consultation()
    get(Client(), page.url)
    client.force_login(make_user(display_name="登入的讀者"))
    response, _ = get(client, page.url)
    assert CACHE_HEADER not in response
    response, _ = get(Client(), page.url + "?from=newsletter")
    assert CACHE_HEADER not in response


def test_display_preferences_and_language_get_their_own_copy(make_consultation):
    page = make_consultation()
    chinese = page.url  # page.url follows the active language: take it once
    english = "/en" + chinese
    get(Client(), chinese)
    large = Client()
    large.cookies["minyi_text_size"] = "large"
    response, _ = get(large, chinese)
    assert response[CACHE_HEADER] == "miss"
    assert 'class="text-large' in response.content.decode()
    response, _ = get(Client(), english)
    assert response[CACHE_HEADER] == "miss"
    assert '<html lang="en"' in response.content.decode()
    assert get(Client(), english)[0][CACHE_HEADER] == "hit"
    assert get(Client(), chinese)[0][CACHE_HEADER] == "hit"


def test_csp_nonce_of_a_cached_page_matches_its_header(make_consultation):
    page = make_consultation()
    get(Client(), page.url)
    response, _ = get(Client(), page.url)
    policy = response.get("Content-Security-Policy", "")
    match = re.search(r"'nonce-([^']+)'", policy)
    if match is None:
        pytest.skip("no nonce-based Content-Security-Policy on this page")
    nonces = set(re.findall(r'nonce="([^"]*)"', response.content.decode()))
    assert nonces == {match.group(1)}


def test_a_private_page_is_never_cached(client, make_consultation):
    from wagtail.models import PageViewRestriction

    page = make_consultation()
    assert get(Client(), page.url)[0][CACHE_HEADER] == "miss"  # cached while public
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    for _ in range(2):
        response = Client().get(page.url)
        assert CACHE_HEADER not in response
        assert page.summary not in response.content.decode()
