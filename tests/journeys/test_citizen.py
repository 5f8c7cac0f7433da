"""A new citizen takes part in the UberX consultation, hears back, and downloads their data."""

import json
import re

from playwright.sync_api import expect

CONSULTATION = "/motc/uberx/"
# A comment long enough to be folded on the page (past 240 characters), its last line past the cut.
LONG_REASONS = (
    "我住在偏鄉，晚上十點以後就沒有公車，計程車也很難叫到，"
    "自用車載客讓我和鄰居下班後能安全回家。但我也擔心乘客的保險與司機的背景查核，"
    "希望主管機關在試辦期間要求平台公開投保證明、司機的無肇事紀錄與申訴處理的時限，"
    "並且定期公布事故與申訴的統計，讓大家判斷這個制度是否值得延續。"
    "試辦的地區也應該包括交通不便的鄉鎮，而不是只有台北市，"
    "否則最需要這項服務的人反而看不到它的效果。另外，車資的計算方式要透明，"
    "尖峰加價的上限應該事先公告，不能讓乘客在下雨天或深夜被收取不合理的費用。"
    "司機的收入與工時也要納入評估，避免為了多載幾趟而疲勞駕駛。\n\n"
    "最後一句：請在一年後公布完整的試辦評估報告。"
)


def _post(page, button) -> None:
    with page.expect_navigation():
        button.click()


