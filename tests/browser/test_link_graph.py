"""An investigator opens the link graph, sees Cytoscape draw it, and asks for an evidence path."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


def test_link_graph_draws_nodes_and_an_evidence_path(page: Page, live_server: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, "ru.investigator")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    # The demo's intake raised identity links at load; take one the investigator may see.
    listed = page.request.get(f"{live_server}/api/v1/links/assertions?limit=50")
    assert listed.status == 200, listed.text()
    links = listed.json()["items"]
    assert links, "the demo load made no identity link visible to ru.investigator"
    link = links[0]
    page.goto(
        f"{live_server}/links/graph?ref={quote(link['left_ref'])}&to={quote(link['right_ref'])}"
    )
    expect(page.get_by_test_id("graph-status")).to_contain_text("nodes", timeout=20_000)
    drawn = page.evaluate("() => window.cy.nodes().length")
    assert drawn >= 2
    edges = page.evaluate("() => window.cy.edges().length")
    assert edges >= 1
    page.get_by_test_id("path-go").click()
    steps = page.get_by_test_id("path-steps")
    expect(steps.locator("li").first).to_be_visible(timeout=20_000)
    on_path = page.evaluate("() => window.cy.$('.on-path').length")
    assert on_path >= 2
    assert not errors, errors
    screenshot(page, "link-graph")
