"""A new citizen votes Pol.is style: one card after another, then finds and changes their votes.

The UberX consultation has about 120 statements, too many to click through: the newcomer votes
on five cards (the count of those left goes down by one each time, without a reload) and two more
to see where they stand on the opinion map (我的立場), adds a statement from beside the card, then
uses the statements page (我的表態, 尚未表態, a sort) and changes a vote; a comment's permalink
opens the all-comments page on that comment.
"""

import re

from playwright.sync_api import expect

CONSULTATION = "/motc/uberx/"
LEFT = re.compile(r"還有 (\d+) 則尚未表態（共 (\d+) 則）")


def _left(card) -> tuple[int, int]:
    found = LEFT.search(card.locator(".vote-remaining").inner_text())
    assert found, card.inner_text()
    return int(found.group(1)), int(found.group(2))


def _post(page, button) -> None:
    with page.expect_navigation():
        button.click()


def _standing_visit(me, card) -> None:
    """From the card to 我的立場: the task worker places the reader on the opinion map (the
    vTaiwan voters make two groups); the page says so until it has."""
    page = me.page
    _post(page, card.get_by_role("link", name="看看我的立場"))
    expect(page.locator("h1")).to_have_text("我的立場")
    expect(page.locator(".standing-summary")).to_contain_text("您已對 7 則陳述表態")
    for _attempt in range(30):
        if page.locator(".standing-group").count():
            break
        page.wait_for_timeout(2000)
        page.reload()
    expect(page.locator(".standing-group")).to_contain_text(re.compile(r"您屬於意見群 [A-E]"))
    expect(page.locator(".opinion-map svg .map-me")).to_have_count(1)
    expect(page.locator(".standing-group-card.is-mine li").first).to_contain_text("本群")
    me.shot("where-i-stand")


