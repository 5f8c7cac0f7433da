"""Identity assurance (身分驗證等級): L1 e-mail, L2 mobile number by SMS code, L3 government
identity; the policy that petitions need L2; errors in Traditional Chinese; nothing half-stored."""

import re
from datetime import timedelta

import httpx
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Site

from minyi.accounts.mobile import mobile_number_hash, mobile_number_normalize
from minyi.accounts.models import AssuranceLevel, MobileNumber, MobileVerification
from minyi.accounts.selectors import (
    AssuranceRequired,
    assurance_require,
    user_assurance_level,
    user_data_export,
)
from minyi.accounts.services import (
    mobile_verification_confirm,
    mobile_verification_start,
    user_delete,
)
from minyi.accounts.sms import MitakeSMSBackend, SMSError
from minyi.agencies.roles import Role
from minyi.agencies.services import user_role_add
from minyi.ratelimit import RateLimited
from participation.models import ParticipationSettings, PetitionEndorsement
from participation.selectors import petition_integrity
from participation.services import (
    comment_create,
    petition_create,
    petition_endorse,
    petition_moderation_approve,
)

pytestmark = pytest.mark.django_db

CODE_LINE = re.compile(r"\[SMS to (\+886\d{9})\] .*?(\d{6})")


def _code(capsys) -> str:
    """The code the console backend printed last (as the person reads their phone)."""
    matches = CODE_LINE.findall(capsys.readouterr().out)
    assert matches, "the console SMS backend printed no code"
    return matches[-1][1]


def _verify(user, number, capsys, ip="192.0.2.1"):
    mobile_verification_start(user=user, number=number, ip_address=ip)
    return mobile_verification_confirm(user=user, code=_code(capsys))


@pytest.fixture
def petition(make_user, make_agency):
    moderator = make_user(display_name="林審查")
    user_role_add(user=moderator, role=Role.MODERATOR)
    rules = ParticipationSettings.for_site(Site.objects.get(is_default_site=True))
    rules.petition_threshold = 3
    rules.save()
    petition = petition_create(
        user=make_user(),
        title="增設公車專用道",
        body="請增設公車專用道。",
        agency=make_agency("MOTC"),
    )
    return petition_moderation_approve(petition=petition, moderator=moderator)


@pytest.mark.parametrize(
    "raw",
    [
        "0912-345-678",
        "0912 345 678",
        "0912345678",
        "+886 912 345 678",
        "+886-912-345-678",
        "886912345678",
        "+886 0912 345 678",
        "０９１２－３４５－６７８",
        "(09)12-345-678",
    ],
)
def test_taiwanese_mobile_numbers_are_normalised(raw):
    assert mobile_number_normalize(raw) == "+886912345678"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "0212345678",
        "091234567",
        "09123456789",
        "+1 912 345 678",
        "0912-345-67a",
        "+886 212 345 678",
    ],
)
def test_malformed_numbers_are_refused_in_chinese(raw):
    with translation.override("zh-hant"), pytest.raises(ValidationError) as error:
        mobile_number_normalize(raw)
    assert "台灣手機號碼" in error.value.messages[0]


