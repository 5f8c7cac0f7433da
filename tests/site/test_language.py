"""Traditional Chinese by default (site and admin), English as the second language."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_wagtail_admin_speaks_traditional_chinese(client, make_user):
    from minyi.agencies.roles import Role
    from minyi.agencies.services import user_role_add

    editor = make_user()
    user_role_add(user=editor, role=Role.ADMINISTRATOR)
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'lang="zh-hant"' in html
    assert "控制面板" in html  # Wagtail's zh_Hant name for its dashboard


def test_english_lives_under_en_prefix(client):
    zh = client.get("/accounts/login/")
    en = client.get("/en/accounts/login/")
    assert zh.status_code == en.status_code == 200
    assert "密碼" in zh.content.decode()
    assert "Password" in en.content.decode()


def test_time_zone_is_taipei(settings):
    assert settings.TIME_ZONE == "Asia/Taipei"
    assert settings.LANGUAGE_CODE == "zh-hant"


def test_the_page_editors_promote_tab_and_checker_speak_chinese(
    client, make_user, make_consultation
):
    from django.utils import translation

    from minyi.agencies.roles import Role
    from minyi.agencies.services import user_role_add

    page = make_consultation()
    editor = make_user()
    user_role_add(user=editor, role=Role.ADMINISTRATOR)
    editor.is_superuser = True  # the site's administrators edit every page
    editor.save(update_fields=["is_superuser"])
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200, response
    html = response.content.decode()
    for chinese in ("推廣", "網址代稱", "搜尋結果標題", "搜尋結果摘要", "空白時使用頁面標題"):
        assert chinese in html, chinese
    for english in ("clickable headline", "underneath a headline", "[my-slug]", "Promote"):
        assert english not in html, english
    # The accessibility checker's findings (shown to staff in the userbar and the editor).
    with translation.override("zh-hant"):
        assert translation.gettext("Incorrect heading hierarchy") == "標題層級不正確"
        assert translation.gettext("Meta description is empty") == "搜尋結果摘要是空白的"


@pytest.mark.parametrize(
    "chinese_path",
    ["/", "/accounts/login/", "/motc/uberx/", "/participate/search/"],
)
def test_the_language_switch_goes_both_ways_on_the_same_page(
    client, make_consultation, chinese_path
):
    """A reader who chose English must be able to return to 中文 from the page they are on
    (the switch used to send /en/… back to itself)."""
    make_consultation(slug="uberx", agency_code="MOTC")
    english_path = "/en" + chinese_path
    to_english = client.post(reverse("set_language"), {"language": "en", "next": chinese_path})
    assert to_english.status_code == 302
    assert to_english["Location"] == english_path
    to_chinese = client.post(reverse("set_language"), {"language": "zh-hant", "next": english_path})
    assert to_chinese.status_code == 302
    assert to_chinese["Location"] == chinese_path
    assert to_chinese.cookies["django_language"].value == "zh-hant"
    page = client.get(to_chinese["Location"])
    assert page.status_code == 200
    assert '<html lang="zh-Hant-TW"' in page.content.decode()


def test_the_language_switch_keeps_the_query_and_refuses_other_sites(client):
    back = client.post(
        reverse("set_language"), {"language": "zh-hant", "next": "/en/participate/search/?q=公車"}
    )
    assert back["Location"] == "/participate/search/?q=%E5%85%AC%E8%BB%8A"
    elsewhere = client.post(
        reverse("set_language"), {"language": "zh-hant", "next": "https://example.com/en/"}
    )
    assert elsewhere["Location"] == "/"


def test_agencies_are_named_in_the_readers_language(client, make_agency, make_consultation):
    """English pages named every agency in Chinese although each has an English name."""
    from django.utils import translation

    from minyi.agencies.models import Agency

    page = make_consultation(slug="bus", agency_code="MOTC")
    Agency.objects.filter(code="MOTC").update(
        name_zh="交通部", name_en="Ministry of Transportation and Communications"
    )
    assert "交通部 ·" in client.get(page.url).content.decode()
    english = client.get(f"/en{page.url}").content.decode()
    translation.activate("zh-hant")
    assert "Ministry of Transportation and Communications ·" in english
    assert "交通部 ·" not in english
