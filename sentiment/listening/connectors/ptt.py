"""PTT web (www.ptt.cc): board index pages, then each new article with its pushes.

The over-18 cookie is sent with every request. Every 推/噓/→ push becomes its own item linked to
its article; the article carries its push and boo counts. The cursor keeps the newest article
id seen (``M.<unix time>.A.<hex>``), so later runs read only newer articles.

Pushes keep coming after an article was read, so each run also fetches again up to
``revisit_limit`` (20) stored articles published in the last ``revisit_days`` (3) days. A push
is keyed by its position (``<article id>#<n>``), so only the new ones are stored and the
article's push and boo counts are updated.
"""

import logging
import re
from datetime import datetime
from urllib.parse import urljoin

from bs4 import BeautifulSoup
from django.utils import timezone
from django.utils.translation import gettext as _

from .base import Connector, ConnectorError, NormalisedPost, clip, parse_datetime_loose

BASE_URL = "https://www.ptt.cc"
_ARTICLE_ID = re.compile(r"/bbs/[\w-]+/(M\.(\d+)\.A\.[0-9A-Fa-f]+)\.html$")
_PUSH_TIME = re.compile(r"(\d{1,2})/(\d{1,2})\s+(\d{1,2}):(\d{2})")
_PUSH_KIND = {"推": "push", "噓": "boo", "→": "arrow"}
_ARTICLE_KEY = re.compile(r"M\.\d+\.A\.[0-9A-Fa-f]+")

logger = logging.getLogger(__name__)


def _article_key(article_id: str) -> tuple[int, str]:
    match = re.match(r"M\.(\d+)\.A\.(\w+)", article_id)
    return (int(match.group(1)), match.group(2)) if match else (0, article_id)


