"""An investigator opens a case's map, sees the heat layer and switches a clue off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


def test_map_draws_the_posterior_and_toggles_a_clue(page: Page, live_server: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, "ru.investigator")
    page.get_by_role("link", name="Boy, 7, did not come home", exact=False).first.click()
    page.get_by_test_id("case-map-link").click()
    status = page.get_by_test_id("locate-status")
    expect(status).to_have_attribute("data-state", "ready", timeout=20_000)
    # Give the case a report with an IP address and a place, as an investigator would.
    case_id = page.url.rstrip("/").split("/")[-2]
    csrf = page.locator("#locate-map").get_attribute("data-csrf") or ""
    answer = page.request.post(
        f"{live_server}/api/v1/reports",
        headers={"X-CSRF-Token": csrf},
        data={
            "title": "Provider answer",
            "source": "ISP",
            "marking": "GREEN",
            "case_id": case_id,
            "body": "The account logged in from 95.167.0.1 near Noginsk.",
        },
    )
    assert answer.status == 201, answer.text()
    page.reload()
    expect(status).to_have_attribute("data-state", "ready", timeout=20_000)
    places = page.get_by_test_id("places")
    expect(places.locator("tbody tr").first).to_be_visible()
    ip_clue = page.locator('input[data-clue="ip-95.167.0.1"]')
    expect(ip_clue).to_be_checked()
    contribution = page.locator('[data-contribution="ip-95.167.0.1"]')
    expect(contribution).not_to_have_text("off")
    ip_clue.uncheck()
    expect(contribution).to_have_text("off", timeout=20_000)
    expect(status).to_have_attribute("data-state", "ready")
    # The heat layer was drawn: some canvas pixels are not the background.
    painted = page.evaluate(
        """() => {
          const canvas = document.getElementById('locate-canvas');
          const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let count = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count += 1;
          return count;
        }"""
    )
    assert painted > 100
    screenshot(page, "locate-map")
    assert not errors, errors
