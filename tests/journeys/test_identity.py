"""Journey: identity assurance for petitions. A citizen with only an e-mail address is asked for
a mobile number before endorsing, enters the code from the text message and is counted; a second
account with the same number is not; a sign-in with a government digital identity (OpenID
Connect, the loopback provider) endorses without a code."""

import re

from playwright.sync_api import expect

DEMO_PETITION = "公車動態資訊全面提供無障礙語音播報"


def _endorsements(page) -> int:
    text = page.locator("[data-live=endorsements]").inner_text()
    return int(re.search(r"已附議 ([\d,]+)", text).group(1).replace(",", ""))


def _open_demo_petition(person) -> str:
    page = person.page
    page.goto("/petitions/")
    page.get_by_role("link", name=DEMO_PETITION).click()
    return page.url


def test_endorsing_needs_a_verified_mobile_number(people, unique):
    number = f"0966-{int(unique, 16) % 1000:03d}-{int(unique, 16) // 1000 % 1000:03d}"
    citizen = people("citizen")
    citizen.sign_up(email=f"mobile-{unique}@example.org", display_name=f"手機驗證{unique}")
    page = citizen.page
    petition_url = _open_demo_petition(citizen)
    before = _endorsements(page)
    # The page says why before the person even tries.
    expect(page.locator("#identity-prompt")).to_contain_text("附議前，需要先驗證手機號碼")
    citizen.shot("petition-prompt")
    page.get_by_role("button", name="附議此提議").click()
    expect(page).to_have_url(re.compile(r"/me/verify/mobile/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("驗證手機號碼")

    # A malformed number is refused in words a person understands.
    page.get_by_role("textbox", name="手機號碼").fill("12345")
    page.get_by_role("button", name="傳送驗證碼").click()
    expect(page.locator("main")).to_contain_text("請輸入台灣手機號碼")
    citizen.shot("number-malformed")

    # A wrong code first, then the one from the text message.
    page.get_by_role("textbox", name="手機號碼").fill(number)
    mark = citizen.site.log_mark()
    page.get_by_role("button", name="傳送驗證碼").click()
    expect(page.locator("main")).to_contain_text(f"09XX-XXX-{number[-3:]}")
    national = re.sub(r"\D", "", number)[-9:]
    code = citizen.site.wait_for_log(rf"\[SMS to \+886{national}\] [^\n]*?(\d{{6}})", after=mark)
    wrong = f"{(int(code.group(1)) + 1) % 1_000_000:06d}"
    page.get_by_role("textbox", name="驗證碼").fill(wrong)
    page.get_by_role("button", name="驗證", exact=True).click()
    expect(page.locator("main")).to_contain_text("驗證碼不正確，還可以再試 4 次")
    citizen.shot("code-wrong")
    page.get_by_role("textbox", name="驗證碼").fill(code.group(1))
    page.get_by_role("button", name="驗證", exact=True).click()

    # Back on the petition, verified: the endorsement counts.
    expect(page).to_have_url(petition_url)
    expect(page.locator("main")).to_contain_text("手機號碼驗證完成")
    expect(page.locator("#identity-prompt")).to_have_count(0)
    page.get_by_role("button", name="附議此提議").click()
    expect(page.locator("main")).to_contain_text("已計入附議數")
    expect(page.locator("[data-live=endorsements]")).to_contain_text(f"已附議 {before + 1:,}")
    citizen.shot("endorsed")
    page.goto("/me/")
    expect(page.locator("#identity")).to_contain_text(f"09XX-XXX-{number[-3:]}")
    expect(page.locator("#identity")).to_contain_text("手機號碼已驗證")

    # A second account with the same number can neither verify it nor endorse.
    second = people("second")
    second.sign_up(email=f"mobile2-{unique}@example.org", display_name=f"第二帳號{unique}")
    page = second.page
    page.goto(petition_url)
    page.get_by_role("button", name="附議此提議").click()
    expect(page).to_have_url(re.compile(r"/me/verify/mobile/"))
    page.get_by_role("textbox", name="手機號碼").fill(number.replace("-", " "))
    page.get_by_role("button", name="傳送驗證碼").click()
    expect(page.locator("main")).to_contain_text("此手機號碼已由其他帳號驗證")
    second.shot("number-taken")
    page.goto(petition_url)
    expect(page.locator("#identity-prompt")).to_be_visible()
    page.get_by_role("button", name="附議此提議").click()
    expect(page).to_have_url(re.compile(r"/me/verify/mobile/"))
    page.goto(petition_url)
    expect(page.locator("[data-live=endorsements]")).to_contain_text(f"已附議 {before + 1:,}")
    # Proposing needs the same: the form says so and leads to the verification.
    page.goto("/petitions/")
    page.get_by_role("link", name="我要提點子").click()
    expect(page.locator("#identity-prompt")).to_contain_text("提出點子前，需要先驗證手機號碼")
    second.shot("propose-prompt")
    page.get_by_role("link", name="驗證我的手機號碼").click()
    expect(page).to_have_url(re.compile(r"/me/verify/mobile/\?next=.*petitions"))

    # The moderator sees the petition's endorsements: verified beside the total, new accounts.
    moderator = people("moderator")
    moderator.log_in("moderator@minyi.localhost")
    page = moderator.page
    page.goto(petition_url)
    page.get_by_role("link", name="附議檢核").click()
    expect(page.locator("[data-integrity=total]")).to_contain_text(f"{before + 1}")
    expect(page.locator("[data-integrity=verified]")).not_to_have_text("0")
    expect(page.locator("main")).to_contain_text("附議趨勢")
    moderator.shot("integrity")
    page.goto("/admin/petition-integrity/")
    expect(page.get_by_role("link", name=DEMO_PETITION)).to_be_visible()
    moderator.shot("integrity-index")


def test_government_identity_sign_in(people, unique, oidc_provider):
    # The person's own card at the provider (the loopback stand-in for TW FidO).
    oidc_provider.identity = {
        "sub": f"F1{int(unique, 16) % 10**8:08d}",
        "name": "陳大文",
        "email": f"fido-{unique}@example.org",
        "email_verified": True,
    }
    citizen = people("fido")
    page = citizen.page
    page.goto("/accounts/login/")
    citizen.shot("login-page")
    page.get_by_role("link", name=re.compile("TW FidO")).click()
    expect(page.get_by_role("button", name="繼續")).to_be_visible()
    citizen.shot("government-id-confirm")
    page.get_by_role("button", name="繼續").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("行動自然人憑證")
    page.get_by_role("button", name="同意並登入").click()
    # First sign-in: the person picks the public display name.
    page.locator("input[name=display_name]").fill(f"憑證市民{unique}")
    citizen.shot("government-id-signup")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    page.goto("/me/")
    expect(page.locator("#identity")).to_contain_text("政府數位身分")
    # In words, no level codes: every action allowed.
    expect(page.locator("#identity .ability-yes")).to_have_count(3)
    expect(page.locator("#identity")).not_to_contain_text("L3")
    citizen.shot("government-id-profile")
    _open_demo_petition(citizen)
    before = _endorsements(page)
    expect(page.locator("#identity-prompt")).to_have_count(0)
    page.get_by_role("button", name="附議此提議").click()
    expect(page.locator("main")).to_contain_text("已計入附議數")
    expect(page.locator("[data-live=endorsements]")).to_contain_text(f"已附議 {before + 1:,}")
