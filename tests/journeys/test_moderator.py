"""Journey: screening holds, reports hide, an appeal goes to a second moderator, all logged."""

import re

from playwright.sync_api import expect

CONSULTATION = "/motc/uberx/"


def _post_comment(person, text: str) -> None:
    page = person.page
    page.goto(CONSULTATION)
    form = page.locator("#comment-form")
    form.locator("input[name=stance]").last.check()
    form.locator("#comment-body").fill(text)
    form.get_by_role("button", name="送出留言").click()


def _decide_in_queue(moderator, text: str, *, action: str, rule: str) -> None:
    page = moderator.page
    page.goto("/admin/moderation/?kind=participation.comment")
    row = page.locator("tr", has_text=text)
    row.locator("input[name=items]").check()
    page.locator("select[name=action]").select_option(action)
    page.locator("fieldset select[name=rule]").select_option(rule)
    page.get_by_role("button", name="記錄決定").click()
    # The new page first: a count taken while the old one unloads would pass on an empty DOM.
    expect(page.get_by_text("已記錄 1 項決定")).to_be_visible()
    expect(page.locator("tr", has_text=text)).to_have_count(0)


def test_moderator(people, unique):
    insult = f"你這個白痴官員，去死吧 {unique}"
    ordinary = f"計程車業者也應該有轉型補助 {unique}"

    rude = people("rude")
    rude.log_in("citizen@minyi.localhost")
    _post_comment(rude, insult)
    expect(rude.page.locator("main")).to_contain_text("您的留言將在審核員審核後顯示")
    expect(rude.page.get_by_text(insult)).to_have_count(0)

    first = people("moderator")
    first.log_in("moderator@minyi.localhost")
    # The admin home says what waits, and the count is the way in.
    first.page.goto("/admin/")
    first.page.get_by_role("link", name=re.compile(r"審核佇列中有 \d+ 項等待處理")).click()
    expect(first.page.locator("h1")).to_contain_text("審核佇列")
    row = first.page.locator("tr", has_text=insult)
    expect(row).to_contain_text("自動篩檢暫緩")
    expect(row).to_contain_text("所屬：")
    first.shot("queue-held")
    _decide_in_queue(first, insult, action="reject", rule="abuse")

    author = people("author")
    author.sign_up(email=f"author-{unique}@example.org", display_name=f"作者{unique}")
    _post_comment(author, ordinary)
    expect(author.page.locator("main")).to_contain_text("您的留言已發表")

    # A moderator can act on a visible item nobody reported, from the public page.
    page = first.page
    page.goto(CONSULTATION)
    page.locator("li.comment", has_text=ordinary).get_by_role("link", name="審核處理").click()
    item = page.locator("[data-item]", has_text=ordinary)
    expect(item).to_contain_text("公開中")
    expect(item.locator("select[name=action]")).to_be_visible()
    first.shot("item")

    for number in (1, 2, 3):
        reporter = people(f"reporter{number}")
        reporter.sign_up(
            email=f"reporter{number}-{unique}@example.org", display_name=f"檢舉者{number}{unique}"
        )
        page = reporter.page
        page.goto(CONSULTATION)
        page.locator("li.comment", has_text=ordinary).get_by_role("link", name="檢舉").click()
        page.get_by_label("禁止人身攻擊與粗俗辱罵").check()
        page.get_by_role("button", name="送出檢舉").click()
        expect(page.locator("main")).to_contain_text("檢舉")
    page.goto(CONSULTATION)
    expect(page.get_by_text(ordinary)).to_have_count(0)

    first.page.goto("/admin/moderation/?kind=participation.comment&state=hidden")
    expect(first.page.locator("tr", has_text=ordinary)).to_contain_text("3")
    _decide_in_queue(first, ordinary, action="hide", rule="abuse")
    first.shot("queue-after-hide")

    page = author.page
    page.goto("/moderation/decisions/")
    card = page.locator("li.card", has_text=ordinary)
    expect(card).to_contain_text("禁止人身攻擊與粗俗辱罵")
    card.get_by_role("link", name="對這項決定提出申訴").click()
    page.locator("#appeal-reason").fill("我只是提出政策建議，沒有攻擊任何人。")
    page.get_by_role("button", name="送出申訴").click()
    card = page.locator("li.card", has_text=ordinary)
    expect(card.locator(".appeal-status")).to_contain_text("等待")
    expect(card.get_by_role("link", name="對這項決定提出申訴")).to_have_count(0)
    author.shot("appealed")

    first.page.goto("/admin/moderation/appeals/")
    section = first.page.locator("section", has_text="我只是提出政策建議").filter(has_text=unique)
    expect(section).to_contain_text("另一位審核員")
    expect(section.locator("input[name=outcome]")).to_have_count(0)
    first.shot("appeal-not-mine")

    second = people("moderator2")
    second.log_in("moderator2@minyi.localhost")
    page = second.page
    page.goto("/admin/moderation/appeals/")
    section = page.locator("section", has_text="我只是提出政策建議").filter(has_text=unique)
    section.get_by_label("撤銷原決定").check()
    section.get_by_role("button", name="決定申訴").click()
    expect(page.get_by_text("申訴已決定，並已通知作者")).to_be_visible()
    expect(page.locator("section", has_text=unique)).to_have_count(0)

    author.page.goto(CONSULTATION)
    expect(author.page.get_by_text(ordinary)).to_be_visible()

    page = first.page
    page.goto("/admin/moderation/audit/")
    log = page.locator("main")
    for label in (
        "自動篩檢暫緩公開",
        "審核員不予公開",
        "民眾檢舉",
        "多人檢舉後自動隱藏",
        "審核員隱藏",
        "作者提出申訴",
        "申訴決定：撤銷原決定",
    ):
        expect(log).to_contain_text(label)
    expect(log).not_to_contain_text(re.compile(r"\bdecide-|hide-after-reports\b"))
    first.shot("audit-log")
