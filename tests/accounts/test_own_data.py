"""Profile, personal-data download and account deletion."""

import json
from importlib import import_module

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from django.urls import reverse

from minyi.accounts.models import User
from minyi.accounts.selectors import register_export_section, user_data_export
from minyi.agencies.services import agency_staff_add

pytestmark = pytest.mark.django_db


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_profile_updates_display_name(client, make_user):
    user = make_user(display_name="舊名字")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "新名字", "last_name": "林", "first_name": "小明"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.last_name, user.first_name) == ("新名字", "林", "小明")
    html = client.get(reverse("accounts:profile")).content.decode()
    # Chinese sentences and labels run on: no space after 。 or before （選填）
    assert "目前登入身分：新名字。註冊日期：" in html
    assert '姓<span class="field-optional">（選填）</span>' in html
    # Moderators' decisions on one's content were reachable only from a notification.
    assert f'href="{reverse("moderation:my_decisions")}"' in html


def test_profile_refuses_taken_name(client, make_user):
    make_user(display_name="已經有人用")
    user = make_user(display_name="原本的名字")
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"display_name": "已經有人用"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.display_name == "原本的名字"


def test_data_export_contains_own_data_only(client, make_user, make_agency):
    user = make_user(display_name="資料主人", email="owner@example.org")
    make_user(display_name="別人", email="other@example.org")
    agency_staff_add(agency=make_agency("MODA"), user=user, title="科員")
    client.force_login(user)

    response = client.get(reverse("accounts:data_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == "owner@example.org"
    assert data["account"]["display_name"] == "資料主人"
    assert data["agencies"] == [{"code": "MODA", "name": "MODA 機關", "title": "科員"}]
    assert "other@example.org" not in response.content.decode()


def test_export_sections_from_other_apps_are_included(make_user):
    user = make_user()
    register_export_section("test_section", lambda u: {"user": u.pk})
    try:
        assert user_data_export(user)["test_section"] == {"user": user.pk}
    finally:
        from minyi.accounts import selectors

        selectors._export_sections.pop("test_section")


def test_account_deletion_erases_identity_and_keeps_rows(client, make_user, make_agency):
    user = make_user(display_name="要離開的人", email="leaving@example.org")
    agency_staff_add(agency=make_agency("MODA"), user=user)
    client.force_login(user)
    phone = Client()  # signed in on a second device too
    phone.force_login(user)

    response = client.post(reverse("accounts:delete"), {"password": "wrong", "confirm": "on"})
    assert response.status_code == 200
    assert User.objects.get(pk=user.pk).is_active
    # Without the box ticked: one plain sentence (not 「…無法復原。：必要欄位」).
    html = client.post(reverse("accounts:delete"), {"password": "x"}).content.decode()
    assert "請勾選下方方框，確認您了解帳號刪除後無法復原。" in html and "。：" not in html

    response = client.post(
        reverse("accounts:delete"), {"password": "correct-horse-battery-42", "confirm": "on"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert user.display_name is None
    assert user.public_name == "已刪除的使用者"
    assert "leaving" not in user.email
    assert not user.has_usable_password()
    assert not user.groups.exists()
    assert not user.agency_memberships.exists()
    assert not EmailAddress.objects.filter(email="leaving@example.org").exists()
    # Every session is gone, from the session cache too (cached_db with Redis), and the address
    # can sign up again.
    assert client.get(reverse("accounts:profile")).status_code == 302
    store = import_module(settings.SESSION_ENGINE).SessionStore
    assert not store().exists(phone.cookies[settings.SESSION_COOKIE_NAME].value)
    assert not User.objects.filter(email="leaving@example.org").exists()


def test_admin_created_user_can_sign_in_and_admin_delete_anonymises(client, make_user):
    admin = make_user()
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    password = "Xyzzy-12345-abc"
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "Staff@Example.org",
            "first_name": "承辦",
            "last_name": "王",
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 302
    staff = User.objects.get(email__iexact="staff@example.org")
    assert EmailAddress.objects.get(user=staff).verified
    client.logout()
    client.post(reverse("account_login"), {"login": "staff@example.org", "password": password})
    assert client.session["_auth_user_id"] == str(staff.pk)

    client.force_login(admin)
    response = client.post(reverse("wagtailusers_users:delete", args=[staff.pk]))
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.is_deleted and not staff.is_active


def test_the_export_puts_a_label_beside_each_code(make_consultation, make_user, client):
    from django.utils import translation

    from participation.services import comment_create

    user = make_user()
    comment_create(
        consultation=make_consultation(), user=user, body="支持這個方向", stance="support"
    )
    client.force_login(user)
    with translation.override("zh-hant"):
        data = json.loads(client.get(reverse("accounts:data_export")).content)
    comment = data["participation"]["comments"][0]
    assert (comment["stance"], comment["stance_label"]) == ("support", "贊成")
    assert (comment["state"], comment["state_label"]) == ("published", "已發表")
    assert dict(zip(data["roles"], data["role_labels"], strict=True)) == {"citizen": "公民"}
