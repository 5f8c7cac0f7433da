"""Journey: a moderator's decision reaches the published decision report.

A citizen comments on /motc/uberx/ with an insult and a personal detail that screening does not
catch; the analyst generates the decision report and sees them; the agency publishes it; the
analyst reports the comment; the moderator masks it from the queue; within a minute the worker
has regenerated the report and the public link serves the new version, marked 因審核更新,
without the removed words, while the old version's URL answers nobody outside the agency.
"""

import re
import time
from pathlib import Path

from playwright.sync_api import expect

REGENERATION_LIMIT_S = 60
TIMINGS = Path("var/journeys/timings.txt")


def _version(url: str) -> int:
    found = re.search(r"/v(\d+)/", url)
    return int(found.group(1)) if found else 0


def test_moderation_updates_report(people, journey_site, unique, viewport):
    line_id = f"wang{unique}"
    insult = "蛋頭學者"
    stance = "oppose" if viewport == "desktop" else "suggest"  # each run quoted for its stance
    body = f"這份草案寫得像{insult}的作業，沒有考慮司機。想連署的加我 LINE: {line_id}"
    masked = "這份草案寫得像＊＊＊＊的作業，沒有考慮司機。想連署的加我 LINE: ＊＊＊"

    # 1. A citizen comments; screening lets it through.
    citizen = people("citizen")
    citizen.log_in("citizen@minyi.localhost")
    page = citizen.page
    page.goto("/motc/uberx/")
    form = page.locator("#comment-form")
    form.locator(f"input[name=stance][value={stance}]").check()
    form.locator("#comment-body").fill(body)
    form.get_by_role("button", name="送出留言").click()
    expect(page.locator(".comment-body", has_text=line_id).first).to_be_visible()
    citizen.shot("comment-published")

    # 2. The analyst generates the decision report through the report pages and sees the words.
    analyst = people("analyst")
    analyst.log_in("analyst@minyi.localhost")
    a = analyst.page
    a.goto("/motc/uberx/")
    a.get_by_role("link", name="決策報告（草稿與各版本）").click()
    a.get_by_role("button", name="產生新版本").click()
    report = a.locator("article.decision-report")
    expect(report).to_contain_text(line_id, timeout=120_000)
    expect(report).to_contain_text(insult)
    first_version_url = a.url
    first = _version(first_version_url)
    analyst.shot("report-quotes-the-comment")

    # 3. The agency publishes that version on the consultation page.
    staff = people("staff")
    staff.log_in("staff.motc@minyi.localhost")
    staff.page.goto(first_version_url)
    staff.page.get_by_role("button", name="在諮詢頁面發布").click()
    expect(staff.page.locator(".report-badge-public").first).to_be_visible()

    # 4. The analyst reports the comment to the moderators.
    a.goto("/motc/uberx/")
    a.locator("li.comment", has_text=line_id).first.get_by_role("link", name="檢舉").click()
    a.locator("label.choice", has_text="保護個人資料").click()
    a.get_by_role("button", name="送出檢舉").click()
    expect(a.locator("body")).not_to_contain_text("請修正")

    # 5. The moderator masks it from the queue.
    moderator = people("moderator")
    moderator.log_in("moderator@minyi.localhost")
    m = moderator.page
    m.goto("/admin/moderation/")
    row = m.locator("tr", has_text=line_id)
    row.locator("input[name=items]").check()
    decision = m.locator("form[method=post] fieldset")
    decision.locator("select[name=action]").select_option("mask")
    decision.locator("select[name=rule]").select_option("personal-data")
    decision.locator("textarea[name=masked_text]").fill(masked)
    moderator.shot("queue-mask-decision")
    decision.get_by_role("button", name="記錄決定").click()
    expect(m.locator("body")).to_contain_text("已記錄")
    decided_at = time.monotonic()

    # 6. Within a minute the public link serves the new version, without the removed words.
    reader = people("reader")
    r = reader.page
    r.goto("/motc/uberx/")
    link = r.locator("#decision-report").get_by_role("link", name="閱讀決策報告")
    public_link = link.get_attribute("href")
    link.click()
    while not (r.locator(".report-badge-moderation").count() and _version(r.url) > first):
        if time.monotonic() - decided_at > REGENERATION_LIMIT_S:
            log = [line for line in journey_site.log().splitlines() if "report" in line]
            raise AssertionError("report not regenerated within a minute:\n" + "\n".join(log))
        time.sleep(0.5)
        r.goto(public_link)
    elapsed = time.monotonic() - decided_at
    expect(r.locator(".report-badge-moderation").first).to_have_text("因審核更新")
    public_report = r.locator("article.decision-report")
    expect(public_report).not_to_contain_text(line_id)
    expect(public_report).not_to_contain_text(insult)
    reader.shot("report-updated-after-moderation")
    assert r.url != first_version_url
    response = r.goto(first_version_url)
    assert response is not None and response.status == 404  # the quoting version is gone

    # Staff keep the history: the analyst still sees both versions.
    a.goto(re.sub(r"v\d+/$", "", first_version_url))
    expect(a.locator(".report-badge-moderation").first).to_be_visible()
    analyst.shot("versions-for-staff")
    # ... and the model's tone of each published comment, which the public never sees.
    a.get_by_role("link", name="每則留言的語氣判讀（不公開）").click()
    row = a.locator("tr", has_text="LINE: ＊＊＊").first
    expect(row).to_contain_text(re.compile("正面|中立|負面"))
    expect(a.locator("main")).not_to_contain_text(line_id)
    analyst.shot("tone-per-comment")

    TIMINGS.parent.mkdir(parents=True, exist_ok=True)
    with TIMINGS.open("a", encoding="utf-8") as out:
        out.write(
            f"moderation decision → public report regenerated ({viewport}): {elapsed:.1f} s\n"
        )
    print(f"re-derivation after the decision ({viewport}): {elapsed:.1f} s")  # noqa: T201
