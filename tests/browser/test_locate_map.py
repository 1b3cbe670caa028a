"""An investigator opens a case's map: a Leaflet map over offline layers (countries, rivers,
the gazetteer's towns), opened on the top places, with the 50/90/99 % search areas and the same
posterior as the case page; a clue switched off recomputes it."""

from __future__ import annotations

import json
import re

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
    # The search areas were drawn on the map, as one image over the offline layers.
    expect(page.locator("#locate-leaflet img.wh-areas")).to_have_count(1)
    screenshot(page, "locate-map")
    assert not errors, errors


def _case_page_places(page: Page) -> list[tuple[str, str]]:
    """The case page's ranked places as (name, probability to 3 places)."""
    items = page.get_by_test_id("places").locator("li").all_inner_texts()
    found = [re.match(r"(.+?) (?:\(.*?\) )?— ([0-9.]+)", item) for item in items]
    return [(m.group(1), m.group(2)) for m in found if m]


def test_map_is_a_real_map_of_the_case_page_posterior(page: Page, live_server: str) -> None:
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda r: elsewhere.append(r.url) if not r.url.startswith((live_server, "data:")) else None,
    )
    sign_in(page, live_server, "ru.investigator")
    page.get_by_role("link", name="Boy, 7, did not come home", exact=False).first.click()
    expected = _case_page_places(page)
    assert expected, "the case page ranks no place"
    page.get_by_test_id("case-map-link").click()
    status = page.get_by_test_id("locate-status")
    expect(status).to_have_attribute("data-state", "ready", timeout=30_000)
    view = page.get_by_test_id("locate-leaflet")
    # A Leaflet map, with vector layers that ship with the product: no tile, no CDN.
    expect(view.locator(".leaflet-map-pane")).to_have_count(1)
    assert view.locator("path.wh-country").count() > 100  # Natural Earth countries
    assert view.locator("path.wh-river").count() > 100  # Natural Earth rivers
    expect(view).to_have_attribute("data-towns", re.compile(r"^[1-9][0-9]*$"))
    assert view.locator(".town-label").count() >= 3  # the gazetteer's towns, labelled
    # The same top place and probabilities as the case page, in the table and on the map.
    rows = page.get_by_test_id("places").locator("tbody tr")
    for index, (name, probability) in enumerate(expected):
        cells = rows.nth(index).locator("td")
        expect(cells.nth(1)).to_contain_text(name)
        assert f"{float(cells.nth(4).inner_text()):.3f}" == probability, (name, probability)
    top_name, top_probability = expected[0]
    expect(view.locator(".place-label").first).to_have_text(f"1. {top_name} {top_probability}")
    # Opened on the top places, not on the whole world.
    south, west, north, east = (
        float(v) for v in (view.get_attribute("data-view") or "").split(",")
    )
    assert north - south < 20 and east - west < 40, (south, west, north, east)
    top = page.request.post(
        f"{live_server}/api/v1/cases/{page.url.rstrip('/').split('/')[-2]}/locate",
        headers={"X-CSRF-Token": page.locator("#locate-map").get_attribute("data-csrf") or ""},
        data={"grid": False},
    ).json()["places"][0]
    assert south < top["latitude"] < north and west < top["longitude"] < east
    # The three search areas are drawn, and each of the top places lies in one of them.
    drawn = (view.get_attribute("data-area-cells") or "").split(",")
    areas = dict(part.split(":") for part in drawn)
    assert int(areas["50"]) >= 1 and int(areas["90"]) >= 1 and int(areas["99"]) >= 1, areas
    expect(view.locator("path.wh-top-place.wh-in-out")).to_have_count(0)
    screenshot(page, "locate-map-leaflet")
    assert elsewhere == []


def test_towns_layer_refuses_a_bad_box(page: Page, live_server: str) -> None:
    sign_in(page, live_server, "de.analyst")
    answer = page.request.get(
        f"{live_server}/map/towns.geojson?south=95&west=0&north=10&east=10",
        headers={"Accept": "application/json"},
    )
    assert answer.status == 422
    assert answer.json()["errors"][0]["location"] == "south", answer.text()
    answer = page.request.get(
        f"{live_server}/map/towns.geojson?south=54&west=40&north=56&east=43&limit=5"
    )
    assert answer.status == 200
    features = answer.json()["features"]
    assert len(features) == 5
    populations = [f["properties"]["population"] for f in features]
    assert populations == sorted(populations, reverse=True)


def test_map_draws_a_new_case_known_sites(page: Page, live_server: str) -> None:
    """A case whose only clues are two known sites (a STIX bundle's locations): the map opens
    on them and draws them, each a site marker."""
    sign_in(page, live_server, "ru.investigator")
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    case = page.request.post(
        f"{live_server}/api/v1/cases",
        headers={"X-CSRF-Token": csrf},
        data={"title": "Sightings near Kolomna", "kind": "exploitation", "marking": "AMBER"},
    )
    assert case.status == 201, case.text()
    case_id = case.json()["id"]
    bundle = {
        "type": "bundle",
        "id": "bundle--5d0c7f4e-6a0e-4c43-9d2b-1d3f0a5e0b11",
        "objects": [
            {
                "type": "location",
                "spec_version": "2.1",
                "id": f"location--5d0c7f4e-6a0e-4c43-9d2b-1d3f0a5e0b1{n}",
                "created": "2026-01-01T00:00:00Z",
                "modified": "2026-01-01T00:00:00Z",
                "name": name,
                "latitude": latitude,
                "longitude": longitude,
            }
            for n, (name, latitude, longitude) in enumerate(
                [("bus stop", 55.09, 38.77), ("shop", 55.12, 38.80)], start=2
            )
        ],
    }
    imported = page.request.post(
        f"{live_server}/api/v1/imports",
        headers={"X-CSRF-Token": csrf},
        multipart={
            "file": {
                "name": "sites.json",
                "mimeType": "application/json",
                "buffer": json.dumps(bundle).encode(),
            },
            "marking": "AMBER",
            "format": "stix",
            "case_id": case_id,
        },
    )
    assert imported.status == 201, imported.text()
    page.goto(f"{live_server}/cases/{case_id}/map")
    expect(page.get_by_test_id("locate-status")).to_have_attribute(
        "data-state", "ready", timeout=30_000
    )
    view = page.get_by_test_id("locate-leaflet")
    expect(view.locator("path.wh-site")).to_have_count(2)
    shown = (view.get_attribute("data-view") or "").split(",")
    south, west, north, east = (float(value) for value in shown)
    assert south < 55.09 < north and west < 38.77 < east, shown
    assert south < 55.12 < north and west < 38.80 < east, shown
