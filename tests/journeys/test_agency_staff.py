"""Agency staff's journey: a consultation written in the admin, approved by a colleague,
published and commented on by a citizen; once it closes, the response drafted while reading the
comments, approved by the colleague and published, then corrected as a second version."""

import re
from urllib.parse import urlparse

from playwright.sync_api import expect

STAFF = "staff.motc@minyi.localhost"
REVIEWER = "reviewer.motc@minyi.localhost"
# The smallest well-formed PDF: one empty page.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
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


def _attach_document(page, tmp_dir) -> None:
    """Upload the full text as a PDF through the document chooser and attach it."""
    pdf = tmp_dir / "draft-full-text.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    page.locator("#id_attachments-ADD").click()
    attachment = page.locator("[id^='inline_child_attachments-']").last
    attachment.locator("button", has_text="選擇").first.click()
    modal = page.locator(".modal-dialog").last
    modal.get_by_role("tab", name="上傳").click()
    modal.locator("input[type=file]").set_input_files(str(pdf))
    modal.locator("input[name$='title']").fill("草案全文與總說明")
    modal.locator("form:has(input[type=file]) button[type=submit]").click()
    expect(attachment).to_contain_text("草案全文與總說明")


def _write_consultation(staff, title: str, tmp_dir) -> None:
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
    page.fill("#id_opens_at", "2030-06-01 09:00")  # published ahead, opening later
    page.fill("#id_closes_at", "2030-12-31 17:00")
    page.keyboard.press("Escape")
    for n, (number, text, explanation) in enumerate(ARTICLES):
        page.locator("#id_sections-ADD").click()
        page.fill(f"#id_sections-{n}-number", number)
        page.fill(f"#id_sections-{n}-text", text)
        page.fill(f"#id_sections-{n}-explanation", explanation)
    _attach_document(page, tmp_dir)
    staff.shot("draft")
    _footer_action(page, "button[name='action-submit']")
    expect(page.locator(".messages")).to_contain_text(title)
    expect(page.locator("body")).not_to_contain_text("validation errors")


def _post(page, button) -> None:
    with page.expect_navigation():
        button.click()


def _open_consultation(journey_site, title: str) -> None:
    """Time passes until the consultation opens: the clock, not a person, does this."""
    journey_site.manage(
        "shell",
        "-c",
        "from django.utils import timezone; from participation.models import ConsultationPage; "
        f"ConsultationPage.objects.filter(title={title!r}).update(opens_at=timezone.now())",
    )


def _close_consultation(journey_site, title: str) -> None:
    """Time passes until the consultation closes: the clock, not a person, does this."""
    journey_site.manage(
        "shell",
        "-c",
        "from django.utils import timezone; from participation.models import ConsultationPage; "
        f"ConsultationPage.objects.filter(title={title!r}).update(closes_at=timezone.now())",
    )


def _approve_from_the_bell(reviewer, title: str) -> None:
    page = reviewer.page
    page.goto("/")
    # Staff's longer menu (管理後台) and the bell keep the header one row, phone and desktop.
    assert page.locator(".site-header").bounding_box()["height"] < 80
    _post(page, page.locator("a.nav-bell"))
    notice = page.locator(".notification-list li").filter(has_text=f"待您核可：「{title}」").first
    _post(page, notice.get_by_role("link"))
    expect(page.locator("h1")).to_contain_text("回應預覽")
    reviewer.shot("response-review")
    _post(page, page.get_by_role("button", name="核可並發布"))
    expect(page.locator(".messages")).to_contain_text("回應已發布")


def _draft_response(staff, path: str) -> None:
    """Read each article's comments by stance, decide, save, preview and submit."""
    page = staff.page
    page.goto(path)
    _post(page, page.get_by_role("link", name="撰寫機關回應"))
    second = page.locator(".response-article").filter(has_text="第二條")
    second.locator("summary", has_text="反對意見（1）").click()
    expect(second).to_contain_text("登記制門檻太低，請加強保險規定。")
    page.fill("#response-overall", "感謝各界意見，本部將加強保險規定。")
    # Only the article that was commented on takes a decision; the others received none.
    expect(page.locator(".response-article select")).to_have_count(1)
    expect(page.locator(".response-article").filter(has_text="第一條")).to_contain_text(
        "未收到意見"
    )
    second.locator("select").select_option("partly")
    # Partly adopted without a reason: refused beside the field, nothing stored.
    _post(page, page.get_by_role("button", name="儲存並預覽"))
    second = page.locator(".response-article").filter(has_text="第二條")
    expect(second).to_contain_text("第二條：請說明此決定的理由。")
    second.locator("textarea").fill("保險規定依意見修正，登記制維持。")
    _post(page, page.get_by_role("button", name="儲存草稿"))
    expect(page.locator(".messages")).to_contain_text("草稿已儲存")
    staff.shot("response-draft")
    _post(page, page.get_by_role("button", name="儲存並預覽"))
    expect(page.locator("h1")).to_contain_text("回應預覽")
    expect(page.locator(".response-table")).to_contain_text("保險規定依意見修正")
    _post(page, page.get_by_role("button", name="送交核可"))
    expect(page.locator(".messages")).to_contain_text("須由本機關另一位人員核可")
    expect(page.get_by_role("button", name="核可並發布")).to_have_count(0)


