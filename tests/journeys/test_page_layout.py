"""Every public page, the decision report and the listening dashboard fit a phone and a desktop.

Loaded at 390 px and 1280 px (the `viewport` fixture), each page fails on:
- horizontal overflow: the page wider than the screen, or an element sticking out on the
  right that is not inside a box of its own that scrolls or clips (a wide table in
  `.table-wrap` scrolls by design);
- charts that overlap: a chart's drawing larger than its box, or two charts, maps or tables
  whose boxes intersect.
"""

import re

from playwright.sync_api import expect

PUBLIC_PAGES = [
    "/",
    "/consultations/",
    "/motc/uberx/",
    "/motc/bus-shelters/",
    "/motc/taxi-drivers/",  # closed and answered: the response table
    "/petitions/",
    "/dashboard/",
    "/dashboard/programs/EGOV4-1-1/",
    "/participate/search/?q=UberX",
    "/house-rules/",
    "/accounts/login/",
    "/accounts/signup/",
    "/privacy/",
]

LAYOUT_PROBLEMS = """
() => {
    const problems = [];
    const width = document.documentElement.clientWidth;
    const describe = (el) => {
        const id = el.id ? "#" + el.id : "";
        const cls = typeof el.className === "string" && el.className.trim()
            ? "." + el.className.trim().split(/\\s+/).join(".") : "";
        const text = (el.innerText || el.textContent || "").trim().slice(0, 30);
        return `<${el.tagName.toLowerCase()}${id}${cls}> ${JSON.stringify(text)}`;
    };
    const clipsOrScrolls = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            const overflow = getComputedStyle(p).overflowX;
            if (["auto", "scroll", "hidden"].includes(overflow)) { return true; }
        }
        return false;
    };
    const shown = (el) => {
        // Not rendered: display none, visibility hidden, inside a closed <details>.
        if (!el.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true})) {
            return false;
        }
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return style.visibility !== "hidden" && style.display !== "none" && box.width > 1
            && box.height > 1 && !(style.position === "absolute" && style.clip !== "auto")
            && !el.closest(".visually-hidden, .skip-link, [hidden], [aria-hidden=true] *");
    };
    if (document.documentElement.scrollWidth > width + 1) {
        const wide = document.documentElement.scrollWidth;
        problems.push(`page is ${wide}px wide on a ${width}px screen`);
    }
    for (const el of document.body.querySelectorAll("*")) {
        if (!shown(el)) { continue; }
        const box = el.getBoundingClientRect();
        if (box.right > width + 1 && !clipsOrScrolls(el)) {
            problems.push(`sticks out ${Math.round(box.right - width)}px: ${describe(el)}`);
        }
    }
    for (const chart of document.querySelectorAll(".chart")) {
        const outer = chart.getBoundingClientRect();
        // The drawing, its legend, colour bar and axis titles stay inside the chart's box.
        const parts = chart.querySelectorAll(
            ".main-svg, .legend, .colorbar, .g-xtitle, .g-ytitle, .gtitle");
        for (const part of parts) {
            const inner = part.getBoundingClientRect();
            if (inner.width === 0 || inner.height === 0) { continue; }
            if (inner.right > outer.right + 2 || inner.bottom > outer.bottom + 2
                || inner.left < outer.left - 2 || inner.top < outer.top - 2) {
                const name = part.getAttribute("class").split(" ")[0];
                problems.push(`chart's ${name} outside its box: ${describe(chart)}`);
            }
        }
    }
    const blocks = [...document.querySelectorAll(".chart, figure.county-map, table")].filter(shown);
    for (let i = 0; i < blocks.length; i++) {
        for (let j = i + 1; j < blocks.length; j++) {
            const a = blocks[i], b = blocks[j];
            if (a.contains(b) || b.contains(a)) { continue; }
            const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
            const overlap = Math.min(p.right, q.right) - Math.max(p.left, q.left) > 2
                && Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top) > 2;
            if (overlap) { problems.push(`overlap: ${describe(a)} and ${describe(b)}`); }
        }
    }
    return [...new Set(problems)].slice(0, 20);
}
"""


def layout_problems(person, path: str) -> list[str]:
    page = person.page
    response = page.goto(path)
    assert response is not None and response.status == 200, (
        f"{path}: {response and response.status}"
    )
    page.wait_for_load_state("networkidle")
    charts = page.locator(".chart[data-chart]")
    if charts.count():
        expect(
            page.locator(".chart[data-chart]:is(:has(.main-svg), .chart-is-empty)")
        ).to_have_count(charts.count())
    # Measured before the full-page screenshot, which resizes the window for a moment.
    problems = [f"{path}: {problem}" for problem in page.evaluate(LAYOUT_PROBLEMS)]
    person.shot(re.sub(r"\W+", "_", path).strip("_") or "home")
    return problems


CHART_SPILLS = """
() => [...document.querySelectorAll('.chart[data-chart]')].flatMap((chart) => {
    const svg = chart.querySelector('.main-svg');
    if (!svg) { return []; }
    const box = chart.getBoundingClientRect().height, plot = svg.getBoundingClientRect().height;
    return plot > box + 1 ? [`a ${plot}px plot in a ${box}px box`] : [];
})
"""


def charts_spill_after_resizing(person, path: str) -> list[str]:
    """A reader who turns the phone or narrows the window: plotly resizes the charts to their
    boxes, which must keep the figure's height (they fell to their CSS minimum)."""
    page = person.page
    page.goto(path)
    page.wait_for_load_state("networkidle")
    size = page.viewport_size
    page.set_viewport_size({"width": 1280 if size["width"] < 800 else 390, "height": 900})
    page.wait_for_timeout(1000)  # plotly's resize runs after the window's resize event
    spills = page.evaluate(CHART_SPILLS)
    page.set_viewport_size(size)
    return [f"{path} resized: {spill}" for spill in spills]


def test_public_pages_report_and_listening_fit_the_screen(people) -> None:
    reader = people("reader")
    problems = []
    for path in PUBLIC_PAGES:
        problems += layout_problems(reader, path)
    problems += charts_spill_after_resizing(reader, "/dashboard/programs/EGOV4-1-1/")
    # The statements page, reached from the consultation page, and the same consultation's
    # list of all comments on the whole text.
    reader.page.goto("/motc/uberx/")
    statements = reader.page.locator("a[href*='/all-statements/']").first.get_attribute("href")
    problems += layout_problems(reader, statements)
    comments = statements.replace("/all-statements/", "/all-comments/") + "?section=general"
    problems += layout_problems(reader, comments)

    analyst = people("analyst")
    analyst.log_in("analyst@minyi.localhost")
    problems += layout_problems(analyst, "/listening/")
    topic = analyst.page.locator("main a[href*='/listening/topics/']").first
    problems += layout_problems(analyst, topic.get_attribute("href"))

    analyst.page.goto("/motc/uberx/")
    analyst.page.get_by_role("link", name="決策報告（草稿與各版本）").click()
    versions = analyst.page.locator("table a[href*='/reports/consultations/']")
    if not versions.count():
        with analyst.page.expect_navigation():
            analyst.page.get_by_role("button", name="產生新版本").click()
        expect(analyst.page.locator("nav.report-actions")).to_be_visible(timeout=120_000)
        report = analyst.page.url
    else:
        report = versions.first.get_attribute("href")
    problems += layout_problems(analyst, report.replace(analyst.site.base_url, ""))

    assert not problems, "\n".join(problems)
