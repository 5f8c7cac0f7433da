import httpx
import pytest
from django.utils import translation

from sentiment.listening.connectors import ConnectorError, connector_for
from sentiment.listening.connectors.base import USER_AGENT, HttpClient, parse_datetime_loose
from sentiment.listening.connectors.upload import UploadConnector

from .conftest import DCARD_ROUTES, FACEBOOK_ROUTES, FIXTURES, PTT_ROUTES, routes_transport


def test_ptt_reads_articles_and_pushes_with_over18_cookie(make_source, no_sleep):
    seen = []
    source = make_source("ptt", board="Gossiping")
    connector = connector_for(source, transport=routes_transport(PTT_ROUTES, seen), sleep=no_sleep)
    posts, cursor = connector.fetch({})
    assert cursor == {"last_id": "M.1700000600.A.2B2"}
    ids = [post.external_id for post in posts]
    assert "M.1700000000.A.1A1" in ids and "M.1699990000.A.0F0" in ids
    article = next(p for p in posts if p.external_id == "M.1700000000.A.1A1")
    assert (article.pushes, article.boos) == (2, 1)
    assert article.author == "driver01"
    assert "發信站" not in article.text and "優步司機" not in article.text
    pushes = [p for p in posts if p.parent_external_id == "M.1700000000.A.1A1"]
    assert [p.text for p in pushes] == ["優步司機比較有禮貌", "小黃才有保險啦", "看情況", "Uber 讚"]
    assert [p.boos for p in pushes] == [0, 1, 0, 0]
    assert len(posts) == 8
    assert any("M.1700001200.A.3C3" in w for w in connector.warnings)  # broken HTML: warned
    assert all(r.headers["User-Agent"] == USER_AGENT for r in seen)
    assert all("over18=1" in r.headers.get("cookie", "") for r in seen)


def test_ptt_incremental_cursor_reads_only_newer(make_source, no_sleep):
    source = make_source("ptt", board="Gossiping")
    connector = connector_for(source, transport=routes_transport(PTT_ROUTES), sleep=no_sleep)
    posts, cursor = connector.fetch({"last_id": "M.1700000000.A.1A1"})
    assert {p.external_id for p in posts if not p.parent_external_id} == {"M.1700000600.A.2B2"}


def test_ptt_broken_index_is_an_error(make_source, no_sleep):
    source = make_source("ptt", board="Gossiping")
    routes = {"/bbs/Gossiping/index.html": (200, "ptt_article_broken.html")}
    connector = connector_for(source, transport=routes_transport(routes), sleep=no_sleep)
    with pytest.raises(ConnectorError, match="unexpected HTML"):
        connector.fetch({})


def test_dcard_posts_and_comments(make_source, no_sleep):
    source = make_source("dcard", forum="trending")
    connector = connector_for(source, transport=routes_transport(DCARD_ROUTES), sleep=no_sleep)
    posts, cursor = connector.fetch({})
    assert sorted(p.external_id for p in posts) == [
        "254000001",
        "254000001-cc-1",
        "254000001-cc-3",
        "254000002",
    ]
    assert cursor == {"last_id": 254000002}  # the truncated post is retried next time
    assert any("JSON" in w for w in connector.warnings)
    comment = next(p for p in posts if p.external_id == "254000001-cc-1")
    assert comment.parent_external_id == "254000001" and comment.likes == 3


def test_facebook_pages_follows_paging_and_needs_a_token(make_source, no_sleep, settings):
    source = make_source("facebook", page_id="1000")
    settings.LISTENING_FACEBOOK_TOKEN = ""
    with pytest.raises(ConnectorError, match="access token"):
        connector_for(source).fetch({})
    settings.LISTENING_FACEBOOK_TOKEN = "secret-token"
    seen = []
    connector = connector_for(
        source, transport=routes_transport(FACEBOOK_ROUTES, seen), sleep=no_sleep
    )
    posts, cursor = connector.fetch({})
    assert sorted(p.external_id for p in posts) == [
        "1000_1999",
        "1000_2001",
        "1000_2002",
        "2001_1",
        "2001_2",
    ]
    first = next(p for p in posts if p.external_id == "1000_2001")
    assert (first.likes, first.shares) == (40, 5)
    assert cursor["since"] == int(parse_datetime_loose("2023-11-15T09:00:00+00:00").timestamp())
    assert "access_token=secret-token" in str(seen[0].url)
    assert connector.warnings  # the post with a wrong date


