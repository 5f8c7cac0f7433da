"""Facebook pages through the Graph API: the page's posts since the cursor, with comments.

The access token comes from settings (``LISTENING_FACEBOOK_TOKEN``) or the source's
configuration (``access_token``), never from the page address.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from .base import Connector, ConnectorError, NormalisedPost, clip, parse_datetime_loose

GRAPH_URL = "https://graph.facebook.com/v19.0"
FIELDS = (
    "id,message,created_time,permalink_url,shares,reactions.summary(total_count).limit(0),"
    "comments.limit(100).summary(true){id,message,created_time,from,like_count}"
)


class FacebookConnector(Connector):
    kind = "facebook"
    min_interval = 0.5

    def fetch(self, cursor: dict) -> tuple[list[NormalisedPost], dict]:
        page_id = self.setting("page_id")
        token = self.config.get("access_token") or getattr(settings, "LISTENING_FACEBOOK_TOKEN", "")
        if not token:
            raise ConnectorError(_("No Facebook access token is configured."))
        base = self.config.get("base_url", GRAPH_URL)
        since = int((cursor or {}).get("since", 0))
        max_pages = int(self.config.get("max_pages", 5))
        params = {"fields": FIELDS, "limit": 25, "access_token": token}
        if since:
            params["since"] = since
        http = self.http()
        posts: list[NormalisedPost] = []
        newest = since
        url: str | None = f"{base}/{page_id}/posts"
        try:
            for _page in range(max_pages):
                if not url:
                    break
                body = http.json(url, params=params)
                params = None  # the "next" link carries them
                if not isinstance(body, dict) or "error" in body or "data" not in body:
                    message = (
                        body.get("error", {}).get("message", "") if isinstance(body, dict) else ""
                    )
                    raise ConnectorError(
                        _("The Graph API refused the request: %(message)s") % {"message": message}
                    )
                for item in body["data"]:
                    created = parse_datetime_loose((item or {}).get("created_time"))
                    if not item.get("id") or created is None:
                        self.warnings.append(
                            _("A Facebook post without an id or date was skipped.")
                        )
                        continue
                    posts.extend(self._post(page_id, item, created))
                    newest = max(newest, int(created.timestamp()))
                url = (body.get("paging") or {}).get("next")
        finally:
            http.close()
        return posts, {"since": newest}

    def _post(self, page_id, item, created) -> list[NormalisedPost]:
        reactions = ((item.get("reactions") or {}).get("summary") or {}).get("total_count", 0)
        post = NormalisedPost(
            external_id=item["id"],
            text=clip(item.get("message") or ""),
            published_at=created,
            url=item.get("permalink_url") or f"https://www.facebook.com/{item['id']}",
            author=f"page:{page_id}",
            likes=int(reactions or 0),
            shares=int((item.get("shares") or {}).get("count", 0)),
            raw=item,
        )
        result = [post] if post.text else []
        for comment in (item.get("comments") or {}).get("data", []):
            if not comment.get("id") or not comment.get("message"):
                continue
            result.append(
                NormalisedPost(
                    external_id=comment["id"],
                    text=clip(comment["message"]),
                    published_at=parse_datetime_loose(comment.get("created_time")) or created,
                    url=f"https://www.facebook.com/{comment['id']}",
                    author=(comment.get("from") or {}).get("id", ""),
                    likes=int(comment.get("like_count") or 0),
                    parent_external_id=item["id"] if post.text else "",
                    raw=comment,
                )
            )
        return result
