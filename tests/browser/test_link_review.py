"""A reviewer reads the demo's links by name with the evidence in words, is refused a bulk
rejection without a reason, and confirms a link the model accepted."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


def test_review_page_shows_names_and_decides_in_bulk(page: Page, live_server: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server, "ru.investigator")
    page.goto(f"{live_server}/links/queue?state=auto-accepted")
    rows = page.get_by_test_id("review-row")
    expect(rows.first).to_be_visible()
    first = rows.first
    link_id = first.get_attribute("data-link")
    assert link_id
    # Names, not references; the evidence as sentences with their weight.
    ends = first.get_by_test_id("link-end")
    expect(ends).to_have_count(2)
    assert "persona:" not in ends.first.inner_text() and "person:" not in ends.first.inner_text()
    expect(first.get_by_test_id("evidence").locator("li").first).to_contain_text("bits).")
    screenshot(page, "link-review")
    # A bulk rejection without a reason changes nothing and says why.
    first.get_by_test_id("pick").check()
    page.get_by_test_id("bulk-reject").click()
    expect(page.get_by_test_id("review-error")).to_contain_text("say why")
    expect(page.get_by_role("heading", name="Links auto-accepted")).to_be_visible()
    # Confirming the model's acceptance moves the link to the reviewer's accepted ones.
    page.locator(f'[data-link="{link_id}"]').get_by_test_id("pick").check()
    page.get_by_test_id("bulk-reason").fill("checked the register photo")
    page.get_by_test_id("bulk-accept").click()
    expect(page).to_have_url(f"{live_server}/links/queue?state=auto-accepted&offset=0")
    expect(page.locator(f'[data-link="{link_id}"]')).to_have_count(0)
    page.goto(f"{live_server}/links/queue?state=accepted")
    confirmed = page.locator(f'[data-link="{link_id}"]')
    expect(confirmed).to_contain_text("by ru.investigator")
    expect(confirmed).to_contain_text("checked the register photo")
    assert not errors, errors
