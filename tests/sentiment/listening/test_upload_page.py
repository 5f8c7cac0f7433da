"""The upload page's second step names every field in Chinese, says which are required, uses
the site's form styles and leads back to the dashboard and the source."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from minyi.agencies.roles import Role
from minyi.agencies.services import user_role_add
from sentiment.models import Source, SourceKind

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-Hant"}
LABELS = {
    "id": "貼文編號",
    "text": "內容",
    "published_at": "發布時間",
    "author": "作者",
    "url": "連結",
    "title": "標題",
    "likes": "按讚數",
    "shares": "分享數",
    "parent_id": "回覆對象的貼文編號",
}


@pytest.fixture
def upload_source(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return Source.objects.create(name="匯入", kind=SourceKind.UPLOAD, config={})


@pytest.fixture
def analyst_client(client, make_user):
    analyst = make_user()
    user_role_add(user=analyst, role=Role.ANALYST)
    client.force_login(analyst)
    return client


def _read_columns(client, source, header: str = "編號,內容,發文時間,作者"):
    csv = f"{header}\n1,計程車好貴,2025-01-02 10:00,甲\n".encode()
    upload = SimpleUploadedFile("posts.csv", csv, "text/csv")
    url = f"/listening/sources/{source.pk}/upload/"
    response = client.post(url, {"file": upload}, **ZH)
    assert response.status_code == 200
    return response.content.decode()


def _label(html: str, field: str) -> str:
    match = re.search(rf'<label class="field-label" for="id_map_{field}">(.*?)</label>', html)
    assert match, field
    return match.group(1)


def test_mapping_step_names_fields_in_chinese_and_marks_the_optional_ones(
    analyst_client, upload_source
):
    html = _read_columns(analyst_client, upload_source)
    for field, label in LABELS.items():
        text = _label(html, field)
        assert text.startswith(label), (field, text)
        assert ("（選填）" in text) == (field not in {"text", "published_at"}), field
    assert re.search(r'<form method="post" class="form[ "]', html)
    assert html.count('class="field field-select') == len(LABELS)
    assert "— 檔案中沒有這一欄 —" in html and ">published_at<" not in html
    # the ways back: the dashboard, the source in the admin, another file
    assert 'href="/listening/"' in html
    assert f'href="/admin/snippets/sentiment/source/edit/{upload_source.pk}/"' in html
    assert html.count(f'href="/listening/sources/{upload_source.pk}/upload/"') == 1


def test_mapping_without_text_and_date_asks_again_and_imports_nothing(
    analyst_client, upload_source, monkeypatch
):
    started = []
    monkeypatch.setattr(
        "sentiment.listening.views.upload_ingest_start", lambda **kw: started.append(kw)
    )
    _read_columns(analyst_client, upload_source)
    url = f"/listening/sources/{upload_source.pk}/upload/"
    response = analyst_client.post(url, {"map_text": "內容", "map_published_at": ""}, **ZH)
    html = response.content.decode()
    assert response.status_code == 200 and not started
    assert "請選擇存放這個欄位的檔案欄位。" in html
    assert '<option value="內容" selected>' in html  # what was chosen stays chosen

    response = analyst_client.post(
        url, {"map_text": "內容", "map_published_at": "發文時間", "map_author": "作者"}, **ZH
    )
    assert response.status_code == 302
    assert started[0]["mapping"]["published_at"] == "發文時間"
    assert started[0]["mapping"]["id"] == ""


def test_same_named_columns_are_chosen_for_their_fields(analyst_client, upload_source):
    html = _read_columns(analyst_client, upload_source, header="id,text,published_at,author")
    for field in ("id", "text", "published_at", "author"):
        assert f'<option value="{field}" selected>' in html
