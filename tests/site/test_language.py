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
