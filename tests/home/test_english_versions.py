"""The pages that frame the site (home, consultations, petitions) in English on /en/: an editor
gives their title and introduction in English in the admin; without them the Chinese stays."""

import pytest
from django.utils import translation

from participation.models import ConsultationIndexPage, PetitionIndexPage

pytestmark = pytest.mark.django_db


def _get(client, path):
    try:
        response = client.get(path)
        assert response.status_code == 200
        return response.content.decode()
    finally:
        translation.activate("zh-hant")


def test_the_home_page_created_on_install_has_an_english_introduction(client, home_page):
    html = _get(client, "/en/")
    assert "Government that listens and answers" in html
    assert "傾聽民意、回應民意" not in html
    assert "傾聽民意、回應民意" in _get(client, "/")


@pytest.mark.parametrize("model", [ConsultationIndexPage, PetitionIndexPage])
def test_index_pages_use_the_english_title_and_introduction(client, home_page, model):
    page = model(
        title="公共政策諮詢",
        slug="index",
        intro="<p>中文簡介</p>",
        title_en="Public consultations",
        intro_en="<p>In English</p>",
    )
    home_page.add_child(instance=page)
    english = _get(client, "/en/index/")
    assert "<h1>Public consultations</h1>" in english and "In English" in english
    assert "<title>Public consultations" in english
    assert "公共政策諮詢" not in english and "中文簡介" not in english
    chinese = _get(client, "/index/")
    assert "<h1>公共政策諮詢</h1>" in chinese and "中文簡介" in chinese
    assert "Public consultations" not in chinese


def test_without_an_english_title_the_chinese_one_is_shown(client, home_page):
    home_page.add_child(instance=PetitionIndexPage(title="提點子", slug="index"))
    assert "<h1>提點子</h1>" in _get(client, "/en/index/")


def test_the_english_fields_are_in_the_page_editor(admin_client, home_page):
    html = admin_client.get(f"/admin/pages/{home_page.pk}/edit/").content.decode()
    assert 'name="title_en"' in html and 'name="intro_en"' in html
    assert "英文網站" in html
