"""Issue 18, problems 6 and 7: people have pages (details, names in both scripts, links with
their evidence in words, who holds more); the case page and the link graph show the same
evidence path in words; a 404 keeps the navigation and says what to do."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_accessibility import AXE, _violations
from tests.browser.test_sign_in import sign_in
from wayhome.demo.loader import demo_truth

pytestmark = pytest.mark.browser

MACHINE_WORDS = re.compile(r"filed_to|own_handle|in_report|posted_by|\bbits\b|person_match")


def _open_case(page: Page, base: str) -> str:
    page.goto(f"{base}/cases")
    page.get_by_role("link", name=re.compile("WH-2026-|did not come home")).first.click()
    expect(page.get_by_test_id("suspects")).to_be_visible()
    return page.url


def test_the_suspect_has_a_page_and_the_path_is_in_words(page: Page, live_server: str) -> None:
    truth = demo_truth()
    offender = truth["offender"]
    sign_in(page, live_server, "ru.investigator")
    _open_case(page, live_server)
    top = page.get_by_test_id("suspect").first
    path = top.get_by_test_id("path")
    case_steps = [s.strip() for s in path.get_by_test_id("step-words").all_inner_texts()]
    assert case_steps, "the top suspect has no evidence path in words"
    text = path.inner_text()
    assert not MACHINE_WORDS.search(text), text
    assert "filed in report" in text and "uses the handle" in text
    assert "names match across scripts" in text
    # The graph page shows the very same path, in the same words.
    top.get_by_test_id("suspect-graph").click()
    steps = page.get_by_test_id("path-steps")
    expect(steps).to_be_visible()
    graph_steps = [s.strip() for s in steps.get_by_test_id("step-words").all_inner_texts()]
    assert graph_steps == case_steps
    expect(page.get_by_test_id("graph-status")).to_contain_text("evidence path", timeout=30_000)
    # It takes a name, not kind:id.
    page.get_by_test_id("path-to").fill(truth["offender_latin"].split()[-1])
    page.get_by_test_id("path-go").click()
    expect(page.get_by_test_id("path-steps").get_by_test_id("path-step").first).to_be_visible()
    screenshot(page, "graph-path-words")
    # The suspect's own page: register details, names in both scripts, links, holders.
    _open_case(page, live_server)
    page.get_by_test_id("suspect").first.get_by_test_id("suspect-page").click()
    expect(page.get_by_test_id("entity-title")).to_have_text(offender["full_name"])
    details = page.get_by_test_id("details")
    expect(details).to_contain_text(offender["birth_date"])
    expect(details).to_contain_text(offender["home_local"])
    expect(page.get_by_test_id("latin-reading")).to_contain_text("Gudevushkin")
    links = page.get_by_test_id("links")
    expect(links).to_contain_text(truth["offender_latin"])
    expect(links).to_contain_text("names match across scripts")
    assert not MACHINE_WORDS.search(links.inner_text())
    expect(page.get_by_test_id("history")).to_contain_text("link")
    screenshot(page, "person-page")
    # From the register record to the report person and on to the account.
    links.get_by_role("link", name=re.compile(truth["offender_latin"])).click()
    expect(page.get_by_test_id("appears-in")).to_contain_text("case")
    account = page.get_by_test_id("links").get_by_role("link", name=re.compile("vk:"))
    account.first.click()
    expect(page.get_by_test_id("entity-title")).to_contain_text("ilia.gudevushkin")


def test_a_page_another_agency_holds_is_a_404_with_navigation(page: Page, live_server: str) -> None:
    sign_in(page, live_server, "ru.investigator")
    _open_case(page, live_server)
    guardian = page.get_by_role("link", name=re.compile("link graph")).first
    expect(guardian).to_be_visible()
    # The register record ru-ncb holds alone: its address, opened by de.analyst.
    page.get_by_test_id("suspect").first.get_by_test_id("suspect-page").click()
    address = page.url
    page.context.clear_cookies()
    sign_in(page, live_server, "de.analyst")
    response = page.goto(address)
    assert response is not None and response.status == 404
    expect(page.get_by_test_id("nav-menu")).to_be_attached()
    expect(page.get_by_test_id("whoami")).to_contain_text("de-bka")
    expect(page.get_by_test_id("error-help")).to_contain_text("search")
    page.get_by_test_id("error-search").get_by_role("searchbox").fill("Gudevushkin")
    page.get_by_test_id("error-search").get_by_role("button").click()
    expect(page.locator('[data-testid="group"][data-kind="register"]')).to_contain_text(
        "you may not see"
    )
    screenshot(page, "not-found-with-navigation")


def test_the_new_pages_have_no_serious_accessibility_violation(
    browser: Browser, live_server: str
) -> None:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run scripts/build-assets.sh (./dev does)")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    problems: dict[str, list[dict[str, Any]]] = {}
    try:
        sign_in(page, live_server, "ru.investigator")
        _open_case(page, live_server)
        top = page.get_by_test_id("suspect").first
        register = top.get_by_test_id("suspect-page").get_attribute("href")
        graph = top.get_by_test_id("suspect-graph").get_attribute("href")
        pages = {
            "search": "/search?q=Gudevushkin",
            "register record": register,
            "link graph": graph,
            "not found": f"/persons/{uuid.uuid4()}",
        }
        for name, address in pages.items():
            page.goto(f"{live_server}{address}")
            problems[name] = _violations(page)
        page.goto(f"{live_server}{register}")
        page.get_by_test_id("links").get_by_role("link").first.click()
        problems["person"] = _violations(page)
    finally:
        context.close()
    found = {name: v for name, v in problems.items() if v}
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
