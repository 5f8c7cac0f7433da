"""The consultation page cached for anonymous readers: right content, fresh after every change,
never another reader's CSRF token, never for signed-in readers."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from minyi.page_cache import CACHE_HEADER
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


def test_staff_readers_and_query_strings_are_never_cached(client, make_consultation, make_user):
    from minyi.agencies.services import agency_staff_add

    page = make_consultation()
    get(Client(), page.url)
    staff = make_user(display_name="機關承辦")
    agency_staff_add(agency=page.agency, user=staff)
    client.force_login(staff)
    response, _ = get(client, page.url)
    assert CACHE_HEADER not in response
    response, _ = get(Client(), page.url + "?from=newsletter")
    assert CACHE_HEADER not in response


def _citizens_setup(make_consultation, make_user):
    """A consultation where two citizens differ in everything a page shows of its reader:
    ``author`` commented, voted and follows (taking part follows); ``other`` only reads."""
    from participation.services import statement_create

    page = make_consultation()
    author, other = make_user(display_name="寫留言的人"), make_user(display_name="只看的讀者")
    third = make_user(display_name="第三位")
    mine = comment_create(
        consultation=page,
        user=author,
        body="我自己的留言",
        stance="support",
        section=page.sections.first(),
    )
    theirs = comment_create(consultation=page, user=third, body="別人的留言", stance="oppose")
    # Each author agrees with their own statement: one vote each, and the author has voted.
    statement_create(consultation=page, user=author, text="計程車應該納管")
    statement_create(consultation=page, user=third, text="共享乘車應該開放")
    return page, author, other, mine, theirs


def _page_for(user, url: str) -> tuple[str, int, str | None]:
    reader = Client()
    reader.force_login(user)
    response, queries = get(reader, url)
    content = response.content.decode()
    # Every form carries a real token of the reader, never a placeholder (a cached copy's
    # forms share one token per request).
    tokens = set(CSRF_INPUT.findall(content))
    assert tokens and "PLACEHOLDER" not in content
    if response.get(CACHE_HEADER) == "hit":
        assert len(tokens) == 1, tokens
    strip = NONCE.sub("", CSRF_INPUT.sub("", content))
    return strip, queries, response.get(CACHE_HEADER)


def test_citizens_share_one_copy_and_each_sees_their_own_parts(
    settings, make_consultation, make_user
):
    page, author, other, mine, theirs = _citizens_setup(make_consultation, make_user)
    settings.MINYI_PAGE_CACHE = False
    full = {user.pk: _page_for(user, page.url) for user in (author, other)}
    assert all(header is None for _body, _queries, header in full.values())
    settings.MINYI_PAGE_CACHE = True

    served = {}
    for user in (author, other, author, other):
        served.setdefault(user.pk, []).append(_page_for(user, page.url))
    assert [header for _b, _q, header in served[author.pk]] == ["miss", "hit"]
    assert [header for _b, _q, header in served[other.pk]] == ["hit", "hit"]
    for user in (author, other):
        for body, _queries, _header in served[user.pk]:
            # Byte for byte the page rendered for this reader alone (bar token and nonce).
            assert body == full[user.pk][0]
        # Served before routing: session, user and the reader's own parts (one query).
        assert served[user.pk][1][1] <= 3 < full[user.pk][1]

    author_page, other_page = full[author.pk][0], full[other.pk][0]
    withdraw = f"/participate/comments/{mine.pk}/withdraw/"
    assert withdraw in author_page and withdraw not in other_page
    assert f"/participate/comments/{theirs.pk}/withdraw/" not in author_page + other_page
    assert 'data-following="true"' in author_page.split('class="inline-form follow-form"')[1][:400]
    assert 'data-following="false"' in other_page.split('class="inline-form follow-form"')[1][:400]
    # Fewest votes first, oldest on a tie; never one the reader has voted on.
    assert "共享乘車應該開放" in author_page.split('id="vote"')[1][:400]
    assert "計程車應該納管" in other_page.split('id="vote"')[1][:400]
    assert "MINYI-HOLE" not in author_page + other_page


def test_a_citizens_vote_moves_their_next_statement_at_once(make_consultation, make_user):
    from participation.models import Statement
    from participation.services import statement_vote_cast

    page, author, other, _mine, _theirs = _citizens_setup(make_consultation, make_user)
    _page_for(author, page.url)
    body, _queries, header = _page_for(other, page.url)
    assert header == "hit" and "計程車應該納管" in body.split('id="vote"')[1][:400]
    for statement in Statement.objects.filter(consultation=page):
        statement_vote_cast(statement=statement, user=other, value=-1)
    body, _queries, _header = _page_for(other, page.url)
    card = body.split('id="vote"')[1][:600]
    assert "您已對所有意見陳述表態" in card and "vote-form" not in card  # nothing left


def test_each_citizen_sees_how_many_statements_they_have_left_in_the_shared_copy(
    make_consultation, make_user
):
    page, author, other, _mine, _theirs = _citizens_setup(make_consultation, make_user)
    _page_for(other, page.url)
    body, _queries, header = _page_for(author, page.url)
    assert header == "hit" and "還有 1 則尚未表態（共 2 則）" in body.split('id="vote"')[1]
    body, _queries, header = _page_for(other, page.url)
    assert header == "hit" and "還有 2 則尚未表態（共 2 則）" in body.split('id="vote"')[1]


def test_a_citizens_own_parts_follow_the_language_of_the_page(
    settings, make_consultation, make_user
):
    from django.utils import translation

    page, author, other, _mine, _theirs = _citizens_setup(make_consultation, make_user)
    chinese, english = page.url, "/en" + page.url
    try:
        for url in (chinese, english, chinese, english):
            _page_for(other, url)  # each language's copy and parts made, then served
        for url, language_is_english in ((english, True), (chinese, False)):
            body, _queries, header = _page_for(author, url)
            assert header == "hit"
            follow = body.split('class="inline-form follow-form"')[1][:400]
            vote = body.split('id="vote"')[1][:600]
            assert (">Followed" in follow) is language_is_english
            assert (">Agree<" in vote and "What do you think?" in vote) is language_is_english
    finally:
        translation.activate(settings.LANGUAGE_CODE)  # the client left English active


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
