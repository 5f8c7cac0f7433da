"""axe-core on the public pages: no serious or critical violation."""

from pathlib import Path

import pytest

from .conftest import new_context

pytestmark = pytest.mark.browser

BLOCKING_IMPACTS = {"serious", "critical"}

RUN_AXE = """
async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    count: v.nodes.length,
  }));
}
"""


def _blocking_violations(context, live_site, path: str, axe_script: Path) -> list[dict]:
    page = context.new_page()
    response = page.goto(path)
    assert response is not None
    assert response.ok, (
        f"GET {path} answered {response.status}; server log tail:\n{live_site.log()[-3000:]}"
    )
    page.add_script_tag(path=str(axe_script))
    violations = page.evaluate(RUN_AXE)
    page.close()
    return [v for v in violations if v["impact"] in BLOCKING_IMPACTS]


def _report(path: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} serious/critical axe violation(s) on {path}:"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['count']} node(s))")
        lines.extend(f"    {target}" for target in v["targets"])
        lines.append(f"    {v['helpUrl']}")
    return "\n".join(lines)


@pytest.mark.parametrize("path", ["/", "/accounts/signup/"])
def test_no_serious_axe_violations(browser, live_site, axe_script, path: str) -> None:
    context = new_context(browser, live_site, bypass_csp=True)
    try:
        violations = _blocking_violations(context, live_site, path, axe_script)
    finally:
        context.close()
    if violations:
        print(_report(path, violations))  # noqa: T201
    assert not violations, _report(path, violations)


def test_home_page_high_contrast_and_larger_text(browser, live_site, axe_script) -> None:
    context = new_context(browser, live_site, bypass_csp=True)
    context.add_cookies(
        [
            {"name": "minyi_contrast", "value": "high", "url": live_site.base_url},
            {"name": "minyi_text_size", "value": "larger", "url": live_site.base_url},
        ]
    )
    try:
        # The cookies must reach the page: base.html puts them on <html> as classes.
        page = context.new_page()
        page.goto("/")
        html_class = page.locator("html").get_attribute("class") or ""
        page.close()
        assert {"contrast-high", "text-larger"} <= set(html_class.split()), html_class
        violations = _blocking_violations(context, live_site, "/", axe_script)
    finally:
        context.close()
    if violations:
        print(_report("/ (high contrast, larger text)", violations))  # noqa: T201
    assert not violations, _report("/ (high contrast, larger text)", violations)