def test_levels_and_the_number_stored_only_as_a_keyed_hash(make_user, capsys):
    user = make_user(mobile=False)
    assert user_assurance_level(user) == AssuranceLevel.EMAIL
    assert user_assurance_level(make_user(verified=False)) == AssuranceLevel.NONE
    _verify(user, "0912-345-678", capsys)
    assert user_assurance_level(user) == AssuranceLevel.MOBILE
    stored = MobileNumber.objects.get(user=user)
    assert stored.last_digits == "678"
    assert stored.number_hash == mobile_number_hash("+886912345678") != "+886912345678"
    assert len(stored.number_hash) == 64
    # Nowhere in the database is the number itself.
    with connection.cursor() as cursor:
        for table in ("accounts_mobilenumber", "accounts_mobileverification"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            assert "912345678" not in repr(cursor.fetchall())
    export = user_data_export(user)["identity"]
    assert export == {
        "assurance_level": 2,
        "mobile_number": "09XX-XXX-678",
        "government_identity_providers": [],
    }


def test_wrong_codes_count_and_run_out_after_five(make_user, capsys):
    user = make_user(mobile=False)
    mobile_verification_start(user=user, number="0912345678", ip_address="192.0.2.1")
    right = _code(capsys)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    with translation.override("zh-hant"):
        for left in (4, 3, 2, 1):
            with pytest.raises(ValidationError) as error:
                mobile_verification_confirm(user=user, code=wrong)
            assert f"還可以再試 {left} 次" in error.value.messages[0]
        with pytest.raises(ValidationError) as error:
            mobile_verification_confirm(user=user, code=wrong)
        assert "錯誤次數過多" in error.value.messages[0]
        # Even the right code no longer works: the tries were stored although errors were raised.
        with pytest.raises(ValidationError):
            mobile_verification_confirm(user=user, code=right)
    assert MobileVerification.objects.get(user=user).attempts == 5
    assert not MobileNumber.objects.filter(user=user).exists()


def test_codes_expire_after_ten_minutes_and_a_new_code_replaces_the_old(make_user, capsys):
    user = make_user(mobile=False)
    mobile_verification_start(user=user, number="0912345678", ip_address="192.0.2.1")
    code = _code(capsys)
    MobileVerification.objects.filter(user=user).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with translation.override("zh-hant"), pytest.raises(ValidationError) as error:
        mobile_verification_confirm(user=user, code=code)
    assert "驗證碼已過期" in error.value.messages[0]
    mobile_verification_start(user=user, number="0912345678", ip_address="192.0.2.1")
    first = _code(capsys)
    mobile_verification_start(user=user, number="0912345678", ip_address="192.0.2.1")
    second = _code(capsys)
    if first != second:
        with pytest.raises(ValidationError):
            mobile_verification_confirm(user=user, code=first)
    mobile_verification_confirm(user=user, code=second)
    assert user_assurance_level(user) == AssuranceLevel.MOBILE


def test_a_number_verifies_one_account_only(make_user, capsys):
    first, second = make_user(mobile=False), make_user(mobile=False)
    # Both ask for a code before either confirms: the second confirmation loses cleanly.
    mobile_verification_start(user=first, number="0912345678", ip_address="192.0.2.1")
    first_code = _code(capsys)
    mobile_verification_start(user=second, number="+886 912 345 678", ip_address="192.0.2.2")
    second_code = _code(capsys)
    mobile_verification_confirm(user=first, code=first_code)
    with translation.override("zh-hant"):
        with pytest.raises(ValidationError) as error:
            mobile_verification_confirm(user=second, code=second_code)
        assert "已由其他帳號驗證" in error.value.messages[0]
        assert not MobileNumber.objects.filter(user=second).exists()
        # Asking again is refused before any message is sent.
        with pytest.raises(ValidationError) as error:
            mobile_verification_start(user=second, number="0912-345-678", ip_address="192.0.2.2")
        assert "已由其他帳號驗證" in error.value.messages[0]
    assert CODE_LINE.findall(capsys.readouterr().out) == []


class _FailingBackend:
    def send(self, *, to, text):
        raise SMSError("gateway down")


def test_a_message_that_cannot_be_sent_stores_nothing(make_user, settings):
    settings.MINYI_SMS_BACKEND = f"{__name__}._FailingBackend"
    user = make_user(mobile=False)
    with translation.override("zh-hant"), pytest.raises(ValidationError) as error:
        mobile_verification_start(user=user, number="0912345678", ip_address="192.0.2.1")
    assert "簡訊無法送出" in error.value.messages[0]
    assert not MobileVerification.objects.exists()


def test_codes_are_rate_limited_per_number_account_and_address(make_user, capsys):
    user = make_user(mobile=False)
    for _n in range(3):
        mobile_verification_start(user=user, number="0912345678", ip_address="192.0.2.1")
    with pytest.raises(RateLimited):  # per number: 3 an hour
        mobile_verification_start(user=user, number="0912345678", ip_address="192.0.2.1")
    mobile_verification_start(user=user, number="0912345001", ip_address="192.0.2.1")
    with pytest.raises(RateLimited):  # per account: 5 an hour (the refused one counted too)
        mobile_verification_start(user=user, number="0912345009", ip_address="192.0.2.1")


def test_codes_are_rate_limited_per_address(make_user, settings, capsys):
    settings.MINYI_RATE_LIMITS = {**settings.MINYI_RATE_LIMITS, "mobile_code_ip": {"per_hour": 2}}
    for n in range(2):
        mobile_verification_start(
            user=make_user(mobile=False), number=f"09123450{n:02d}", ip_address="192.0.2.9"
        )
    with pytest.raises(RateLimited):
        mobile_verification_start(
            user=make_user(mobile=False), number="0912345099", ip_address="192.0.2.9"
        )


# --- The SMS gateway (Mitake's HTTP API), with recorded answers --------------------------------

MITAKE_ACCEPTED = "[1]\r\nmsgid=1010079522\r\nstatuscode=1\r\nAccountPoint=98\r\n"
MITAKE_REFUSED = "[1]\r\nstatuscode=e\r\nError=帳號、密碼錯誤\r\n"


def _mitake(settings, body: str, seen: list) -> MitakeSMSBackend:
    settings.MINYI_SMS_MITAKE_URL = "https://smsapi.mitake.com.tw/api/mtk/SmSend"
    settings.MINYI_SMS_MITAKE_USERNAME = "minyi"
    settings.MINYI_SMS_MITAKE_PASSWORD = "secret"

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text=body)

    return MitakeSMSBackend(transport=httpx.MockTransport(answer))


