"""Agency staff's journey: a consultation written in the admin, approved by a colleague,
published, and commented on by a citizen."""

import re

from playwright.sync_api import expect

STAFF = "staff.motc@minyi.localhost"
REVIEWER = "reviewer.motc@minyi.localhost"
ARTICLES = [
    ("第一條", "本法依公路法第七十七條訂定之。", "明定授權依據。"),
    ("第二條", "多元化計程車應向主管機關登記。", "採登記制。"),
    ("第三條", "本辦法自發布日施行。", "施行日期。"),
]


def _footer_action(page, selector: str) -> None:
    """Click a save-menu action of the admin's page footer, opening the menu if it is hidden."""
    button = page.locator(f"footer {selector}").first
    if not button.is_visible():
        page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    with page.expect_navigation():
        button.click()


def _write_consultation(staff, title: str) -> None:
    page = staff.page
    page.goto("/admin/pages/search/?q=交通部")
    page.locator("main a", has_text="交通部").first.click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/"))
    section_id = re.search(r"/admin/pages/(\d+)/", page.url).group(1)
    page.goto(f"/admin/pages/add/participation/consultationpage/{section_id}/")
    expect(page.locator("#id_agency")).to_be_disabled()
    page.fill("#id_title", title)
    page.locator("#id_title").blur()
    page.fill("#id_summary", "多元化計程車管理辦法修正草案，徵詢各界意見。")
    page.fill("#id_opens_at", "2026-01-01 09:00")
    page.fill("#id_closes_at", "2030-12-31 17:00")
    page.keyboard.press("Escape")
    for n, (number, text, explanation) in enumerate(ARTICLES):
        page.locator("#id_sections-ADD").click()
        page.fill(f"#id_sections-{n}-number", number)
        page.fill(f"#id_sections-{n}-text", text)
        page.fill(f"#id_sections-{n}-explanation", explanation)
    staff.shot("draft")
    _footer_action(page, "button[name='action-submit']")
    expect(page.locator(".messages")).to_contain_text(title)
    expect(page.locator("body")).not_to_contain_text("validation errors")


def test_agency_staff_consultation(people, unique):
    title = f"多元化計程車管理辦法草案 {unique}"

    staff = people("staff")
    staff.log_in(STAFF)
    _write_consultation(staff, title)
    staff.shot("submitted")

    reviewer = people("reviewer")
    reviewer.log_in(REVIEWER)
    page = reviewer.page
    page.goto("/admin/")
    page.locator("a", has_text=title).first.click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    reviewer.shot("review")
    _footer_action(
        page, "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])"
    )
    expect(page.locator(".messages")).to_contain_text(title)

    citizen = people("citizen")
    citizen.sign_up(email=f"reader-{unique}@example.org", display_name=f"讀者{unique}")
    public = citizen.page
    public.goto("/motc/")
    public.locator("a", has_text=title).first.click()
    expect(public.locator("h1")).to_contain_text(title)
    expect(public.locator(".section-card")).to_have_count(3)
    public.select_option("#comment-section", label="第二條")
    public.locator("input[name=stance][value=oppose]").check()
    public.fill("#comment-body", "登記制門檻太低，請加強保險規定。")
    with public.expect_navigation():
        public.locator("#comment-form button[type=submit]").click()
    expect(public.locator(".messages")).to_contain_text("您的留言已發表")
    citizen.shot("commented")
