"""Personal data in social posts is masked before storage, as in citizens' comments."""

import json

import pytest
from django.utils import timezone

from sentiment.listening.connectors.base import NormalisedPost
from sentiment.listening.services import author_hash, posts_store
from sentiment.models import Post

RAW_VALUES = ["A123456789", "A 123 456 789", "0912345678", "someone@example.com"]
CARD = "4111 1111 1111 1111"


@pytest.mark.django_db
def test_posts_are_stored_masked_with_hashed_authors(make_source):
    source = make_source("upload", mapping={"id": "id", "text": "text"})
    text = (
        "Uber 司機電話 0912345678，身分證 A123456789，也有人寫 A 123 456 789，"
        f"信箱 someone@example.com，卡號 {CARD}。"
    )
    item = NormalisedPost(
        external_id="p1",
        text=text,
        title="聯絡 someone@example.com",
        published_at=timezone.now(),
        author="handle-42",
        raw={"text": text, "nested": [{"phone": "0912345678"}]},
    )
    posts_store(source=source, items=[item], cursor={})
    post = Post.objects.get()
    stored = json.dumps([post.text, post.title, post.raw, post.author_hash], ensure_ascii=False)
    for value in [*RAW_VALUES, CARD, "handle-42"]:
        assert value not in stored
    assert "A12****789" in post.text and "**** **** **** 1111" in post.text
    assert post.author_hash == author_hash(source_kind="upload", handle="handle-42")


@pytest.mark.django_db
def test_posts_stored_before_masking_are_masked_by_the_command(make_source):
    from io import StringIO

    from django.core.management import call_command

    from sentiment.models import TextAnalysis

    source = make_source("upload", mapping={"id": "id", "text": "text"})
    old = Post.objects.create(
        source=source,
        external_id="old",
        text="Uber 司機身分證 A123456789，電話 0912345678",
        title="someone@example.com",
        published_at=timezone.now(),
        raw={"text": "A123456789"},
    )
    out = StringIO()
    call_command("listening_mask_posts", stdout=out)
    assert "已遮蔽 1 則" in out.getvalue()
    old.refresh_from_db()
    stored = json.dumps([old.text, old.title, old.raw], ensure_ascii=False)
    for value in ["A123456789", "0912345678", "someone@example.com"]:
        assert value not in stored
    tokens = TextAnalysis.objects.get(object_id=old.pk, content_type__model="post").tokens
    assert "A123456789".lower() not in json.dumps(tokens).lower()
    call_command("listening_mask_posts", stdout=out)
    assert "已遮蔽 0 則" in out.getvalue()
