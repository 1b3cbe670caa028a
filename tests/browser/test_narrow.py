"""Narrow screens and the navigation: at 390 px (a phone) no page is wider than the screen, the
menu folds into a "Menu" that opens, and wide tables scroll inside their own box; and each role
is offered only the pages it can open."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.browser.conftest import screenshot
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}

OVERFLOW = """() => ({
  width: document.documentElement.scrollWidth,
  tables: [...document.querySelectorAll('main table')].map((t) => {
    const box = t.getBoundingClientRect();
    // A table wider than its box must scroll inside it, its box inside the screen.
    return {right: Math.round(box.right), scrolls: getComputedStyle(t).overflowX,
            inner: t.scrollWidth, outer: t.clientWidth};
  }),
})"""


def _narrow_page(browser: Browser) -> Page:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(60_000)
    return page


def _check_fits(page: Page, where: str) -> None:
    measured = page.evaluate(OVERFLOW)
    assert measured["width"] <= PHONE["width"], (where, measured["width"])
    for table in measured["tables"]:
        assert table["right"] <= PHONE["width"], (where, table)
        if table["inner"] > table["outer"]:
            assert table["scrolls"] in ("auto", "scroll"), (where, table)


def test_main_pages_fit_a_phone_and_the_menu_folds(browser: Browser, live_server: str) -> None:
    page = _narrow_page(browser)
    try:
        sign_in(page, live_server, "ru.investigator")
        _check_fits(page, "dashboard")
        menu = page.get_by_test_id("nav-menu")
        cases_link = menu.get_by_role("link", name="Cases", exact=True)
        # Folded: the menu's links are hidden until "Menu" is opened.
        expect(menu.locator("summary")).to_be_visible()
        expect(cases_link).to_be_hidden()
        screenshot(page, "narrow-dashboard")
        menu.locator("summary").click()
        expect(cases_link).to_be_visible()
        _check_fits(page, "dashboard, menu open")
        cases_link.click()
        expect(page).to_have_url(re.compile(r"/cases$"))
        _check_fits(page, "case list")
        page.get_by_role("link", name="Boy, 7, did not come home", exact=False).first.click()
        expect(page.get_by_test_id("case-status")).to_be_visible()
        _check_fits(page, "case")
        screenshot(page, "narrow-case")
        report = page.locator("main a[href^='/reports/']").first.get_attribute("href")
        page.get_by_test_id("case-map-link").click()
        expect(page.get_by_test_id("locate-status")).to_have_attribute(
            "data-state", "ready", timeout=30_000
        )
        _check_fits(page, "map")
        screenshot(page, "narrow-map")
        page.goto(f"{live_server}/inbox")
        _check_fits(page, "inbox")
        assert report, "the case page links no report"
        page.goto(f"{live_server}{report}")
        expect(page.get_by_test_id("correlations")).to_be_visible()
        _check_fits(page, "report")
        screenshot(page, "narrow-report")
    finally:
        page.context.close()


# The intelligence pages; an administrator reads no intelligence (access/visibility.py).
INTELLIGENCE = {"/cases", "/search", "/import", "/banks", "/links/queue", "/inbox", "/watches"}


@pytest.mark.parametrize(
    ("username", "offered_intelligence"),
    [("hub.admin", False), ("de.analyst", True), ("ru.supervisor", True)],
)
def test_each_role_sees_only_the_menus_it_can_open(
    page: Page, live_server: str, username: str, offered_intelligence: bool
) -> None:
    sign_in(page, live_server, username)
    links = page.locator("header nav a[href]")
    offered = {links.nth(i).get_attribute("href") or "" for i in range(links.count())}
    if offered_intelligence:
        assert offered >= INTELLIGENCE, (username, INTELLIGENCE - offered)
    else:
        assert not offered & INTELLIGENCE, (username, offered & INTELLIGENCE)
    assert {"/", "/account"} <= offered
    # Every menu offered opens for this user: no 403, no 404.
    for href in sorted(offered):
        answer = page.request.get(f"{live_server}{href}", headers={"Accept": "text/html"})
        assert answer.status == 200, (username, href, answer.status)