def test_citizen_votes_card_by_card_and_reviews_their_votes(people, unique) -> None:
    me = people("voter")
    me.sign_up(email=f"voter-{unique}@example.org", display_name=f"表態者{unique}")
    page = me.page
    page.goto(CONSULTATION)
    card = page.locator("#vote")
    left, total = _left(card)
    assert left == total > 5  # a newcomer has voted on nothing
    me.shot("first-card")

    voted = []
    for n, label in enumerate(("同意", "不同意", "略過", "同意", "同意")):
        statement = card.get_attribute("data-statement-id")
        card.get_by_role("button", name=label, exact=True).click()
        expect(card).not_to_have_attribute("data-statement-id", statement)
        expect(card.locator(".vote-confirmation")).to_contain_text("您的投票已記錄")
        assert _left(card) == (left - n - 1, total)
        voted.append(statement)
    # The page was never reloaded: the confirmation is on the card, where the reader looks.
    expect(page.locator(".messages")).not_to_contain_text("您的投票已記錄")
    expect(card.locator(".vote-confirmation")).to_be_in_viewport()
    me.shot("after-five-votes")

    # Where I stand: two more votes open the opinion map (Pol.is asks for seven).
    expect(card.locator(".vote-standing")).to_contain_text("再表態 2 則")
    for label in ("不同意", "同意"):
        statement = card.get_attribute("data-statement-id")
        card.get_by_role("button", name=label, exact=True).click()
        expect(card).not_to_have_attribute("data-statement-id", statement)
        voted.append(statement)
    _standing_visit(me, card)
    page.goto(CONSULTATION)

    # A statement of one's own, from beside the card.
    page.fill("#statement-text", f"網路叫車平台應公開司機的保險資訊 {unique}")
    _post(page, page.locator("#statement-form button[type=submit]"))
    expect(page.locator(".messages")).to_contain_text("您的意見陳述已新增")
    # The redirect lands on #statements, far below the top: the confirmation stays in sight
    # there, and can be put away.
    confirmation = page.locator(".messages .message")
    expect(confirmation).to_be_in_viewport()
    confirmation.get_by_role("button", name="關閉這則訊息").click()
    expect(confirmation).to_have_count(0)

    # 我的表態: the seven votes, each with the vote given, and my own statement, which its
    # author agrees with (as in Pol.is); change one.
    _post(page, card.get_by_role("link", name="我的表態"))
    expect(page.locator("h1")).to_have_text("意見陳述")
    expect(page.locator(".page-intro")).to_contain_text("共 8 則")
    rows = page.locator(".statement-list > li")
    expect(rows).to_have_count(8)
    mine = rows.filter(has_text=f"網路叫車平台應公開司機的保險資訊 {unique}")
    expect(mine).to_contain_text("您的表態：同意")
    voted.append(mine.get_attribute("data-statement-id"))
    assert sorted(rows.evaluate_all("rs => rs.map(r => r.dataset.statementId)")) == sorted(voted)
    first = page.locator(f'.statement-list > li[data-statement-id="{voted[1]}"]')
    expect(first).to_contain_text("您的表態：不同意")
    me.shot("my-votes")
    _post(page, first.get_by_role("button", name="同意", exact=True))
    expect(page.locator(".messages")).to_contain_text("您的投票已記錄")
    expect(first).to_contain_text("您的表態：同意")
    expect(first.get_by_role("button", name="同意", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )

    # 尚未表態: the statements voted on are gone from it.
    _post(page, page.locator(".filter-links a", has_text="尚未表態"))
    count = int(re.search(r"共 (\d+) 則", page.locator(".page-intro").inner_text()).group(1))
    assert count >= total - 7  # others may add statements meanwhile
    for statement in voted:
        row = page.locator(f'.statement-list > li[data-statement-id="{statement}"]')
        expect(row).to_have_count(0)
    _post(page, page.locator(".filter-links a", has_text="最具爭議"))
    expect(page.locator(".filter-links a", has_text="最具爭議")).to_have_attribute(
        "aria-current", "page"
    )
    me.shot("unvoted-divisive")

    # Back on the consultation page the card goes on where it stopped.
    page.goto(CONSULTATION)
    now_left, now_total = _left(card)
    assert now_left == now_total - 8 and now_total > total  # mine is new, and voted on

    # A comment's permalink opens the all-comments page on that comment.
    page.locator("input[name=stance][value=suggest]").check()
    page.fill("#comment-body", f"建議先公開試辦的數據再決定。{unique}")
    _post(page, page.locator("#comment-form button[type=submit]"))
    comment = page.locator(".comment-list > li.comment").filter(has_text=f"數據再決定。{unique}")
    comment_id = comment.get_attribute("id")
    _post(page, comment.locator("a.permalink"))
    target = page.locator(f"#{comment_id}")
    expect(target).to_be_in_viewport()
    _post(page, page.locator(".filter-links a", has_text="最新在前"))
    expect(page.locator(".filter-links a", has_text="最新在前")).to_have_attribute(
        "aria-current", "page"
    )
    me.shot("all-comments-newest")


SMALL_CONSULTATION = "/motc/bus-shelters/"  # seed_demo: six statements


def test_citizen_votes_through_every_statement_to_the_end(people, unique) -> None:
    me = people("newcomer")
    me.sign_up(email=f"shelter-{unique}@example.org", display_name=f"候車者{unique}")
    page = me.page
    page.goto(SMALL_CONSULTATION)
    card = page.locator("#vote")
    left, total = _left(card)
    assert left == total == 6
    for n in range(total):
        statement = card.get_attribute("data-statement-id")
        card.get_by_role("button", name=("同意", "不同意", "略過")[n % 3], exact=True).click()
        expect(card).not_to_have_attribute("data-statement-id", statement)
        if n < total - 1:
            assert _left(card) == (total - n - 1, total)
    expect(card).to_contain_text("您已對所有意見陳述表態")
    expect(card.locator(".vote-confirmation")).to_contain_text("您的投票已記錄")
    expect(card.locator(".vote-form")).to_have_count(0)
    me.shot("all-done")

    # The end is the reader's own state, not the page's: it holds after a reload.
    page.reload()
    expect(card).to_contain_text("您已對所有意見陳述表態")
    _post(page, card.get_by_role("link", name="我的表態"))
    expect(page.locator(".page-intro")).to_contain_text("共 6 則")
    expect(page.locator(".statement-list .my-vote")).to_have_count(6)
    me.shot("all-my-votes")
