"""An investigator types a selector into the search box and sees who holds it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_sign_in import sign_in
from wayhome.demo.loader import demo_truth

pytestmark = pytest.mark.browser


def test_selector_search_shows_records_and_hits(page: Page, live_server: str) -> None:
    sign_in(page, live_server, "ru.investigator")
    page.get_by_role("link", name="Search").click()
    page.get_by_role("searchbox", name="Search").fill(demo_truth()["email"].title())
    page.get_by_role("button", name="Search").click()
    # The one search box reads the value as an e-mail selector and links its page.
    recognised = page.locator('[data-testid="reading"][data-type="email"]')
    expect(recognised).to_have_count(1)
    recognised.get_by_role("link").click()
    occurrences = page.get_by_test_id("occurrences")
    # The US tipline shares with all, Germany named Russia: both visible in full.
    expect(occurrences).to_contain_text("Child Tipline Center")
    expect(occurrences).to_contain_text("Bundes-Kinderschutzstelle")
    # The UK keeps its undercover report to itself: Russia learns only that it holds a match.
    hits = page.get_by_test_id("hits")
    expect(hits).to_contain_text("Child Online Protection Unit")
    expect(page.get_by_text("Undercover contact")).to_have_count(0)
    screenshot(page, "selector")


def test_report_page_lists_hits_for_hidden_holders(page: Page, live_server: str) -> None:
    sign_in(page, live_server, "nl.investigator")
    page.get_by_role("link", name="Forum scrape", exact=False).first.click()
    correlations = page.get_by_test_id("correlations")
    expect(correlations).to_contain_text(f"forum:{demo_truth()['offender']['handle']}")
    expect(correlations).to_contain_text("holds it in 1 report — ask through channels")
    screenshot(page, "report")
