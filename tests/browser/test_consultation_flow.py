"""A new citizen takes part in a consultation, and sees another citizen's vote live."""

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from .conftest import new_context
from .test_signup_flow import PASSWORD, _confirmation_link

pytestmark = pytest.mark.browser

CONSULTATION = "/motc/uberx/"
PHONE = {"width": 390, "height": 844}


def sign_up_and_log_in(page: Page, live_site) -> str:
    display_name = f"市民{secrets.randbelow(10**6):06d}"
    email = f"citizen-{secrets.token_hex(4)}@example.org"
    page.goto("/accounts/signup/")
    form = page.locator("form:has(input[name=password1])")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=display_name]").fill(display_name)
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)
    offset = len(live_site.log())
    form.locator("button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    page.goto(_confirmation_link(live_site, offset))
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/me/$"))  # confirming here signs in
    return display_name


def test_citizen_comments_votes_and_sees_live_votes(browser, live_site) -> None:
    first_context = new_context(browser, live_site)
    second_context = new_context(browser, live_site)
    try:
        first, second = first_context.new_page(), second_context.new_page()
        first_name = sign_up_and_log_in(first, live_site)
        sign_up_and_log_in(second, live_site)

        # Comment on the first article with a stance.
        first.goto(CONSULTATION)
        expect(first.locator("h1")).to_contain_text("UberX")
        first.select_option("#comment-section", label="第一條")
        first.locator("input[name=stance][value=support]").check()
        first.fill("#comment-body", "支持登記制，但請保障乘客保險。")
        with first.expect_navigation():
            first.locator("#comment-form button[type=submit]").click()
        expect(first.locator(".messages")).to_contain_text("您的留言已發表")
        section_card = first.locator(".section-card").first
        expect(section_card.locator(".comment-body")).to_contain_text("支持登記制")
        expect(section_card.locator(".comment-meta").first).to_contain_text(first_name)
        expect(section_card.locator(".strip-legend")).to_contain_text("贊成 1")

        # Vote on the statement the card offers: the next card comes without a reload.
        card = first.locator("#vote")
        statement_id = card.get_attribute("data-statement-id")
        left = card.locator(".vote-remaining").inner_text()
        card.locator("button[value='1']").click()
        expect(card.locator(".vote-confirmation")).to_contain_text("您的投票已記錄")
        expect(card).not_to_have_attribute("data-statement-id", statement_id)
        expect(card.locator(".vote-remaining")).not_to_have_text(left)
        expect(first.locator(".messages")).not_to_contain_text("您的投票已記錄")

        # The first page is open and connected; a vote from the second browser on a statement
        # it lists appears live.
        expect(first.locator("[data-consultation]")).to_have_attribute("data-live", "connected")
        second.goto(CONSULTATION)
        expect(second.locator("[data-consultation]")).to_have_attribute("data-live", "connected")
        statement_id = first.locator(".statement-list > li").first.get_attribute(
            "data-statement-id"
        )
        target = f'.statement-list [data-statement-id="{statement_id}"] [data-tally="disagree"]'
        disagree_before = int(first.locator(target).inner_text())
        second.evaluate(
            """async (id) => {
                const token = document.querySelector('[name=csrfmiddlewaretoken]').value;
                const body = new URLSearchParams({value: '-1'});
                const r = await fetch(`/participate/statements/${id}/vote/`, {
                    method: 'POST', body, credentials: 'same-origin',
                    headers: {'X-CSRFToken': token, 'Accept': 'application/json'}});
                if (!r.ok) throw new Error(await r.text());
            }""",
            statement_id,
        )
        expect(first.locator(target)).to_have_text(str(disagree_before + 1), timeout=10_000)
    finally:
        first_context.close()
        second_context.close()


def test_without_javascript_a_vote_lands_back_on_the_card_with_its_confirmation(
    browser, live_site
) -> None:
    context = new_context(browser, live_site, java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        sign_up_and_log_in(page, live_site)
        page.goto(CONSULTATION)
        card = page.locator("#vote")
        statement_id = card.get_attribute("data-statement-id")
        with page.expect_navigation():
            card.locator("button[value='-1']").click()
        expect(card.locator(".vote-confirmation")).to_contain_text("您的投票已記錄")
        expect(card.locator(".vote-confirmation")).to_be_in_viewport()
        expect(card).not_to_have_attribute("data-statement-id", statement_id)
        expect(page.locator(".messages")).not_to_contain_text("您的投票已記錄")
    finally:
        context.close()


def test_on_a_phone_the_confirmation_does_not_cover_the_new_comment(browser, live_site) -> None:
    """After posting, the page lands on the new comment with the confirmation pinned above it;
    a long confirmation (the masking notice) had covered the comment's author and heading."""
    context = new_context(browser, live_site, viewport=PHONE)
    try:
        page = context.new_page()
        sign_up_and_log_in(page, live_site)
        page.goto(CONSULTATION)
        page.select_option("#comment-section", label="第一條")
        page.locator("input[name=stance][value=suggest]").check()
        page.fill("#comment-body", "請公布申訴專線，我的電話是 0912-345-678，歡迎聯絡。")
        with page.expect_navigation():
            page.locator("#comment-form button[type=submit]").click()
        messages = page.locator("main > .messages")
        expect(messages).to_contain_text("個人資料")
        comment = page.locator(".comment:target")
        expect(comment).to_be_in_viewport()
        page.wait_for_timeout(300)  # the script measures the message and scrolls again
        covered_to = messages.bounding_box()["y"] + messages.bounding_box()["height"]
        assert comment.bounding_box()["y"] >= covered_to, (comment.bounding_box(), covered_to)
    finally:
        context.close()


# Set-up data: a citizen's comment on UberX, and a password the test knows for the agency's staff.
CITIZEN_COMMENT_AND_STAFF_PASSWORD = """
from minyi.accounts.models import User
from minyi.accounts.services import user_create
from participation.models import ConsultationPage
from participation.services import comment_create

staff = User.objects.get(email="staff.motc@minyi.localhost")
staff.set_password("live-reply-Passw0rd-2026")
staff.save()
citizen = user_create(email="asker@example.org", password="asker-Passw0rd-2026",
                      display_name="提問的市民", email_verified=True)
page = ConsultationPage.objects.get(slug="uberx")
print(comment_create(consultation=page, user=citizen, body="保險怎麼算？", stance="suggest").pk)
"""


def test_the_agency_reply_arrives_live_with_its_badge(browser, live_site) -> None:
    """A reply posted while a reader has the page open appears under its comment, marked as
    the agency's word; live.js had dropped replies, and did not mark the agency's."""
    comment_id = live_site.shell(CITIZEN_COMMENT_AND_STAFF_PASSWORD, what="setting up")
    reader_context = new_context(browser, live_site, viewport=PHONE)
    staff_context = new_context(browser, live_site)
    try:
        reader = reader_context.new_page()
        reader.goto(CONSULTATION)
        expect(reader.locator("[data-consultation]")).to_have_attribute("data-live", "connected")
        staff = staff_context.new_page()
        staff.goto("/accounts/login/")
        form = staff.locator("main form:has(input[type=password])")
        form.locator("[name=login]").fill("staff.motc@minyi.localhost")
        form.locator("[name=password]").fill("live-reply-Passw0rd-2026")
        with staff.expect_navigation():
            form.locator("[type=submit]").first.click()
        staff.goto(CONSULTATION)
        thread = staff.locator(f"#comment-{comment_id}")
        thread.locator(".reply-details > summary").click()
        thread.locator(".reply-form textarea").fill("保險由平台業者投保，細節將於說明會公布。")
        with staff.expect_navigation():
            thread.locator(".reply-form button[type=submit]").click()
        reply = reader.locator(f"#comment-{comment_id} .reply-list > li.reply-by-agency")
        expect(reply.locator(".agency-voice")).to_contain_text("交通部")
        expect(reply.locator(".comment-body")).to_have_text(
            "保險由平台業者投保，細節將於說明會公布。"
        )
        # The report form lists the house rules one a line, all flush (the first had stood
        # 1rem left of the others).
        staff.locator(f"#comment-{comment_id} .report-link").first.click()
        choices = staff.locator(".choice-list label.choice")
        expect(choices.first).to_be_visible()
        lefts = {round(box["x"]) for box in (c.bounding_box() for c in choices.all())}
        assert len(lefts) == 1, lefts
    finally:
        reader_context.close()
        staff_context.close()


# Set-up data: a copy of UberX of its own (closing it must not close the page other tests use),
# a citizen who can comment on it, and a password the test knows for the agency's staff.
OWN_OPEN_CONSULTATION = """
from minyi.accounts.models import User
from minyi.accounts.services import user_create
from participation.models import ConsultationPage

staff = User.objects.get(email="staff.motc@minyi.localhost")
staff.set_password("live-close-Passw0rd-2026")
staff.save()
user_create(email="closing-reader@example.org", password="closing-Passw0rd-2026",
            display_name="看著截止的市民", email_verified=True)
uberx = ConsultationPage.objects.get(slug="uberx")
copy = uberx.copy(
    update_attrs={"slug": "closes-live", "title": "即將提前截止的諮詢"}, keep_live=True
)
print(copy.pk)
"""


def _log_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    form = page.locator("main form:has(input[type=password])")
    form.locator("[name=login]").fill(email)
    form.locator("[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("[type=submit]").first.click()


def test_a_reader_sees_the_consultation_close_while_the_page_is_open(browser, live_site) -> None:
    """The agency closes it early in the admin: a citizen writing a comment is told at once,
    and the forms stop, instead of learning it from a refused comment."""
    pk = live_site.shell(OWN_OPEN_CONSULTATION, what="setting up")
    reader_context = new_context(browser, live_site, viewport=PHONE)
    staff_context = new_context(browser, live_site)
    try:
        reader = reader_context.new_page()
        _log_in(reader, "closing-reader@example.org", "closing-Passw0rd-2026")
        reader.goto("/motc/closes-live/")
        expect(reader.locator("[data-consultation]")).to_have_attribute("data-live", "connected")
        comment = reader.locator("#comment-form textarea")
        expect(comment).to_be_enabled()
        staff = staff_context.new_page()
        _log_in(staff, "staff.motc@minyi.localhost", "live-close-Passw0rd-2026")
        staff.goto(f"/admin/consultations/{pk}/close-early/")
        staff.locator("[data-close-early-form] textarea").fill("法規已送立法院審議，提前結束徵詢。")
        with staff.expect_navigation():
            staff.locator("[data-close-early-form] button[type=submit]").click()
        expect(reader.locator(".status-changed")).to_contain_text("這項諮詢剛剛已截止")
        expect(comment).to_be_disabled()
        expect(reader.locator("#comment-form button[type=submit]")).to_be_disabled()
    finally:
        reader_context.close()
        staff_context.close()
