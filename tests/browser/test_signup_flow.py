"""Sign up, verify the e-mail address from the console backend, then log in."""

import re
import secrets
import time

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

CONFIRM_LINK = re.compile(r"https?://[^\s\"'<>]+/accounts/confirm-email/[^/\s\"'<>]+/")
PASSWORD = "Kaohsiung-Harbour-1947-tide"
EMAIL_WAIT_SECONDS = 10


def _confirmation_link(live_site, after: int) -> str:
    """The first confirmation link the server printed after offset `after` in its log."""
    deadline = time.monotonic() + EMAIL_WAIT_SECONDS
    while True:
        text = live_site.log()[after:]
        # Undo quoted-printable soft line breaks, should the body ever be encoded that way.
        text = text.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=")
        match = CONFIRM_LINK.search(text)
        if match:
            return match.group(0)
        if time.monotonic() > deadline:
            pytest.fail(
                f"no e-mail confirmation link in the server log after {EMAIL_WAIT_SECONDS} s:\n"
                + live_site.log()[after:][-3000:]
            )
        time.sleep(0.2)


def _log_in(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    form = page.locator("form:has(input[type=password])").first
    login = form.locator("input[name=login], input[name=email]").first
    login.fill(email)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit], input[type=submit]").first.click()


def test_sign_up_verify_email_and_log_in(page: Page, live_site) -> None:
    suffix = secrets.token_hex(4)
    email = f"browser-{suffix}@example.org"
    display_name = f"瀏覽器測試者{secrets.randbelow(10**6):06d}"

    # 1. Sign up.
    page.goto("/accounts/signup/")
    form = page.locator("form:has(input[name=password1])")
    expect(form).to_have_count(1)
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=display_name]").fill(display_name)
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)
    log_offset = len(live_site.log())
    form.locator("button[type=submit], input[type=submit]").first.click()

    # 2. "Verify your e-mail address" page (allauth's account_email_verification_sent).
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    link = _confirmation_link(live_site, log_offset)
    assert link.startswith(live_site.base_url), link

    # 3. Verification is mandatory: logging in before confirming does not get in.
    _log_in(page, email, PASSWORD)
    assert not re.search(r"/me/$", page.url), f"logged in before verifying: {page.url}"
    page.goto("/me/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # 4. Confirm the address: the link shows a form (no confirmation on GET).
    page.goto(link)
    confirm_form = page.locator("form[action*='confirm-email']")
    if confirm_form.count() == 0:  # a template whose form posts to itself
        confirm_form = page.locator("main form[method=post], main form[method=POST]")
    with page.expect_navigation():
        confirm_form.first.locator("button[type=submit], input[type=submit]").first.click()
    assert "/confirm-email/" not in page.url, f"confirmation refused: {page.url}"

    # 5. Confirming in the browser that signed up signs in: the profile shows the display name.
    expect(page).to_have_url(re.compile(r"/me/$"))
    assert display_name in page.content()

    # 6. Later, signing in with the password leads to the same profile page.
    page.locator("form[action*='logout'] button").first.click()
    _log_in(page, email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/me/$"))
