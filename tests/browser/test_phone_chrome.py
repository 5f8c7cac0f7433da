"""The header, navigation and display settings leave most of a phone's first screen to the page.

On a 390 × 844 phone the chrome (everything above ``<main>``) may take at most 20 % of the
first screen at text size A and 35 % at A++ (issue 19). The figures are printed (``-s``).
"""

import pytest

from .conftest import new_context

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LIMITS = {"normal": 0.20, "larger": 0.35}
PAGES = ["/", "/motc/uberx/"]

CHROME_HEIGHT = "() => document.querySelector('main').getBoundingClientRect().top"


@pytest.mark.parametrize("text_size", sorted(LIMITS))
def test_chrome_takes_little_of_the_first_phone_screen(browser, live_site, text_size) -> None:
    context = new_context(browser, live_site, viewport=PHONE)
    try:
        context.add_cookies(
            [{"name": "minyi_text_size", "value": text_size, "url": live_site.base_url}]
        )
        page = context.new_page()
        shares = {}
        for path in PAGES:
            page.goto(path)
            shares[path] = page.evaluate(CHROME_HEIGHT) / PHONE["height"]
            print(f"\n{path} at text size {text_size}: chrome {shares[path]:.1%} of 844 px")
        for path, share in shares.items():
            assert share <= LIMITS[text_size], f"{path} at {text_size}: chrome is {share:.1%}"
    finally:
        context.close()
