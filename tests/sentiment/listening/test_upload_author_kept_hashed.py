"""An uploaded file's author column is kept only as a hash, as the mapping step says
(「只以雜湊值儲存，不保存作者名稱」): the row kept as the raw payload for 90 days held the
author's name as well."""

from sentiment.listening.connectors.upload import UploadConnector
from sentiment.listening.services import upload_ingest
from sentiment.models import Post

from .conftest import FIXTURES

MAPPING = {"id": "編號", "text": "內容", "published_at": "時間", "author": "作者", "likes": "讚數"}


def test_the_author_column_is_not_kept_in_the_raw_row(make_source, tmp_path):
    source = make_source("upload", mapping=MAPPING)
    posts, _ = UploadConnector(source, path=FIXTURES / "upload.csv").fetch({})
    assert posts[0].author == "甲"  # the connector still hands it over, to be hashed
    assert "作者" not in posts[0].raw and posts[0].raw["內容"] == "Uber 與計程車的競爭"

    copy = tmp_path / "upload.csv"
    copy.write_bytes((FIXTURES / "upload.csv").read_bytes())
    upload_ingest(source=source, path=copy)
    post = Post.objects.get(source=source, external_id="u1")
    assert post.author_hash and "甲" not in str(post.raw) and "作者" not in post.raw
