"""Sign-up with mandatory e-mail verification, sign-in and brute-force protection."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from minyi.accounts.models import User
from minyi.agencies.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-enough-passw0rd"


def signup(client, *, email="lin@example.org", display_name="熱心市民", password=PASSWORD):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "display_name": display_name,
            "password1": password,
            "password2": password,
        },
    )


def test_signup_requires_email_verification_then_allows_login(client):
    response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="lin@example.org")
    assert user.display_name == "熱心市民"
    assert user.groups.filter(name=Role.CITIZEN.group_name).exists()
    assert not EmailAddress.objects.get(user=user).verified

    # Not verified yet: logging in leads to the verification notice, not a session.
    client.logout()
    client.post(reverse("account_login"), {"login": "lin@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session

    (message,) = mail.outbox
    # the platform greets by its name, not by the host it was reached on
    assert "民意 Minyi" in message.body and "來自testserver" not in message.body
    # In plain Taiwanese wording ("Email" and a missing space had read as machine translation).
    assert "以這個電子郵件地址在 testserver 註冊帳號（顯示名稱：熱心市民）" in message.body
    assert "Email" not in message.body.replace("[民意 Minyi]", "")
    # Told once to ignore it if it was not them (the greeting had said it twice, in two wordings).
    assert message.body.count("請忽略") == 1
    link = re.search(r"https?://[^/\s]+(/[^\s]*confirm-email/[^\s]+/)", message.body).group(1)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    response = client.post(
        reverse("account_login"), {"login": "lin@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    # The page signed in to says so, in the site's own wording (one full stop, 身分).
    landing = client.get(response.url, follow=True).content.decode()
    assert "已以 熱心市民 的身分登入。" in landing


@pytest.mark.parametrize(
    ("display_name", "error"),
    [
        ("x", "顯示名稱至少需要 2 個字。"),
        ("已刪除的使用者", "這個顯示名稱為系統保留，無法使用。"),
        ("lin@example.org", "請勿以電子郵件地址或電話號碼作為顯示名稱。"),
        ("0912 345 678", "請勿以電子郵件地址或電話號碼作為顯示名稱。"),
    ],
)
def test_signup_rejects_bad_display_names_in_chinese(client, display_name, error):
    response = signup(client, display_name=display_name)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not User.objects.exists()


def test_display_names_are_unique_ignoring_case_and_width(client, make_user):
    make_user(display_name="Taipei Lin")
    response = signup(client, display_name="ｔａｉｐｅｉ lin")
    assert response.status_code == 200
    assert User.objects.count() == 1


def test_failed_logins_are_rate_limited(client, make_user, settings):
    user = make_user(email="target@example.org")
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": "target@example.org", "password": "wrong-password"}
        )
        assert response.status_code == 200
    # The right password no longer works once the limit is reached.
    response = client.post(
        reverse("account_login"),
        {"login": "target@example.org", "password": "correct-horse-battery-42"},
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code in {200, 429}
    assert user.last_login is None


def test_wagtail_and_django_admin_logins_go_through_allauth(client):
    for url in ("/admin/login/", "/django-admin/login/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_password_reset_by_email(client, make_user):
    user = make_user(email="forgot@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "forgot@example.org"})
    assert response.status_code == 302
    # The page after asking leads on: back to sign-in, or send the link again.
    done = client.get(response.url).content.decode()
    assert f'href="{reverse("account_login")}">回到登入頁</a>' in done
    assert f'href="{reverse("account_reset_password")}">重新寄送連結</a>' in done
    (message,) = mail.outbox
    # Taiwan's wording, said once: no 帳戶 or 點擊, one "ignore this" (the platform's footer).
    assert "有人要求重設您帳號的密碼" in message.body
    assert "帳戶" not in message.body and "點擊" not in message.body
    assert message.body.count("忽略") == 1
    link = re.search(r"https?://[^/\s]+(/[^\s]*password/reset/key/[^\s]+/)", message.body).group(1)
    form_url = client.get(link)["Location"]  # allauth moves the key into the session first
    new_password = "Brand-new-passw0rd-2026"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_logout_is_a_post(client, make_user):
    client.force_login(make_user())
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_a_fields_error_runs_on_after_the_full_width_colon(client):
    """「錯誤：顯示名稱…」 with no space after 「：」 in Chinese; "Error: …" keeps it in English."""
    html = signup(client, display_name="x").content.decode()
    assert "錯誤：</span>顯示名稱至少需要 2 個字。" in html
    english = client.post(
        "/en" + reverse("account_signup"),
        {
            "email": "a@example.org",
            "display_name": "x",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    ).content.decode()
    from django.utils import translation

    translation.activate("zh-hant")
    assert "Error:</span> " in english


def test_the_owner_is_told_when_the_password_changes(client, make_user):
    user = make_user(email="owner@example.org", password=PASSWORD)
    client.force_login(user)
    mail.outbox.clear()
    new_password = "Another-passw0rd-2026"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["owner@example.org"]
    assert "密碼" in message.body and message.body.startswith("您好，這裡是")
    assert "請立即採取適當的安全措施" in message.body
    assert "忽略" not in message.body  # a change the owner did not make is not to be ignored


def test_the_verification_notice_offers_a_way_to_get_the_link_again(client):
    """allauth's notice said 「請與我們聯繫」 with nothing to contact: signing in resends it."""
    from django.core.cache import cache

    html = signup(client, email="wang@example.org").content.decode()
    page = client.get(reverse("account_email_verification_sent")).content.decode()
    assert "請與我們聯繫" not in page and "登入就會再寄一次驗證連結" in page
    assert f'href="{reverse("account_login")}"' in page
    assert len(mail.outbox) == 1, html
    cache.clear()  # a few minutes later: allauth sends one link per address per 3 minutes
    client.post(reverse("account_login"), {"login": "wang@example.org", "password": PASSWORD})
    assert len(mail.outbox) == 2 and "confirm-email" in mail.outbox[1].body


def test_a_citizen_opening_the_admin_is_told_they_may_not(client, make_user):
    """A signed-in citizen at /admin/ went to sign-in, back to /admin/, and round again until
    the browser gave up (ERR_TOO_MANY_REDIRECTS)."""
    client.force_login(make_user(display_name="熱心市民"))
    url, seen = "/admin/", []
    for _hop in range(5):
        response = client.get(url)
        if response.status_code != 302:
            break
        seen.append(url)
        url = response["Location"]
    assert response.status_code == 403, seen
    html = response.content.decode()
    assert "您無法開啟這個頁面" in html and "熱心市民" in html
    assert "You do not have permission" not in html  # Wagtail's message, in Chinese
    assert client.get("/django-admin/").status_code in {302, 403}
    assert client.get("/django-admin/login/").status_code == 403
    # Every refusal is the site's own page, in Chinese (it was a bare English "403 Forbidden").
    refused = client.get("/listening/")
    assert refused.status_code == 403 and "您無法開啟這個頁面" in refused.content.decode()


def test_the_sign_in_page_points_to_sign_up_in_one_sentence(client):
    html = client.get(reverse("account_login")).content.decode()
    assert re.search(r"還沒有帳號嗎？請先<a [^>]*>註冊</a>。", html), "no sign-up sentence"
