"""Journey: a citizen's petition from proposal to the agency's answer, through the screens."""

from playwright.sync_api import expect

PETITION_SETTINGS = "/admin/settings/participation/participationsettings/"


def _set_threshold(admin, value: int) -> None:
    """The administrator sets the endorsements a new petition needs (Settings in the admin)."""
    page = admin.page
    page.goto(PETITION_SETTINGS)
    page.locator("input[name=petition_threshold]").fill(str(value))
    with page.expect_navigation():
        page.locator("form:has(input[name=petition_threshold]) button[type=submit]").first.click()
    expect(page.locator("input[name=petition_threshold]")).to_have_value(str(value))


def test_petition(people, unique):
    title = f"增設公車專用道 {unique}"

    admin = people("admin")
    admin.log_in("admin@minyi.localhost")
    # The demo threshold (5000) cannot be reached in a test; a petition keeps the threshold
    # in force when it opens, so the setting is restored right after the approval below.
    _set_threshold(admin, 2)

    proposer = people("proposer")
    proposer.log_in("citizen@minyi.localhost")
    page = proposer.page
    page.goto("/petitions/")
    page.get_by_role("link", name="我要提點子").click()
    page.locator("#petition-title").fill(title)
    page.locator("#petition-agency").select_option(label="交通部")
    page.locator("#petition-body").fill("請在市區主要幹道增設公車專用道，縮短通勤時間。")
    page.get_by_role("button", name="送出提議").click()
    expect(page.locator("main")).to_contain_text("審核")
    proposer.shot("proposed")

    moderator = people("moderator")
    moderator.log_in("moderator@minyi.localhost")
    page = moderator.page
    page.goto("/admin/moderation/?kind=participation.petition")
    row = page.locator("tr", has_text=title)
    expect(row).to_contain_text("交通部")
    expect(row).to_contain_text("待審核")
    moderator.shot("queue")
    row.locator("input[name=items]").check()
    page.locator("select[name=action]").select_option("approve")
    page.get_by_role("button", name="記錄決定").click()
    expect(page.get_by_text("已記錄 1 項決定")).to_be_visible()
    expect(page.locator("tr", has_text=title)).to_have_count(0)
    _set_threshold(admin, 5000)

    page = proposer.page
    page.goto("/notifications/")
    notice = page.locator(".notification-list li").filter(has_text="開放附議").first
    with page.expect_navigation():
        notice.get_by_role("link").click()  # the notice opens the petition itself
    expect(page.locator("h1")).to_contain_text(title)
    # Endorsements count others' support: the proposer is asked to share, not to endorse.
    expect(page.locator("main")).to_contain_text("您是這項提議的提議人")
    expect(page.get_by_role("button", name="附議此提議")).to_have_count(0)
    petition_url = page.url
    for number in (1, 2):
        endorser = people(f"endorser{number}")
        endorser.sign_up(
            email=f"endorser{number}-{unique}@example.org", display_name=f"附議者{number}{unique}"
        )
        endorser.page.goto(petition_url)
        # Endorsing needs a verified mobile number (L2): the site asks for one and comes back.
        endorser.page.get_by_role("button", name="附議此提議").click()
        expect(endorser.page.locator("main")).to_contain_text("附議前，需要先驗證手機號碼")
        endorser.verify_mobile(f"097{int(unique, 16) % 10**6:06d}{number}")
        expect(endorser.page.locator("main")).to_contain_text("手機號碼驗證完成")
        endorser.page.get_by_role("button", name="附議此提議").click()
        expect(endorser.page.locator("[data-live=endorsements]")).to_contain_text(
            f"已附議 {number}／2"
        )
    expect(endorser.page.locator("main")).to_contain_text("附議成功")
    endorser.shot("reached")

    staff = people("staff")
    staff.log_in("staff.motc@minyi.localhost")
    page = staff.page
    page.goto(petition_url)
    page.get_by_role("link", name="撰寫機關回應").click()
    page.locator("#petition-response").fill("本部將於明年度評估主要幹道增設公車專用道。")
    page.get_by_role("button", name="送交核可").click()
    expect(page.locator(".messages")).to_contain_text("已送交本機關另一位人員核可")
    staff.shot("response-sent")

    # A colleague of the same agency approves it from the bell; then it is public.
    reviewer = people("reviewer")
    reviewer.log_in("reviewer.motc@minyi.localhost")
    review = reviewer.page
    review.goto("/notifications/")
    review.locator(".notification-list li").filter(
        has_text=f"待您核可：提議「{title}」"
    ).first.get_by_role("link").click()
    expect(review.locator("main")).to_contain_text("本部將於明年度評估主要幹道增設公車專用道。")
    review.get_by_role("button", name="核可並發布").click()
    expect(review.locator("#response")).to_contain_text("本部將於明年度評估")
    reviewer.shot("responded")

    # The overdue board lists petitions past their reply deadline; this one was answered.
    page.goto("/petitions/?state=overdue")
    expect(page.locator("#petition-state")).to_have_value("overdue")
    expect(page.get_by_role("link", name=title)).to_have_count(0)
    page.goto("/petitions/?state=responded")
    expect(page.get_by_role("link", name=title)).to_be_visible()
    staff.shot("board")
