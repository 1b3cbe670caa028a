"""Issue 18, problem 3: the one search box finds what the user may see — the suspect's surname
in either script, the child's name, a place, the case reference, a pasted PGP fingerprint —
and where only another agency holds a match it names that agency instead of "no hits"."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_sign_in import sign_in
from wayhome.demo.loader import demo_truth

pytestmark = pytest.mark.browser


def _search(page: Page, base: str, query: str) -> None:
    page.goto(f"{base}/search")
    page.get_by_role("searchbox", name="Search").fill(query)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("facets")).to_be_visible()


def _group(page: Page, kind: str):  # type: ignore[no-untyped-def]
    return page.locator(f'[data-testid="group"][data-kind="{kind}"]')


def test_the_search_box_finds_names_places_references_and_keys(
    page: Page, live_server: str
) -> None:
    truth = demo_truth()
    offender = truth["offender"]
    sign_in(page, live_server, "ru.investigator")
    # The suspect's surname, typed in Latin letters: the Cyrillic register record is found.
    surname_latin = truth["offender_latin"].split()[-1]
    _search(page, live_server, surname_latin)
    register = _group(page, "register")
    expect(register).to_contain_text(offender["full_name"])
    expect(register.get_by_test_id("latin-reading").first).to_be_visible()
    screenshot(page, "search-surname")
    # ... and in Cyrillic, the Latin-lettered person from a report.
    _search(page, live_server, offender["full_name"].split()[0])
    expect(_group(page, "persons")).to_contain_text(truth["offender_latin"])
    # The child's name leads to the case; the case reference too.
    _search(page, live_server, truth["child"]["name"].split()[-1])
    cases = _group(page, "cases")
    expect(cases).to_contain_text("the missing child's name")
    reference = cases.get_by_role("link").first.inner_text().split(" · ")[0]
    assert reference.startswith("WH-2026-")
    _search(page, live_server, reference)
    expect(_group(page, "cases").get_by_role("link").first).to_contain_text(reference)
    # A place, in the local script.
    _search(page, live_server, offender["home_local"])
    expect(_group(page, "places")).to_contain_text(offender["home"])
    # A pasted PGP fingerprint is a PGP key first (not a SHA-1 nobody holds), with the UK hit.
    _search(page, live_server, offender["pgp"])
    selectors = _group(page, "selectors")
    first = selectors.get_by_test_id("reading").first
    expect(first).to_have_attribute("data-type", "pgp_fingerprint")
    expect(first).to_contain_text("in 2 reports you may see")
    expect(selectors.get_by_test_id("hits")).to_contain_text("holds 1 matching record")
    expect(page.get_by_test_id("no-results")).to_have_count(0)
    # A facet keeps one group, with every count still shown.
    page.locator('[data-testid="facet"][data-kind="reports"]').get_by_role("link").click()
    expect(page.locator('[data-testid="group"]')).to_have_count(1)
    expect(page.locator('[data-testid="facet"][data-kind="selectors"]')).to_be_visible()


def test_a_match_held_only_elsewhere_names_the_holder(page: Page, live_server: str) -> None:
    truth = demo_truth()
    sign_in(page, live_server, "de.analyst")
    # The register record is ru-ncb's alone: de.analyst sees none of it, only who holds it.
    page.goto(f"{live_server}/search?q={quote(truth['offender']['full_name'])}")
    expect(page.get_by_test_id("hidden-only")).to_be_visible()
    register = _group(page, "register")
    expect(register.get_by_test_id("hits")).to_contain_text("you may not see")
    expect(register.get_by_test_id("result")).to_have_count(0)
    expect(page.get_by_test_id("no-results")).to_have_count(0)
    assert truth["offender"]["home_local"] not in page.inner_text("main")
    screenshot(page, "search-hidden-only")
