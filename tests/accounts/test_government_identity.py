"""L3: sign-in with a government digital identity over OpenID Connect (allauth's openid_connect
provider), against a provider on loopback that the test starts itself."""

from urllib.parse import urlsplit

import httpx
import pytest
from django.urls import reverse

from minyi.accounts.models import AssuranceLevel
from minyi.accounts.selectors import user_assurance_level, user_identity_key
from tests.support.oidc_provider import LocalOIDCProvider

pytestmark = pytest.mark.django_db


@pytest.fixture
def oidc(settings):
    provider = LocalOIDCProvider().start()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "tw-fido",
                    "name": "TW FidO 行動自然人憑證",
                    "client_id": provider.client_id,
                    "secret": provider.client_secret,
                    "settings": {"server_url": provider.issuer},
                }
            ],
        }
    }
    settings.MINYI_GOVERNMENT_ID_PROVIDERS = ["tw-fido"]
    yield provider
    provider.stop()


def _sign_in(client, oidc) -> httpx.Response:
    """Through the site's button, the provider's consent page and back to the site."""
    response = client.post("/accounts/oidc/tw-fido/login/", {"process": "login"})
    assert response.status_code == 302
    authorize = response["Location"]
    assert authorize.startswith(f"{oidc.issuer}/authorize?")
    params = dict(httpx.URL(authorize).params)
    assert params["code_challenge_method"] == "S256"
    consent = httpx.get(authorize)
    assert "同意並登入" in consent.text
    back = httpx.post(f"{oidc.issuer}/authorize", data=params)
    assert back.status_code == 302
    callback = urlsplit(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_government_identity_sign_in_gives_level_three(client, oidc, make_user, make_agency):
    login_page = client.get(reverse("account_login")).content.decode()
    assert "TW FidO" in login_page
    response = _sign_in(client, oidc)
    signup = client.get(response["Location"]).content.decode()
    assert "民意 Minyi" in signup
    # First sign-in: the person chooses the public display name (the provider's name is real).
    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_signup")
    response = client.post(
        reverse("socialaccount_signup"),
        {"email": "citizen.fido@example.org", "display_name": "憑證市民"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from minyi.accounts.models import User

    user = User.objects.get(email="citizen.fido@example.org")
    assert user.display_name == "憑證市民"
    assert (user.first_name, user.last_name) == ("", "")  # the real name is not taken
    assert user_assurance_level(user) == AssuranceLevel.GOVERNMENT_ID
    assert user_identity_key(user).startswith("gov:")
    assert "A123456789" not in user_identity_key(user)
    from allauth.socialaccount.models import SocialAccount

    linked = SocialAccount.objects.get(user=user)
    assert linked.extra_data == {}  # the provider's claims (real name, …) are not kept
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert 'data-assurance-level="3"' in profile

    # Signing out and in again finds the same account.
    client.logout()
    response = _sign_in(client, oidc)
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_forged_client_cannot_redeem_a_code(oidc):
    with pytest.raises(PermissionError):
        oidc.token({"code": "nope", "client_id": "other", "client_secret": "x"}, None)


def test_an_email_account_links_a_government_identity(client, oidc, make_user):
    citizen = make_user(mobile=False)
    client.force_login(citizen)
    verify = client.get(reverse("accounts:mobile_verify") + "?next=/me/").content.decode()
    assert "或以政府數位身分驗證" in verify and "process=connect" in verify
    oidc.identity = {**oidc.identity, "sub": "B223456789", "email": citizen.email}
    response = client.post("/accounts/oidc/tw-fido/login/", {"process": "connect", "next": "/me/"})
    params = dict(httpx.URL(response["Location"]).params)
    back = httpx.post(f"{oidc.issuer}/authorize", data=params)
    callback = urlsplit(back.headers["Location"])
    response = client.get(f"{callback.path}?{callback.query}")
    assert response.status_code == 302
    assert user_assurance_level(citizen) == AssuranceLevel.GOVERNMENT_ID
