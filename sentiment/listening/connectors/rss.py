"""RSS and Atom news feeds (Central News Agency, agency press releases) through feedparser."""

import hashlib
from calendar import timegm

import feedparser
from bs4 import BeautifulSoup
from django.utils import timezone
from django.utils.translation import gettext as _

from .base import Connector, ConnectorError, NormalisedPost, clip, parse_datetime_loose


class RssConnector(Connector):
    kind = "rss"
    min_interval = 1.0

    def fetch(self, cursor: dict) -> tuple[list[NormalisedPost], dict]:
        url = self.setting("url")
        http = self.http()
        try:
            content = http.get(url).content
        finally:
            http.close()
        return self.parse(content, cursor)

    def parse(self, content: bytes, cursor: dict) -> tuple[list[NormalisedPost], dict]:
        feed = feedparser.parse(content)
        if feed.bozo and not feed.entries:
            raise ConnectorError(
                _("The feed could not be read: %(error)s")
                % {"error": getattr(feed, "bozo_exception", "")}
            )
        now = timezone.now()
        posts = []
        for entry in feed.entries:
            link = entry.get("link", "")
            key = entry.get("id") or link or entry.get("title", "")
            if not key:
                self.warnings.append(_("A feed item without id, link or title was skipped."))
                continue
            published = None
            for field in ("published_parsed", "updated_parsed"):
                parsed = entry.get(field)
                if parsed:
                    published = parse_datetime_loose(timegm(parsed))
                    if published:
                        break
            if published is None:
                published = parse_datetime_loose(entry.get("published") or entry.get("updated"))
            if published is None:
                self.warnings.append(
                    _("“%(title)s” has a missing or impossible date; the time it was read is used.")
                    % {"title": entry.get("title", key)[:60]}
                )
                published = now
            summary = BeautifulSoup(entry.get("summary", "") or "", "html.parser").get_text(
                " ", strip=True
            )
            title = entry.get("title", "")
            posts.append(
                NormalisedPost(
                    external_id=hashlib.sha256(key.encode()).hexdigest()[:40]
                    if len(key) > 200
                    else key,
                    text=clip(f"{title}\n{summary}".strip()),
                    title=title[:300],
                    published_at=published,
                    url=link[:1000],
                    author=entry.get("author", ""),
                    raw={k: str(v)[:5000] for k, v in entry.items() if isinstance(v, str)},
                )
            )
        return posts, dict(cursor or {})
