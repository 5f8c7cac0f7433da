"""Content-Security-Policy in a real browser: the consultation page, the performance dashboard
and a published decision report run under the strict public policy without a single violation
(securitypolicyviolation events or CSP console errors), their charts still render and the live
updates still connect."""

import pytest
from playwright.sync_api import expect

from .conftest import new_context

pytestmark = pytest.mark.browser

CONSULTATION = "/motc/uberx/"
DASHBOARD = "/dashboard/"

# Runs before any script of the page (Playwright injects it outside the page's CSP).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
    window.__cspViolations.push({
        directive: event.violatedDirective,
        blocked: event.blockedURI,
        sample: event.sample,
        source: event.sourceFile + ":" + event.lineNumber,
    });
});
"""

# The demo has no report: the agency's staff generates and publishes one for the UberX consultation.
PUBLISH_REPORT = """
from django.urls import reverse
from minyi.accounts.models import User
from participation.models import ConsultationPage
from reports.services import report_generate, report_publish

page = ConsultationPage.objects.get(slug="uberx")
staff = User.objects.get(email="staff.motc@minyi.localhost")
report = report_generate(consultation=page, user=staff)
report.refresh_from_db()
report_publish(report=report, user=staff)
print(reverse("reports:detail", kwargs={"consultation_id": page.pk, "version": report.version}))
"""


@pytest.fixture(scope="module")
def report_path(live_site) -> str:
    return live_site.shell(PUBLISH_REPORT, what="generating the report")


def _visit(browser, live_site, path: str):
    context = new_context(browser, live_site)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []

    def record(message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            console.append(message.text)

    page.on("console", record)
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    assert "'nonce-" in response.headers["content-security-policy"]
    return context, page, console


def _assert_no_violations(page, console: list[str], path: str) -> None:
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__cspViolations")
    assert not violations, f"{path}: {violations}"
    assert not console, f"{path}: {console}"


def _assert_charts_render(page, path: str) -> None:
    charts = page.locator("[data-chart]")
    assert charts.count() > 0, f"{path}: no charts on the page"
    expect(page.locator("[data-chart] .main-svg").first).to_be_visible(timeout=20_000)
    # Every chart is drawn, with nothing fetched from outside the site.
    drawn = page.locator("[data-chart]:is(:has(.main-svg), .chart-is-empty)")
    expect(drawn).to_have_count(charts.count(), timeout=20_000)


def test_consultation_page_runs_under_the_policy(browser, live_site) -> None:
    context, page, console = _visit(browser, live_site, CONSULTATION)
    try:
        # live.js ran (it carries the nonce) and its WebSocket is allowed by connect-src.
        expect(page.locator("[data-consultation]")).to_have_attribute("data-live", "connected")
        _assert_no_violations(page, console, CONSULTATION)
    finally:
        context.close()


def test_dashboard_charts_render_under_the_policy(browser, live_site) -> None:
    context, page, console = _visit(browser, live_site, DASHBOARD)
    try:
        _assert_charts_render(page, DASHBOARD)
        _assert_no_violations(page, console, DASHBOARD)
    finally:
        context.close()


def test_dashboard_map_draws_every_county_with_the_network_blocked(browser, live_site) -> None:
    """As on a government intranet: any request off the site fails; the map still draws."""
    context = new_context(browser, live_site)
    outside: list[str] = []

    def only_our_site(route) -> None:
        if route.request.url.startswith(live_site.base_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_our_site)
    try:
        page = context.new_page()
        page.goto(DASHBOARD)
        page.wait_for_load_state("networkidle")
        counties = page.locator(".county-map svg a.county path")
        expect(counties).to_have_count(22)
        for index in range(22):
            box = counties.nth(index).bounding_box()
            assert box and box["width"] > 0 and box["height"] > 0, f"county {index} not drawn"
        assert not outside, f"requests off the site: {outside}"
    finally:
        context.close()


def test_report_charts_render_under_the_policy(browser, live_site, report_path) -> None:
    context, page, console = _visit(browser, live_site, report_path)
    try:
        _assert_charts_render(page, report_path)
        _assert_no_violations(page, console, report_path)
    finally:
        context.close()


def test_a_script_without_the_nonce_is_blocked(browser, live_site) -> None:
    """The policy is really enforced: an injected inline script does not run."""
    context, page, _console = _visit(browser, live_site, CONSULTATION)
    try:
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.__injected = true;";
                document.body.appendChild(script);
            }"""
        )
        page.wait_for_timeout(200)
        assert page.evaluate("window.__injected === undefined")
        violations = page.evaluate("window.__cspViolations")
        assert any(v["directive"].startswith("script-src") for v in violations), violations
    finally:
        context.close()
