"""A consultation with 1,000 statements and 1,000 comments stays short on a phone.

The consultation page shows the vote card, the 5 most voted statements and the 3 newest
comments of each article; the rest are one link away (the statements page, the all-comments
page). The seed copies the UberX draft (its articles and background) into a new consultation
and adds 1,000 statements with tallies and 1,000 comments spread over the articles.
"""

import json

import pytest

from .conftest import new_context
from .test_accessibility import _blocking_violations, _report

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MAX_HEIGHT = 6000

SEED = """
import json, os, random
from datetime import timedelta
from django.conf import settings
from django.test import Client
from django.utils import timezone
from minyi.accounts.services import user_create
from participation.models import (
    Comment, ConsultationPage, ConsultationSection, Participant, Statement,
)

uber = ConsultationPage.objects.get(slug="uberx")
now = timezone.now()
page = ConsultationPage(
    title="千則意見測試：" + uber.title, slug="long-consultation", agency=uber.agency,
    summary=uber.summary, background=uber.background,
    opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30),
)
for section in uber.sections.all():
    page.sections.add(ConsultationSection(
        number=section.number, text=section.text, explanation=section.explanation))
uber.get_parent().add_child(instance=page)
page = ConsultationPage.objects.get(pk=page.pk)
sections = [None, *page.sections.all()]
authors = [
    user_create(email=f"long-{n}@example.org", password="correct-horse-battery-42",
                display_name=f"長頁測試{n:02d}", email_verified=True)
    for n in range(20)
]
rng = random.Random(19)
Statement.objects.bulk_create(
    Statement(
        consultation=page,
        text=f"第 {n} 則意見陳述：自用車載客應有保險與安全規範，平台需負連帶責任。",
        created_at=now - timedelta(minutes=n),
        agree_count=rng.randrange(200), disagree_count=rng.randrange(200),
        pass_count=rng.randrange(50),
    )
    for n in range(1000)
)
Comment.objects.bulk_create(
    Comment(
        consultation=page, author=authors[n % 20], section=sections[n % len(sections)],
        stance=("support", "oppose", "suggest")[n % 3],
        body=f"第 {n} 則留言：建議主管機關參考其他國家的做法，先試辦再全面實施，並保障司機權益。",
        created_at=now - timedelta(minutes=n),
    )
    for n in range(1000)
)
citizen = user_create(email="long-reader@example.org", password="correct-horse-battery-42",
                      display_name="長頁讀者", email_verified=True)
client = Client()
client.force_login(citizen)
print(json.dumps({
    "url": page.url,
    "pk": page.pk,
    "cookie_name": settings.SESSION_COOKIE_NAME,
    "cookie": client.cookies[settings.SESSION_COOKIE_NAME].value,
}))
"""


@pytest.fixture(scope="module")
def long_consultation(live_site) -> dict:
    return json.loads(live_site.shell(SEED, what="seeding"))


def _signed_in(context, live_site, seeded: dict) -> None:
    cookie = {"name": seeded["cookie_name"], "value": seeded["cookie"], "url": live_site.base_url}
    context.add_cookies([cookie])


@pytest.mark.parametrize("reader", ["anonymous", "citizen"])
def test_a_consultation_with_1000_statements_and_comments_fits_6000_px_on_a_phone(
    browser, live_site, long_consultation, reader
) -> None:
    context = new_context(browser, live_site, viewport=PHONE)
    try:
        if reader == "citizen":
            _signed_in(context, live_site, long_consultation)
        page = context.new_page()
        page.goto(long_consultation["url"])
        assert page.locator(".statement-list > li").count() == 5
        if reader == "citizen":
            assert "還有 1000 則尚未表態" in page.locator("#vote").inner_text()
        height = page.evaluate("document.documentElement.scrollHeight")
        print(f"\n{reader}: the consultation page is {height} px tall at 390 px")  # noqa: T201
        assert height < MAX_HEIGHT, f"{height} px at 390 px"
    finally:
        context.close()


@pytest.mark.parametrize(
    "path",
    [
        "{url}",
        "/participate/consultations/{pk}/all-statements/?show=mine",
        "/participate/consultations/{pk}/all-statements/?sort=divisive&page=2",
        "/participate/consultations/{pk}/all-comments/?section=general&sort=newest",
    ],
)
def test_the_voting_pages_have_no_serious_axe_violations(
    browser, live_site, axe_script, long_consultation, path
) -> None:
    path = path.format(**long_consultation)
    context = new_context(browser, live_site, bypass_csp=True, viewport=PHONE)
    try:
        _signed_in(context, live_site, long_consultation)
        violations = _blocking_violations(context, live_site, path, axe_script)
    finally:
        context.close()
    assert not violations, _report(path, violations)