def test_rss_and_atom_with_wrong_dates(make_source):
    source = make_source("rss", url="https://www.cna.com.tw/rss")
    connector = connector_for(source)
    posts, _ = connector.parse((FIXTURES / "cna.rss").read_bytes(), {})
    assert len(posts) == 2 and "<b>" not in posts[0].text
    assert posts[0].published_at.isoformat().startswith("2023-11-15T08:30")
    connector = connector_for(source)
    posts, _ = connector.parse((FIXTURES / "bad_dates.atom").read_bytes(), {})
    assert len(posts) == 3
    assert len(connector.warnings) == 2


def test_truncated_feed_is_an_error(make_source):
    connector = connector_for(make_source("rss", url="https://x.test/feed"))
    with pytest.raises(ConnectorError, match="feed could not be read"):
        connector.parse((FIXTURES / "truncated.rss").read_bytes(), {})


CSV_MAPPING = {
    "id": "編號",
    "text": "內容",
    "published_at": "時間",
    "author": "作者",
    "likes": "讚數",
}


@pytest.mark.parametrize("name", ["upload.csv", "upload_bom.csv", "upload_big5.csv"])
def test_upload_csv_encodings(make_source, name):
    source = make_source("upload", mapping=CSV_MAPPING)
    connector = UploadConnector(source, path=FIXTURES / name)
    posts, _ = connector.fetch({})
    assert [p.external_id for p in posts] == ["u1", "u2", "u3"]
    assert posts[0].text == "Uber 與計程車的競爭" and posts[0].likes == 3
    assert "1 rows" in connector.warnings[0]


def test_upload_mapping_names_missing_columns(make_source):
    source = make_source("upload", mapping={"text": "body", "published_at": "時間"})
    with pytest.raises(ConnectorError, match="body"):
        UploadConnector(source, path=FIXTURES / "upload.csv").fetch({})


def test_upload_jsonl_and_truncated_jsonl(make_source):
    source = make_source("upload", mapping={"text": "text", "published_at": "time", "id": "id"})
    posts, _ = UploadConnector(source, path=FIXTURES / "upload.jsonl").fetch({})
    assert [p.external_id for p in posts] == ["j1", "j2"]
    with pytest.raises(ConnectorError, match="Line 2 is not valid JSON"):
        UploadConnector(source, path=FIXTURES / "upload_truncated.jsonl").fetch({})


def test_upload_of_200_mb_is_refused_without_reading_it(make_source, tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:  # sparse: takes no disk space
        handle.truncate(200 * 1024 * 1024)
    source = make_source("upload", mapping=CSV_MAPPING)
    with pytest.raises(ConnectorError, match=r"too large \(200 MB\)"):
        UploadConnector(source, path=big).fetch({})


def test_http_client_retries_with_backoff_then_reports(no_sleep):
    calls = []
    sleeps = []

    def handler(request):
        calls.append(request)
        return httpx.Response(503) if len(calls) < 3 else httpx.Response(200, json=[1])

    client = HttpClient(
        rate_key="t1", min_interval=0, transport=httpx.MockTransport(handler), sleep=sleeps.append
    )
    assert client.json("https://x.test/a") == [1]
    assert len(calls) == 3 and sleeps[1] > sleeps[0]

    def failing(request):
        raise httpx.ConnectTimeout("timed out")

    client = HttpClient(
        rate_key="t2", min_interval=0, transport=httpx.MockTransport(failing), sleep=no_sleep
    )
    with pytest.raises(ConnectorError, match=r"Could not reach|無法連線到") as error:
        client.get("https://x.test/b")
    assert "timed out" not in str(error.value)  # in words, not the library's

    def unknown_host(request):
        raise httpx.ConnectError("[Errno -2] Name or service not known")

    client = HttpClient(
        rate_key="t3", min_interval=0, transport=httpx.MockTransport(unknown_host), sleep=no_sleep
    )
    with translation.override("zh-hant"), pytest.raises(ConnectorError) as error:
        client.get("https://x.test/c")
    assert "找不到這個主機名稱" in str(error.value) and "Errno" not in str(error.value)


def test_rate_limit_waits_between_requests():
    from sentiment.listening.connectors.base import RateLimiter

    now = [100.0]
    slept = []
    limiter = RateLimiter("rl-test", 2.0, sleep=slept.append, clock=lambda: now[0])
    limiter.wait()
    limiter.wait()
    assert slept == [2.0]
