"""Issue 18, problem 4 in Chromium: what matters arrives without a reload. An alert sent to an
agency appears on its open dashboard and in its open inbox; an acknowledgement appears on the
sender's open case page (alerts table and timeline); and the "a suspect is ranked from your
records" message names its case (no raw id) and links to it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_lists import CRITICAL, ListWorld, lists_world
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser

__all__ = ["lists_world"]  # the module's own small world (fixture)

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
LIVE = 20_000  # the stream's catch-up polls every 2 s; on two busy cores allow more


def test_alerts_and_acknowledgements_arrive_live(
    page: Page, browser: Browser, lists_world: ListWorld
) -> None:
    base = lists_world.base
    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        german = other.new_page()
        german.set_default_timeout(60_000)
        sign_in(german, base, "de.lists")  # the dashboard, left open
        expect(german.get_by_test_id("live-status")).to_have_text("live")
        german.evaluate("window.notReloaded = true")  # gone if the page were reloaded
        pending = german.get_by_test_id("pending-alert").filter(has_text=CRITICAL)
        expect(pending).to_have_count(0)

        sign_in(page, base, "ru.lists")
        page.goto(f"{base}/cases?q=zarina")
        page.get_by_test_id("case-list").get_by_role("link", name=CRITICAL).click()
        page.get_by_test_id("issue-alert").locator("summary").click()
        page.get_by_test_id("alert-to-de-lists").check()
        page.get_by_test_id("issue-alert").locator("textarea[name=message]").fill("Live check")
        page.get_by_test_id("send-alert").click()
        expect(page.get_by_test_id("ack-row").filter(has_text="(DE)")).to_contain_text("not yet")
        expect(page.get_by_test_id("live-status")).to_have_text("live")
        page.evaluate("window.notReloaded = true")

        # No reload on the German side: the dashboard's pending alerts re-read themselves.
        expect(pending).to_have_count(1, timeout=LIVE)
        expect(pending.get_by_test_id("alert-message")).to_have_text("Live check")
        expect(german.get_by_test_id("inbox")).to_contain_text(CRITICAL, timeout=LIVE)
        assert german.evaluate("window.notReloaded === true")
        screenshot(german, "live-dashboard-alert")
        pending.get_by_test_id("acknowledge").click()
        expect(german.get_by_test_id("pending-alert").filter(has_text=CRITICAL)).to_have_count(0)

        # No reload on the Russian side either: the case page shows the acknowledgement.
        row = page.get_by_test_id("ack-row").filter(has_text="(DE)")
        expect(row.get_by_test_id("ack-state")).to_contain_text("acknowledged", timeout=LIVE)
        expect(page.get_by_test_id("timeline")).to_contain_text(
            "Alert acknowledged by", timeout=LIVE
        )
        assert page.evaluate("window.notReloaded === true")
        screenshot(page, "live-case-acknowledged")
    finally:
        other.close()


def test_the_ranked_suspect_message_names_and_links_its_case(page: Page, live_server: str) -> None:
    """The demo world tells de-bka that its records ranked a suspect in the Russian case."""
    sign_in(page, live_server, "de.investigator")
    page.goto(f"{live_server}/inbox")
    lead = page.get_by_test_id("alerts").locator('li[data-kind="case_lead"]')
    expect(lead).to_have_count(1)
    expect(lead).to_contain_text("a suspect is ranked from your records")
    text = lead.inner_text()
    assert not UUID.search(text), text
    assert re.search(r"WH-\d{4}-[0-9A-F]{6}", text), text
    link = lead.get_by_test_id("alert-subject")
    expect(link).to_have_attribute("href", re.compile(r"^/cases/[0-9a-f-]{36}$"))
    link.click()
    expect(page.get_by_test_id("case-title")).to_be_visible()
    screenshot(page, "case-lead-linked")
