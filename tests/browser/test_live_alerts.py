"""An investigator watches a selector, keeps the inbox open, and sees the alert arrive live
(server-sent events) when a report with that selector is imported in another tab."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


def test_alert_arrives_live_in_the_open_inbox(page: Page, live_server: str) -> None:
    address = f"live.{uuid.uuid4().hex[:8]}@example.net"
    sign_in(page, live_server, "nl.investigator")
    page.goto(f"{live_server}/watches")
    form = page.get_by_test_id("add-watch")
    form.get_by_label("Kind").select_option("selector")
    form.get_by_label("Value").fill(f"email:{address}")
    form.get_by_role("button", name="Watch").click()
    expect(page.get_by_test_id("watches")).to_contain_text(f"email:{address}")

    page.goto(f"{live_server}/inbox")
    expect(page.get_by_test_id("live-status")).to_have_text("live")

    other = page.context.new_page()
    other.goto(f"{live_server}/import")
    other.locator("input[name=file]").set_input_files(
        {"name": "note.txt", "mimeType": "text/plain", "buffer": f"Contact: {address}".encode()}
    )
    other.locator("select[name=format]").select_option("text")
    other.get_by_role("button", name="Import").click()
    other.wait_for_load_state()

    # The inbox was not reloaded: the alert came over the open stream.
    alerts = page.get_by_test_id("alerts")
    expect(alerts.locator("li.alert.unread").first).to_contain_text(address, timeout=10_000)
    screenshot(page, "live-alerts")
