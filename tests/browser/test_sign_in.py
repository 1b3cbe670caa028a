"""A person signs in through the real page in Chromium and sees the dashboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from wayhome.demo.loader import DEMO_PASSWORD, demo_truth

pytestmark = pytest.mark.browser


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/login?next=/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign in").click()
    answer = navigation.value
    # A refused sign-in comes back to the form: say why rather than time out waiting.
    if "/login" in page.url:
        status = answer.status if answer is not None else None
        raise AssertionError(f"sign-in as {username} refused ({status}): {page.inner_text('main')}")


def test_investigator_signs_in_and_sees_the_case(page: Page, live_server: str) -> None:
    sign_in(page, live_server, "ru.investigator")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_test_id("whoami")).to_contain_text("ru-ncb")
    cases = page.get_by_test_id("open-cases")
    expect(cases).to_contain_text("did not come home from school")
    screenshot(page, "dashboard")
    cases.get_by_role("link").first.click()
    expect(page.get_by_test_id("case-title")).to_contain_text("Boy, 7")
    expect(page.get_by_text(demo_truth()["child"]["name"])).to_be_visible()
    screenshot(page, "case")


def test_other_agency_does_not_see_the_guardian(page: Page, live_server: str) -> None:
    """The guardian is AMBER+STRICT and owner-only: the German analyst sees the child only."""
    sign_in(page, live_server, "de.analyst")
    page.get_by_test_id("open-cases").get_by_role("link").first.click()
    expect(page.get_by_text(demo_truth()["child"]["name"])).to_be_visible()
    expect(page.get_by_text(demo_truth()["child"]["guardian"])).to_have_count(0)


def test_wrong_password_shows_an_error(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("Username").fill("nl.analyst")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("wrong password")
