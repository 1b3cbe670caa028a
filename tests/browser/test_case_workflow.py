"""An investigator issues an alert; another agency acknowledges it; the first sees it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


def test_alert_is_acknowledged_across_agencies(
    page: Page, browser: Browser, live_server: str
) -> None:
    sign_in(page, live_server, "ru.investigator")
    page.get_by_test_id("open-cases").get_by_role("link").first.click()
    title = page.get_by_test_id("case-title").inner_text()
    case_url = page.url
    page.get_by_test_id("issue-alert").locator("summary").click()
    german = page.get_by_test_id("issue-alert").locator("input[data-testid^='alert-to-de']")
    german.first.check()
    page.get_by_test_id("send-alert").click()
    row = page.get_by_test_id("ack-row").filter(has_text="(DE)").first
    expect(row.get_by_test_id("ack-state")).to_contain_text("not yet")
    expect(page.get_by_test_id("timeline")).to_contain_text("alert sent")

    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        colleague = other.new_page()
        colleague.set_default_timeout(30_000)
        sign_in(colleague, live_server, "de.investigator")
        pending = colleague.get_by_test_id("pending-alerts")
        expect(pending).to_contain_text(title)
        screenshot(colleague, "alert-pending")
        pending.get_by_test_id("pending-alert").filter(has_text=title).get_by_test_id(
            "acknowledge"
        ).first.click()
        expect(colleague.get_by_test_id("pending-alert").filter(has_text=title)).to_have_count(0)
    finally:
        other.close()

    page.goto(case_url)
    row = page.get_by_test_id("ack-row").filter(has_text="(DE)").first
    expect(row.get_by_test_id("ack-state")).to_contain_text("acknowledged")
    expect(page.get_by_test_id("timeline")).to_contain_text("Alert acknowledged by")
    screenshot(page, "alert-acknowledged")
