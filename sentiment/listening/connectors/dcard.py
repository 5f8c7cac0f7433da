"""Dcard's public JSON API: the newest posts of a forum, each post's full text and comments."""

from django.utils.translation import gettext as _

from .base import Connector, ConnectorError, NormalisedPost, clip, parse_datetime_loose

BASE_URL = "https://www.dcard.tw/service/api/v2"


class DcardConnector(Connector):
    kind = "dcard"
    min_interval = 1.0

    def fetch(self, cursor: dict) -> tuple[list[NormalisedPost], dict]:
        forum = self.setting("forum")
        base = self.config.get("base_url", BASE_URL)
        limit = int(self.config.get("limit", 30))
        last_id = int((cursor or {}).get("last_id", 0))
        http = self.http()
        posts: list[NormalisedPost] = []
        newest = last_id
        try:
            listing = http.json(f"{base}/forums/{forum}/posts", params={"limit": limit})
            if not isinstance(listing, list):
                raise ConnectorError(_("Dcard answered with something other than a list of posts."))
            for item in sorted(listing, key=lambda x: x.get("id", 0) if isinstance(x, dict) else 0):
                if not isinstance(item, dict) or not isinstance(item.get("id"), int):
                    self.warnings.append(_("A Dcard post without an id was skipped."))
                    continue
                if item["id"] <= last_id:
                    continue
                try:
                    detail = http.json(f"{base}/posts/{item['id']}")
                    comments = http.json(f"{base}/posts/{item['id']}/comments")
                    posts.extend(self._post(forum, item, detail, comments))
                except ConnectorError as error:
                    self.warnings.append(f"{item['id']}: {error}")
                    continue
                newest = max(newest, item["id"])
        finally:
            http.close()
        return posts, {"last_id": newest}

    def _post(self, forum, item, detail, comments) -> list[NormalisedPost]:
        if not isinstance(detail, dict):
            raise ConnectorError(_("The post's details could not be read."))
        published = parse_datetime_loose(detail.get("createdAt") or item.get("createdAt"))
        if published is None:
            raise ConnectorError(_("The post's date could not be read."))
        post_id = str(item["id"])
        url = f"https://www.dcard.tw/f/{forum}/p/{post_id}"
        title = detail.get("title") or item.get("title") or ""
        result = [
            NormalisedPost(
                external_id=post_id,
                text=clip(f"{title}\n{detail.get('content') or item.get('excerpt') or ''}".strip()),
                title=title[:300],
                published_at=published,
                url=url,
                author=_author(detail),
                likes=int(detail.get("likeCount") or 0),
                raw=detail,
            )
        ]
        for comment in comments if isinstance(comments, list) else []:
            if not isinstance(comment, dict) or comment.get("hidden") or not comment.get("content"):
                continue
            when = parse_datetime_loose(comment.get("createdAt")) or published
            floor = comment.get("floor")
            result.append(
                NormalisedPost(
                    external_id=f"{post_id}-c{comment.get('id') or floor}",
                    text=clip(comment["content"]),
                    published_at=when,
                    url=f"{url}/b/{floor}" if floor else url,
                    author=_author(comment),
                    likes=int(comment.get("likeCount") or 0),
                    parent_external_id=post_id,
                    raw=comment,
                )
            )
        return result


def _author(item: dict) -> str:
    # Dcard is anonymous unless the writer shows a school or persona; hash what there is.
    return str(item.get("persona") or item.get("school") or "")
