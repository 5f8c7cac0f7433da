"""Text size and contrast, kept in cookies; the <html> element carries them as classes."""

import re

import pytest
from django.urls import reverse

from minyi.home.context_processors import CONTRAST_COOKIE, TEXT_SIZE_COOKIE

pytestmark = pytest.mark.django_db


def html_classes(response) -> set[str]:
    match = re.search(r'<html[^>]*\sclass="([^"]*)"', response.content.decode())
    assert match, "no class attribute on <html>"
    return set(match.group(1).split())


def test_defaults_without_cookies(client, home_page):
    response = client.get("/")
    assert {"text-normal", "contrast-normal"} <= html_classes(response)
    content = response.content.decode()
    assert re.search(r'name="text_size" value="normal" aria-pressed="true"', content)
    assert re.search(r'name="contrast" value="high" aria-pressed="false"', content)


def test_text_size_sets_a_cookie_and_redirects_back(client, home_page):
    response = client.post(reverse("display_preferences"), {"text_size": "larger", "next": "/me/"})
    assert response.status_code == 302
    assert response["Location"] == "/me/"
    cookie = response.cookies[TEXT_SIZE_COOKIE]
    assert cookie.value == "larger"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["samesite"] == "Lax"
    assert CONTRAST_COOKIE not in response.cookies


def test_high_contrast_and_large_text_show_on_the_html_element(client, home_page):
    client.post(reverse("display_preferences"), {"contrast": "high", "next": "/"})
    client.post(reverse("display_preferences"), {"text_size": "large", "next": "/"})
    response = client.get("/")
    assert {"text-large", "contrast-high"} <= html_classes(response)
    content = response.content.decode()
    assert 'name="contrast" value="high" aria-pressed="true"' in content
    assert 'name="text_size" value="large" aria-pressed="true"' in content
    assert 'name="text_size" value="normal" aria-pressed="false"' in content


def test_back_to_normal_contrast(client, home_page):
    client.post(reverse("display_preferences"), {"contrast": "high"})
    client.post(reverse("display_preferences"), {"contrast": "normal"})
    assert "contrast-normal" in html_classes(client.get("/"))


@pytest.mark.parametrize(
    "data",
    [
        {"text_size": "huge"},
        {"text_size": "<script>"},
        {"contrast": "inverted"},
        {"contrast": ""},
    ],
)
def test_bad_values_set_no_cookie(client, data):
    response = client.post(reverse("display_preferences"), {**data, "next": "/"})
    assert response.status_code == 302
    assert TEXT_SIZE_COOKIE not in response.cookies
    assert CONTRAST_COOKIE not in response.cookies


def test_bad_cookie_values_fall_back_to_normal(client, home_page):
    client.cookies[TEXT_SIZE_COOKIE] = '"><script>'
    client.cookies[CONTRAST_COOKIE] = "neon"
    response = client.get("/")
    assert {"text-normal", "contrast-normal"} <= html_classes(response)
    assert "<script>" not in response.content.decode()


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/path", "http://evil.example", "javascript:alert(1)"],
)
def test_off_site_next_is_refused(client, next_url):
    response = client.post(reverse("display_preferences"), {"text_size": "large", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_missing_next_goes_home(client):
    response = client.post(reverse("display_preferences"), {"text_size": "large"})
    assert response["Location"] == "/"


def test_get_is_not_allowed(client):
    assert client.get(reverse("display_preferences")).status_code == 405


def test_the_forms_post_back_to_the_current_page(client, home_page):
    response = client.get("/accounts/login/")
    content = response.content.decode()
    assert f'action="{reverse("display_preferences")}"' in content
    assert 'name="next" value="/accounts/login/"' in content