def test_agency_staff_consultation(people, unique, journey_site, tmp_path):
    title = f"多元化計程車管理辦法草案 {unique}"

    staff = people("staff")
    staff.log_in(STAFF)
    _write_consultation(staff, title, tmp_path)
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
    # Published before it opens: readable, not yet open, and it says when it opens.
    page.goto("/motc/")
    page.locator("a", has_text=title).first.click()
    expect(page.locator("[data-live=status]")).to_have_text("尚未開放")
    expect(page.locator(".page-intro .notice")).to_contain_text("119年6月1日 09:00")
    expect(page.locator("#comment-form")).to_have_count(0)
    reviewer.shot("published-not-yet-open")
    _open_consultation(journey_site, title)

    citizen = people("citizen")
    citizen.sign_up(email=f"reader-{unique}@example.org", display_name=f"讀者{unique}")
    public = citizen.page
    public.goto("/motc/")
    public.locator("a", has_text=title).first.click()
    expect(public.locator("h1")).to_contain_text(title)
    expect(public.locator("[data-live=status]")).to_have_text("徵詢中")
    expect(public.locator(".section-card")).to_have_count(3)
    expect(public.locator(".attachment-list")).to_contain_text("草案全文與總說明")
    public.select_option("#comment-section", label="第二條")
    public.locator("input[name=stance][value=oppose]").check()
    public.fill("#comment-body", "登記制門檻太低，請加強保險規定。")
    with public.expect_navigation():
        public.locator("#comment-form button[type=submit]").click()
    expect(public.locator(".messages")).to_contain_text("您的留言已發表")
    citizen.shot("commented")
    consultation_path = urlparse(public.url).path

    # The consultation closes; the writer drafts the response, the colleague approves it.
    _close_consultation(journey_site, title)
    _draft_response(staff, consultation_path)
    _approve_from_the_bell(reviewer, title)

    public.goto(consultation_path)
    response = public.locator("#response")
    expect(response).to_contain_text("感謝各界意見，本部將加強保險規定。")
    expect(response.locator(".response-table")).to_contain_text("部分採納")
    expect(public.locator("a.nav-bell")).to_contain_text("1 則未讀")
    citizen.shot("response")

    # A correction is a second version, approved the same way; the first stays readable.
    # Staff reach it from the admin's page explorer too, not only from the public page.
    page = staff.page
    page.goto("/admin/pages/search/?q=交通部")
    page.locator("main a", has_text="交通部").first.click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/"))
    page.goto(re.search(r"/admin/pages/\d+/", page.url).group(0))  # the section's explorer
    row = page.locator("tr", has_text=title)
    row.get_by_role("button", name=f"「{title}」的更多選項").click()
    _post(page, page.get_by_role("link", name="回應民眾意見"))
    expect(page.locator("#response-overall")).to_have_value("感謝各界意見，本部將加強保險規定。")
    page.fill("#response-correction", "第二條決定誤植，更正為採納。")
    second = page.locator(".response-article").filter(has_text="第二條")
    second.locator("select").select_option("adopted")
    _post(page, page.get_by_role("button", name="儲存並預覽"))
    _post(page, page.get_by_role("button", name="送交核可"))
    _approve_from_the_bell(reviewer, title)

    public.goto(consultation_path)
    expect(public.locator("#response")).to_contain_text("第二條決定誤植")
    _post(public, public.get_by_role("link", name=re.compile("查看歷次版本")))
    expect(public.locator("h1")).to_contain_text("機關回應的歷次版本")
    expect(public.locator("section.card")).to_have_count(2)
    expect(public.locator("section.card").nth(1)).to_contain_text("已取代")
    citizen.shot("response-versions")
