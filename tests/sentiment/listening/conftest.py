from pathlib import Path

import httpx
import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _english_messages():
    """Most tests here match messages by their English source text (the Traditional Chinese
    catalogue is checked by tests/site/test_translations.py); source statuses written by the
    background jobs are stored in Traditional Chinese and matched as such."""
    from django.utils import translation

    with translation.override("en"):
        yield


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def routes_transport(routes: dict[str, tuple[int, str]], seen: list | None = None):
    """A MockTransport answering ``path?query`` (or just path) from fixture files."""

    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        key = request.url.path
        for candidate in (f"{key}?{request.url.query.decode()}", key):
            if candidate in routes:
                status, name = routes[candidate]
                return httpx.Response(status, content=fixture_bytes(name) if name else b"")
        return httpx.Response(404, content=b"not found")

    return httpx.MockTransport(handler)


PTT_ROUTES = {
    "/bbs/Gossiping/index.html": (200, "ptt_index.html"),
    "/bbs/Gossiping/index38999.html": (200, "ptt_index_older.html"),
    "/bbs/Gossiping/M.1700000000.A.1A1.html": (200, "ptt_article_1.html"),
    "/bbs/Gossiping/M.1700000600.A.2B2.html": (200, "ptt_article_2.html"),
    "/bbs/Gossiping/M.1700001200.A.3C3.html": (200, "ptt_article_broken.html"),
    "/bbs/Gossiping/M.1699990000.A.0F0.html": (200, "ptt_article_old.html"),
}
DCARD_ROUTES = {
    "/service/api/v2/forums/trending/posts": (200, "dcard_posts.json"),
    "/service/api/v2/posts/254000001": (200, "dcard_post_254000001.json"),
    "/service/api/v2/posts/254000001/comments": (200, "dcard_comments_254000001.json"),
    "/service/api/v2/posts/254000002": (200, "dcard_post_254000002.json"),
    "/service/api/v2/posts/254000002/comments": (200, "dcard_comments_254000002.json"),
    "/service/api/v2/posts/254000003": (200, "dcard_post_254000003_truncated.json"),
    "/service/api/v2/posts/254000003/comments": (200, "dcard_comments_254000002.json"),
}
FACEBOOK_ROUTES = {
    "/v19.0/1000/posts?after=abc": (200, "facebook_posts_page2.json"),
    "/v19.0/1000/posts": (200, "facebook_posts.json"),
}


@pytest.fixture
def make_source(db):
    from sentiment.models import Source

    def make(kind: str, **config):
        return Source.objects.create(name=f"{kind} source", kind=kind, config=config)

    return make


@pytest.fixture
def no_sleep():
    return lambda seconds: None