def test_mitake_gateway_sends_and_returns_the_message_id(settings):
    seen: list[httpx.Request] = []
    backend = _mitake(settings, MITAKE_ACCEPTED, seen)
    assert backend.send(to="+886912345678", text="驗證碼 123456") == "1010079522"
    request = seen[0]
    assert request.method == "POST"
    assert request.url.params["CharsetURL"] == "UTF-8"
    form = dict(httpx.QueryParams(request.content.decode()))
    assert form == {
        "username": "minyi",
        "password": "secret",
        "dstaddr": "0912345678",
        "smbody": "驗證碼 123456",
    }


def test_mitake_refusal_and_network_errors_raise(settings):
    with pytest.raises(SMSError):
        _mitake(settings, MITAKE_REFUSED, []).send(to="+886912345678", text="x")

    def down(request):
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(SMSError):
        MitakeSMSBackend(transport=httpx.MockTransport(down)).send(to="+886912345678", text="x")


# --- Policy: who may do what --------------------------------------------------------------------


def test_endorsing_and_proposing_need_a_mobile_number_by_default(make_user, petition, make_agency):
    citizen = make_user(mobile=False)
    with translation.override("zh-hant"):
        with pytest.raises(AssuranceRequired) as error:
            petition_endorse(petition=petition, user=citizen)
        assert "手機號碼" in error.value.messages[0]
        with pytest.raises(AssuranceRequired):
            petition_create(user=citizen, title="標題", body="內容", agency=petition.agency)
    assert not PetitionEndorsement.objects.exists()


def test_comments_need_a_confirmed_email(make_user, make_consultation):
    page = make_consultation()
    with pytest.raises(AssuranceRequired):
        comment_create(
            consultation=page,
            user=make_user(verified=False),
            body="我支持這項草案。",
            stance="support",
        )
    comment_create(
        consultation=page, user=make_user(mobile=False), body="我支持這項草案。", stance="support"
    )


def test_the_policy_is_a_setting(make_user, petition, settings):
    settings.MINYI_ASSURANCE_POLICY = {"petition_endorse": 1}
    citizen = make_user(mobile=False)
    petition_endorse(petition=petition, user=citizen)
    assert PetitionEndorsement.objects.get(user=citizen).identity_key == ""
    settings.MINYI_ASSURANCE_POLICY = {"comment": 2}
    with pytest.raises(AssuranceRequired):
        assurance_require(user=make_user(mobile=False), action="comment")


def test_one_number_endorses_a_petition_once_whichever_account(make_user, petition, capsys):
    first = make_user(mobile=False)
    _verify(first, "0912345678", capsys)
    petition_endorse(petition=petition, user=first)
    # The first account is deleted (its number erased); a new account verifies the same number.
    user_delete(user=first)
    second = make_user(mobile=False)
    _verify(second, "0912-345-678", capsys)
    with translation.override("zh-hant"), pytest.raises(ValidationError) as error:
        petition_endorse(petition=petition, user=second)
    assert "已用其他帳號附議" in error.value.messages[0]
    petition.refresh_from_db()
    assert petition.endorsement_count == 1


# --- The screens --------------------------------------------------------------------------------


def test_endorse_leads_through_verification_and_back(make_user, petition, client, capsys):
    citizen = make_user(mobile=False)
    client.force_login(citizen)
    detail = petition.get_absolute_url()
    page = client.get(detail).content.decode()
    assert 'id="identity-prompt"' in page
    response = client.post(reverse("participation:petition_endorse", args=[petition.pk]))
    verify_url = response["Location"]
    assert verify_url.startswith(reverse("accounts:mobile_verify"))
    assert "next=" in verify_url
    form = client.get(verify_url)
    assert form.status_code == 200
    assert form.context["next"] == detail
    bad = client.post(reverse("accounts:mobile_verify"), {"number": "12345", "next": detail})
    assert bad.status_code == 400
    assert "台灣手機號碼" in bad.content.decode()
    response = client.post(
        reverse("accounts:mobile_verify"), {"number": "0912-345-678", "next": detail}
    )
    assert response.status_code == 302
    code_page = client.get(response["Location"])
    assert "09XX-XXX-678" in code_page.content.decode()
    wrong = client.post(reverse("accounts:mobile_code"), {"code": "abc", "next": detail})
    assert wrong.status_code == 400
    response = client.post(reverse("accounts:mobile_code"), {"code": _code(capsys), "next": detail})
    assert response["Location"] == detail
    page = client.get(detail).content.decode()
    assert 'id="identity-prompt"' not in page
    client.post(reverse("participation:petition_endorse", args=[petition.pk]))
    petition.refresh_from_db()
    assert petition.endorsement_count == 1
    assert "09XX-XXX-678" in client.get(reverse("accounts:profile")).content.decode()


