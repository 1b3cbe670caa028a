"""axe-core (npm, a dev dependency installed by ./dev into frontend/node_modules) over the main
pages in Chromium, as a Russian investigator and a German analyst: no critical and no serious
violation of the rules it runs (WCAG 2.x A/AA and best practices)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' '))}));
}"""


def _violations(page: Page) -> list[dict[str, Any]]:
    # The page's CSP allows no inline script: the context bypasses it for the injected axe.
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE)
    return found


@pytest.mark.parametrize("username", ["ru.investigator", "de.analyst"])
def test_main_pages_have_no_serious_violation(
    browser: Browser, live_server: str, username: str
) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run scripts/build-assets.sh (./dev does)")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    problems: dict[str, list[dict[str, Any]]] = {}
    try:
        page.goto(f"{live_server}/login")
        problems["login"] = _violations(page)
        sign_in(page, live_server, username)
        page.goto(f"{live_server}/cases")
        case = page.locator("main table a[href^='/cases/']").first.get_attribute("href")
        assert case, "no case listed"
        page.goto(f"{live_server}{case}")
        report = page.locator("main a[href^='/reports/']").first.get_attribute("href")
        assert report, "the case links no report"
        pages = {
            "dashboard": "/",
            "case list": "/cases",
            "case": case,
            "search": "/search?q=dozor_85",
            "inbox": "/inbox",
            "report": report,
            "selector": "/selectors/handle/forum%3Adozor_85",
            "link review": "/links/queue",
            "account": "/account",
        }
        for name, path in pages.items():
            page.goto(f"{live_server}{path}")
            problems[name] = _violations(page)
        page.goto(f"{live_server}{case}/map")
        page.wait_for_selector(
            "[data-testid=locate-status][data-state=ready]", state="attached", timeout=30_000
        )
        problems["map"] = _violations(page)
    finally:
        context.close()
    assert len(problems) == 11
    found = {name: violations for name, violations in problems.items() if violations}
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
