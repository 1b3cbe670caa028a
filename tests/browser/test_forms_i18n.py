"""Issue 18, problems 5 and 10 in Chromium: a Russian browser gets Russian pages (lang="ru"),
a user with a time zone reads labelled local times, and a bad missing-child form shows each
error beside its field with what was typed kept."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import screenshot
from wayhome.demo.loader import DEMO_PASSWORD

pytestmark = pytest.mark.browser

README_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _page(browser: Browser, locale: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    opened = context.new_page()
    opened.set_default_timeout(60_000)
    expect.set_options(timeout=30_000)
    yield opened
    context.close()


@pytest.fixture
def russian_page(browser: Browser) -> Iterator[Page]:
    """A browser whose user asks for Russian (Accept-Language: ru-RU)."""
    yield from _page(browser, "ru-RU")


@pytest.fixture
def english_page(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, "en-GB")


def _sign_in(page: Page, base: str, username: str) -> None:
    """Sign in through the form by its fields' names, whatever the page's language."""
    page.goto(f"{base}/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form[action='/login'] button[type=submit]").click()
    assert "/login" not in page.url, page.inner_text("main")


def test_a_russian_browser_gets_russian_pages(russian_page: Page, live_server: str) -> None:
    page = russian_page
    page.goto(f"{live_server}/login")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", name="Войти")).to_be_visible()
    _sign_in(page, live_server, "ru.investigator")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", name="Обзор")).to_be_visible()
    expect(page.get_by_role("link", name="Дела", exact=True)).to_be_visible()
    expect(page.get_by_text("Самые срочные открытые дела")).to_be_visible()
    expect(page.get_by_test_id("open-cases")).to_contain_text("did not come home from school")
    expect(page.get_by_test_id("live-status")).to_have_text("на связи")  # live.js, in Russian
    shot = screenshot(page, "ru-dashboard")
    README_SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, README_SHOTS / "ru-dashboard.png")
    page.goto(f"{live_server}/cases/missing/new")
    expect(page.get_by_role("heading", name="Сообщить о пропавшем ребёнке")).to_be_visible()
    expect(page.get_by_text("Когда (UTC)")).to_be_visible()


def test_a_user_with_a_time_zone_reads_labelled_local_times(
    english_page: Page, live_server: str
) -> None:
    page = english_page
    _sign_in(page, live_server, "de.analyst")
    page.goto(f"{live_server}/account")
    page.get_by_test_id("time-zone").select_option("Europe/Moscow")
    with page.expect_navigation():
        page.get_by_test_id("preferences").get_by_role("button").click()
    try:
        expect(page.get_by_test_id("page-time-zone")).to_have_text("times in MSK")
        page.goto(f"{live_server}/")
        stamp = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d MSK")
        expect(page.locator("main")).to_contain_text(stamp)
        expect(page.locator("main")).not_to_contain_text(re.compile(r"\d\d:\d\d UTC"))
        page.goto(f"{live_server}/cases/missing/new")
        expect(page.get_by_text("When (Europe/Moscow, MSK)")).to_be_visible()
    finally:  # the demo's accounts are shared by the other browser tests: back to UTC
        page.goto(f"{live_server}/account")
        page.get_by_test_id("time-zone").select_option("")
        with page.expect_navigation():
            page.get_by_test_id("preferences").get_by_role("button").click()
    expect(page.get_by_test_id("page-time-zone")).to_have_text("times in UTC")


def test_a_bad_form_shows_each_error_beside_its_field(russian_page: Page, live_server: str) -> None:
    page = russian_page
    _sign_in(page, live_server, "ru.investigator")
    page.goto(f"{live_server}/cases/missing/new")
    form = page.get_by_test_id("missing-form")
    for name in ("full_name", "date_of_birth", "last_seen_at", "last_seen_place"):
        expect(form.locator(f"input[name={name}]")).to_have_attribute("required", "")
    expect(form.locator("abbr.required")).to_have_count(5)
    form.locator("input[name=full_name]").fill("Тимофей Веселов")
    form.locator("input[name=date_of_birth]").fill("2018-04-02")
    form.locator("input[name=nationalities]").fill("RU, XX")
    form.locator("input[name=last_seen_at]").fill("2026-01-05T16:30")
    form.locator("input[name=last_seen_place]").fill("Касимов, автовокзал")
    form.locator("input[name=last_seen_country]").fill("XX")
    with page.expect_navigation():
        form.get_by_role("button").last.click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("Дело не открыто")
    country = page.get_by_test_id("error-last_seen_country")
    expect(country).to_have_text(re.compile(r"^«XX» — не код страны"))
    # Beside its field: right after the input, which names it, and drawn next to it.
    field = page.locator("input[name=last_seen_country]")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", "last_seen_country-error")
    expect(field).to_have_value("XX")
    expect(field.locator("xpath=following-sibling::*[1]")).to_have_attribute(
        "data-testid", "error-last_seen_country"
    )
    field_box, error_box = field.bounding_box(), country.bounding_box()
    assert field_box and error_box
    assert field_box["y"] <= error_box["y"] < field_box["y"] + field_box["height"] + 40
    expect(page.get_by_test_id("error-nationalities")).to_contain_text("«XX»")
    expect(page.locator("input[name=full_name]")).to_have_value("Тимофей Веселов")
    expect(page.locator("input[name=last_seen_place]")).to_have_value("Касимов, автовокзал")
    expect(page.locator("main")).not_to_contain_text("422")
    screenshot(page, "ru-missing-form-errors")