def test_citizen_takes_part_and_hears_back(people, unique) -> None:
    # A neighbour (a demo citizen) has commented on the whole text.
    neighbour = people("neighbour")
    neighbour.log_in("citizen@minyi.localhost")
    neighbour.page.goto(CONSULTATION)
    neighbour.page.locator("input[name=stance][value=support]").check()
    neighbour.page.fill("#comment-body", f"支持先試辦一年再評估。{unique}\n\n{LONG_REASONS}")
    _post(neighbour.page, neighbour.page.locator("#comment-form button[type=submit]"))
    expect(neighbour.page.locator(".messages")).to_contain_text("您的留言已發表")

    me = people("newcomer")
    name = f"旅人{unique}"
    me.sign_up(email=f"journey-{unique}@example.org", display_name=name)
    page = me.page

    # Sent empty, the form says everything that is missing, in the form, where the page lands.
    page.goto(CONSULTATION)
    _post(page, page.locator("#comment-form button[type=submit]"))
    refusal = page.locator("#comment-form .error-summary")
    expect(refusal).to_contain_text("留言不可空白。")
    expect(refusal).to_contain_text("請選擇立場")
    expect(refusal).to_be_in_viewport()

    # Comment on the first article with a stance.
    page.select_option("#comment-section", label="第一條")
    page.locator("input[name=stance][value=support]").check()
    page.fill("#comment-body", f"支持登記制，請保障乘客保險。{unique}")
    _post(page, page.locator("#comment-form button[type=submit]"))
    expect(page.locator(".messages")).to_contain_text("您的留言已發表")
    mine = page.locator(".comment-list > li.comment").filter(has_text=f"乘客保險。{unique}")
    # Commenting follows the consultation: the button says so and offers to unfollow.
    expect(page.locator(".follow-form")).to_contain_text("已追蹤")
    expect(page.locator(".follow-form button")).to_have_text("取消追蹤")

    # Reply to someone else's comment (one level; the form opens without JavaScript). Being
    # long, it is folded, so the page does not turn into a wall on a phone: one click opens it.
    theirs = page.locator(".comment-list > li.comment").filter(has_text=f"評估。{unique}")
    last_line = theirs.get_by_text("最後一句：請在一年後公布完整的試辦評估報告。")
    expect(last_line).to_be_hidden()
    theirs.locator("summary", has_text="顯示全文").click()
    expect(last_line).to_be_visible()
    theirs.locator("summary", has_text="回覆").click()
    theirs.locator("textarea[name=body]").fill(f"同意您的看法。{unique}")
    _post(page, theirs.locator("button", has_text="送出回覆"))
    expect(page.locator(".messages")).to_contain_text("您的留言已發表")
    expect(page.locator(".reply-list li", has_text=f"同意您的看法。{unique}")).to_be_visible()

    # Edit my comment: the form is prefilled; afterwards it shows 已編輯 and the history.
    _post(page, mine.get_by_role("link", name="編輯", exact=True))
    expect(page.locator("#edit-body")).to_have_value(f"支持登記制，請保障乘客保險。{unique}")
    page.fill("#edit-body", f"支持登記制，請保障乘客保險與司機權益。{unique}")
    _post(page, page.get_by_role("button", name="儲存修改"))
    expect(page.locator(".messages")).to_contain_text("您的留言已更新")
    mine = page.locator(".comment-list > li.comment").filter(has_text=f"司機權益。{unique}")
    _post(page, mine.get_by_role("link", name="已編輯"))
    expect(page.locator("main")).to_contain_text(f"支持登記制，請保障乘客保險。{unique}")
    me.shot("comment-history")

    # Vote 同意, 不同意, 略過 on the statements offered one after another, add one.
    page.goto(CONSULTATION)
    card = page.locator("#vote")
    for label in ("同意", "不同意", "略過"):
        left = card.locator(".vote-remaining").inner_text()
        card.get_by_role("button", name=label, exact=True).click()  # the next card, no reload
        expect(card.locator(".vote-remaining")).not_to_have_text(left)
        expect(card.locator(".vote-confirmation")).to_contain_text("您的投票已記錄")
    page.fill("#statement-text", f"共享乘車應納入保險規範 {unique}")
    _post(page, page.locator("#statement-form button[type=submit]"))
    expect(page.locator(".messages")).to_contain_text("您的意見陳述已新增")

    # Unfollow and follow again: the button never toggles off unawares.
    _post(page, page.locator(".follow-form button", has_text="取消追蹤"))
    _post(page, page.locator(".follow-form button", has_text="追蹤"))
    expect(page.locator(".follow-form")).to_contain_text("已追蹤")
    me.shot("consultation")

    # The neighbour replies to my comment.
    neighbour.page.goto(CONSULTATION)
    their_view = neighbour.page.locator(".comment-list > li.comment").filter(
        has_text=f"司機權益。{unique}"
    )
    their_view.locator("summary", has_text="回覆").click()
    their_view.locator("textarea[name=body]").fill(f"保險的部分我也贊成。{unique}")
    _post(neighbour.page, their_view.locator("button", has_text="送出回覆"))
    expect(neighbour.page.locator(".messages")).to_contain_text("您的留言已發表")

    # The bell in my header counts it (on the cached consultation page too); the list marks read.
    page.goto(CONSULTATION)
    bell = page.locator("a.nav-bell")
    expect(bell).to_contain_text("1 則未讀")
    # The badge does not push the header onto a second row (it did on a phone).
    assert page.locator(".site-header").bounding_box()["height"] < 80
    me.shot("bell")
    _post(page, bell)
    notice = page.locator(".notification-list li").filter(has_text="回覆了您在")
    expect(notice).to_contain_text("新")
    expect(page.locator("#follows")).to_contain_text("UberX 自用車載客")
    me.shot("notifications")
    expect(page.locator("a.nav-bell .badge")).to_have_count(0)
    _post(page, notice.get_by_role("link"))
    expect(page.locator(".reply-list li", has_text=f"我也贊成。{unique}")).to_be_visible()

    # My data: the comment, the follow and the notification are in the export.
    page.goto("/me/")
    with page.expect_download() as download:
        page.get_by_role("link", name="下載我的資料").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    mine_data = data["participation"]
    assert any(f"司機權益。{unique}" in c["text"] for c in mine_data["comments"])
    assert any(re.search("自用車", f["consultation"] or "") for f in mine_data["follows"])
    # Notifications are the platform's (minyi.notifications), exported in their own section.
    notes = data["notifications"]["notifications"]
    assert any("回覆了您在" in n["title"] for n in notes)

    # Withdrawing my reply asks first, then it is gone from the page.
    page.goto(CONSULTATION)
    reply = page.locator(".reply-list li").filter(has_text=f"同意您的看法。{unique}")
    reply.locator("summary", has_text="撤回").click()
    expect(reply.locator(".confirm-inline-form")).to_contain_text("確定要撤回這則留言嗎")
    me.shot("withdraw-confirm")
    _post(page, reply.get_by_role("button", name="確定撤回"))
    expect(page.locator(".messages")).to_contain_text("您的留言已撤回")
    expect(page.get_by_text(f"同意您的看法。{unique}")).to_have_count(0)

    # Reading in English and coming back to 中文 on the same page.
    page.goto(CONSULTATION)
    page.locator("summary", has_text="顯示設定").click()
    _post(page, page.locator(".preferences").get_by_role("button", name="English"))
    assert page.url.endswith("/en" + CONSULTATION), page.url
    page.locator("summary", has_text="Settings").click()
    _post(page, page.locator("footer").get_by_role("button", name="繁體中文"))
    assert page.url.endswith(CONSULTATION) and "/en/" not in page.url, page.url
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-TW")