def test_next_must_be_one_of_our_pages(make_user, client, capsys):
    client.force_login(make_user(mobile=False))
    client.post(reverse("accounts:mobile_verify"), {"number": "0912345678"})
    response = client.post(
        reverse("accounts:mobile_code"), {"code": _code(capsys), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("accounts:profile")


def test_integrity_figures_and_screen(make_user, petition, client):
    from django.contrib.auth import get_user_model

    settings_policy = {"petition_endorse": 1}
    from django.test import override_settings

    old = make_user()
    get_user_model().objects.filter(pk=old.pk).update(
        date_joined=timezone.now() - timedelta(days=30)
    )
    petition_endorse(petition=petition, user=old)
    with override_settings(MINYI_ASSURANCE_POLICY=settings_policy):
        petition_endorse(petition=petition, user=make_user(mobile=False))
    figures = petition_integrity(petition=petition)
    assert figures["summary"]["total"] == 2
    assert figures["summary"]["verified"] == 1
    assert figures["summary"]["new_accounts"] == 1
    assert figures["days"][0]["cumulative"] == 2
    url = reverse("participation_admin:petition_integrity_detail", args=[petition.pk])
    client.force_login(make_user())
    assert client.get(url).status_code in {302, 403}  # no admin access for citizens
    moderator = make_user(display_name="審核員甲")
    user_role_add(user=moderator, role=Role.MODERATOR)
    client.force_login(moderator)
    with translation.override("zh-hant"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert 'data-integrity="verified">1 (50%)' in page
    index = client.get(reverse("participation_admin:petition_integrity")).content.decode()
    assert petition.title in index


def test_deploy_check_warns_about_printed_codes(settings):
    from minyi.accounts.checks import sms_backend_check

    settings.MINYI_SMS_BACKEND = "console"
    assert [m.id for m in sms_backend_check()] == ["accounts.W001"]
    settings.MINYI_SMS_BACKEND = "mitake"
    settings.MINYI_SMS_MITAKE_USERNAME = ""
    assert [m.id for m in sms_backend_check()] == ["accounts.W002"]
    settings.MINYI_SMS_MITAKE_USERNAME = settings.MINYI_SMS_MITAKE_PASSWORD = "x"
    assert sms_backend_check() == []


def test_the_profile_says_in_words_what_the_person_can_do_and_what_is_missing(client, make_user):
    """No codes (L1, L2) for people: the level in words, and each action with a ✓ or what it
    still needs."""
    emailed = make_user(mobile=False)
    client.force_login(emailed)
    html = client.get(reverse("accounts:profile")).content.decode()
    section = html[html.index('id="identity"') : html.index('aria-labelledby="password-title"')]
    assert "L1" not in section and "L2" not in section and "L3" not in section
    assert "電子郵件已驗證" in section
    yes = section[section.index('class="ability-yes"') :]
    assert "留言、提出陳述與表態" in yes[: yes.index("</li>")]
    no = [part[: part.index("</li>")] for part in section.split('class="ability-no"')[1:]]
    assert len(no) == 2
    assert "提點子" in no[0] and "附議" in no[1]
    assert all("需要驗證手機號碼，或以政府數位身分登入" in item for item in no)

    client.force_login(make_user())  # with a verified mobile number: everything allowed
    html = client.get(reverse("accounts:profile")).content.decode()
    assert html.count('class="ability-yes"') == 3 and 'class="ability-no"' not in html
    assert "手機號碼已驗證" in html


def test_the_profile_names_roles_in_the_readers_language_and_the_name_fields_plainly(
    client, make_user
):
    from django.utils import translation

    client.force_login(make_user())
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "（不公開）（選填）" not in html
    assert '<label class="field-label" for="id_last_name">姓<span class="field-optional">' in html
    assert "不會公開。" in html
    english = client.get("/en" + reverse("accounts:profile")).content.decode()
    translation.activate("zh-hant")
    roles = english[english.index('id="roles-title"') :]
    assert "<dd>Citizen</dd>" in roles and "公民" not in roles