class PttConnector(Connector):
    kind = "ptt"
    min_interval = 1.0
    revisit_days = 3.0
    revisit_limit = 20

    def fetch(self, cursor: dict) -> tuple[list[NormalisedPost], dict]:
        board = self.setting("board")
        if not re.fullmatch(r"[\w-]{1,40}", board):
            raise ConnectorError(_("The board name “%(board)s” is not valid.") % {"board": board})
        base = self.config.get("base_url", BASE_URL)
        max_pages = int(self.config.get("max_pages", 3))
        last_id = (cursor or {}).get("last_id", "")
        http = self.http(cookies={"over18": "1"})
        try:
            links = self._new_article_links(http, base, board, last_id, max_pages)
            posts: list[NormalisedPost] = []
            newest = last_id
            for article_id, url in links:
                html = http.get(url).text
                try:
                    posts.extend(self.parse_article(html, article_id=article_id, url=url))
                except ConnectorError as error:
                    self.warnings.append(f"{url}: {error}")
                    continue
                if not newest or _article_key(article_id) > _article_key(newest):
                    newest = article_id
            fetched = {article_id for article_id, _url in links}
            for article_id in self.revisit:
                if article_id in fetched or not _ARTICLE_KEY.fullmatch(article_id):
                    continue
                posts.extend(self._article_revisit(http, f"{base}/bbs/{board}/{article_id}.html"))
                self.revisited.append(article_id)
        finally:
            http.close()
        return posts, {"last_id": newest} if newest else dict(cursor or {})

    def _article_revisit(self, http, url: str) -> list[NormalisedPost]:
        """A stored article read again; deleted or broken since is normal, not a warning."""
        article_id = url.rsplit("/", 1)[-1].removesuffix(".html")
        try:
            return self.parse_article(http.get(url).text, article_id=article_id, url=url)
        except ConnectorError as error:
            logger.info("PTT article %s not read again: %s", url, error)
            return []

    def _new_article_links(self, http, base, board, last_id, max_pages):
        url = f"{base}/bbs/{board}/index.html"
        found: dict[str, str] = {}
        for _page in range(max_pages):
            html = http.get(url).text
            soup = BeautifulSoup(html, "html.parser")
            entries = soup.select("div.r-ent")
            if not entries and not soup.select_one(
                "div.r-list-container, div#action-bar-container"
            ):
                raise ConnectorError(
                    _("The PTT board page %(url)s could not be read (unexpected HTML).")
                    % {"url": url}
                )
            reached_old = False
            for entry in entries:
                link = entry.select_one("div.title a[href]")
                if link is None:  # deleted article
                    continue
                href = link["href"]
                match = _ARTICLE_ID.search(href)
                if not match:
                    continue
                article_id = match.group(1)
                if last_id and _article_key(article_id) <= _article_key(last_id):
                    reached_old = True
                    continue
                found[article_id] = urljoin(base, href)
            previous = next(
                (a for a in soup.select("div.btn-group-paging a[href]") if "上頁" in a.text), None
            )
            if reached_old or previous is None:
                break
            url = urljoin(base, previous["href"])
        return sorted(found.items(), key=lambda item: _article_key(item[0]))

    def parse_article(self, html: str, *, article_id: str, url: str) -> list[NormalisedPost]:
        soup = BeautifulSoup(html, "html.parser")
        main = soup.select_one("#main-content")
        if main is None:
            raise ConnectorError(_("The article has no content (broken or removed page)."))
        meta = {}
        for line in main.select("div.article-metaline, div.article-metaline-right"):
            tag = line.select_one(".article-meta-tag")
            value = line.select_one(".article-meta-value")
            if tag and value:
                meta[tag.get_text(strip=True)] = value.get_text(strip=True)
            line.extract()
        published = parse_datetime_loose(meta.get("時間", ""))
        if published is None:
            seconds = _article_key(article_id)[0]
            published = parse_datetime_loose(seconds) if seconds else None
        if published is None:
            raise ConnectorError(_("The article's date could not be read."))
        push_divs = main.select("div.push")
        for div in push_divs:
            div.extract()
        for span in main.select("span.f2"):  # ※ 發信站 / 編輯 lines
            span.extract()
        body = main.get_text("\n").split("\n--\n")[0].strip()
        author = meta.get("作者", "").split(" ")[0]
        pushes: list[NormalisedPost] = []
        counts = {"push": 0, "boo": 0, "arrow": 0}
        for number, div in enumerate(push_divs, start=1):
            tag = div.select_one(".push-tag")
            user = div.select_one(".push-userid")
            content = div.select_one(".push-content")
            when = div.select_one(".push-ipdatetime")
            if not (tag and content):
                continue
            kind = _PUSH_KIND.get(tag.get_text(strip=True), "arrow")
            counts[kind] += 1
            text = content.get_text().lstrip(":").strip()
            if not text:
                continue
            pushes.append(
                NormalisedPost(
                    external_id=f"{article_id}#{number}",
                    text=clip(text),
                    published_at=_push_time(when.get_text() if when else "", published),
                    url=f"{url}#push-{number}",
                    author=user.get_text(strip=True) if user else "",
                    pushes=1 if kind == "push" else 0,
                    boos=1 if kind == "boo" else 0,
                    parent_external_id=article_id,
                    raw={"tag": kind, "user": user.get_text(strip=True) if user else ""},
                )
            )
        title = meta.get("標題", "")
        article = NormalisedPost(
            external_id=article_id,
            text=clip(f"{title}\n{body}".strip()),
            title=title[:300],
            published_at=published,
            url=url,
            author=author,
            pushes=counts["push"],
            boos=counts["boo"],
            raw={"meta": meta, "html": html[:200_000]},
        )
        return [article, *pushes]


def _push_time(text: str, article_time: datetime) -> datetime:
    match = _PUSH_TIME.search(text or "")
    if not match:
        return article_time
    month, day, hour, minute = (int(x) for x in match.groups())
    local = timezone.localtime(article_time)
    try:
        when = local.replace(month=month, day=day, hour=hour, minute=minute, second=0)
    except ValueError:
        return article_time
    if when < article_time and month < local.month:  # pushes across New Year
        when = when.replace(year=local.year + 1)
    return when
