"""The notice of collection (個資法 §8): a page of its own, linked where data is collected."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_the_privacy_page_says_who_what_why_how_long_and_the_rights(client, settings):
    settings.MINYI_OPERATOR_NAME = "國家發展委員會"
    settings.MINYI_PRIVACY_CONTACT = "privacy@ndc.example.tw"
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "國家發展委員會" in html and 'href="mailto:privacy@ndc.example.tw"' in html
    for heading in ("蒐集者", "蒐集目的", "蒐集的資料", "誰看得到、在哪裡處理、保存多久"):
        assert f">{heading}</h2>" in html, heading
    assert "您的權利" in html and "不提供資料的影響" in html
    for name in ("accounts:profile", "accounts:data_export", "accounts:delete"):
        assert f'href="{reverse(name)}"' in html, name
    english = client.get("/en" + reverse("privacy")).content.decode()
    translation.activate(settings.LANGUAGE_CODE)  # the request left English active here
    assert "Personal Data Protection Act" in english and "蒐集目的" not in english


def test_sign_up_and_every_page_link_to_it(client):
    signup = client.get(reverse("account_signup")).content.decode()
    notice = signup[signup.index('class="form-notice"') :]
    notice = notice[: notice.index("</p>")]
    assert "公開頁面只顯示您的顯示名稱" in notice
    assert f'href="{reverse("privacy")}"' in notice
    home = client.get("/").content.decode()
    footer = home[home.index('<footer class="site-footer">') :]
    assert f'href="{reverse("privacy")}">隱私權與個人資料保護</a>' in footer


def test_the_confirmation_e_mail_reads_as_the_platform_in_chinese(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "newcomer@example.org",
            "password1": "correct-horse-battery-42",
            "password2": "correct-horse-battery-42",
            "display_name": "新來的",
        },
    )
    (message,) = mail.outbox
    assert message.body.startswith("您好，這裡是")
    assert "政府公共政策參與平台" in message.body
    assert "請勿直接回覆" in message.body
    assert "Hello from" not in message.body and "的問候" not in message.body
