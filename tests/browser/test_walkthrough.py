"""The walkthrough: an investigator follows a generated case from a tip to the suspect.

A fresh database; the demo's generated world (fixed seed) is loaded in story order through
the ordinary services: the case and the hub's tip first; the Russian investigator signs in,
watches the persona's handle and keeps her inbox open while the other agencies' fragments
arrive (one commit each), so the alerts appear live. Then, as a person would: the case with
its ranked suspects, the link graph from the case to the top suspect, the map with the most
likely places, and the suspect; last, the German unit whose records led to him is told
that there is a lead (never who). The test may read the world's truth; the product never does.
Each step leaves a screenshot in test-artifacts/walkthrough/ (the README's walkthrough is
made from them by scripts/walkthrough-shots.sh).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy.orm import Session, sessionmaker

from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.test_sign_in import sign_in
from tests.conftest import DatabaseFactory
from tests.serving import serving
from wayhome.db.engine import make_session_factory, session_scope
from wayhome.demo.loader import DEMO_NOISE, DEMO_SEED
from wayhome.demo.replay import Entry, create_accounts, read_manifest, run_step
from wayhome.hashing.live import LivePdqIndex
from wayhome.linking import live as linking_live
from wayhome.settings import Environment, Settings
from wayhome.synth import generate, write
from wayhome.web.app import create_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PRELOADED = 2  # the case and the hub's tip; the rest arrives while the inbox is open
SHOTS = ARTIFACTS / "walkthrough"


@dataclass
class Story:
    """The served world: its address, truth, case and the fragments still to come."""

    base: str
    truth: dict[str, Any]
    case_id: uuid.UUID
    factory: sessionmaker[Session]
    index: LivePdqIndex
    remaining: list[Entry]

    def import_rest(self) -> list[str]:
        """Import the remaining fragments, each committed on its own, as their agencies."""
        lines = []
        for entry in self.remaining:
            with session_scope(self.factory) as session:
                _, outcome = run_step(session, entry, self.case_id, self.index)
            lines.append(outcome)
        self.remaining = []
        return lines


@pytest.fixture(scope="module")
def story(databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    folder = tmp_path_factory.mktemp("walkthrough")
    world = generate(DEMO_SEED, DEMO_NOISE)
    write(world, folder / "world")
    with databases.migrated() as (url, engine):
        factory = make_session_factory(engine)
        # The in-process identity indices may hold another test database's people: start clean.
        linking_live.PERSONS.reset()
        linking_live.HANDLES.reset()
        agencies, entries = read_manifest(folder / "world")
        with session_scope(factory) as session:
            assert create_accounts(session, agencies)
        index = LivePdqIndex()
        case_id: uuid.UUID | None = None
        for entry in entries[:PRELOADED]:
            with session_scope(factory) as session:
                opened, _ = run_step(session, entry, case_id, index)
            case_id = opened or case_id
        assert case_id is not None
        settings = Settings(
            environment=Environment.TEST, database_url=url, data_dir=folder / "data"
        )
        app = create_app(settings, factory)
        with serving(app) as base:
            yield Story(base, world.truth, case_id, factory, index, entries[PRELOADED:])
    linking_live.PERSONS.reset()
    linking_live.HANDLES.reset()


def shot(page: Page, number: int, name: str, focus: Locator | None = None) -> Path:
    """Save the whole page under test-artifacts/walkthrough/full/ (for failure analysis) and
    what the window shows, scrolled to `focus` when given, as walkthrough/NN-name.png."""
    (SHOTS / "full").mkdir(parents=True, exist_ok=True)
    screenshot(page, f"walkthrough/full/{number:02d}-{name}")
    if focus is not None:
        focus.evaluate("element => element.scrollIntoView({block: 'start'})")
    path = SHOTS / f"{number:02d}-{name}.png"
    page.screenshot(path=str(path))
    return path


def test_the_investigator_follows_the_case_to_the_suspect(page: Page, story: Story) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    base, truth, case_id = story.base, story.truth, story.case_id

    # 1. Sign in: the dashboard lists the open case and the hub's tip about a persona.
    sign_in(page, base, "ru.investigator")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_test_id("whoami")).to_contain_text("ru-ncb")
    expect(page.get_by_test_id("open-cases")).to_contain_text("did not come home from school")
    tip = page.get_by_role("link", name="Tip received by the hub", exact=False)
    expect(tip).to_be_visible()
    shot(page, 1, "dashboard")

    # 2. She opens the tip, follows the persona's handle and watches it.
    tip.click()
    handle = truth["personas"]["offender"]
    page.get_by_role("link", name=f"forum:{handle}").first.click()
    expect(page.get_by_role("heading", name=f"forum:{handle}")).to_be_visible()
    expect(page.get_by_test_id("occurrences")).to_contain_text("Tip received by the hub")
    page.get_by_test_id("watch-button").get_by_role("button", name="Watch").click()
    page.wait_for_load_state()
    shot(page, 2, "watch")
    page.goto(f"{base}/watches")
    expect(page.get_by_test_id("watches")).to_contain_text(f"handle:forum:{handle}")

    # 3. Her inbox stays open while the other agencies' fragments arrive, one commit each.
    page.goto(f"{base}/inbox")
    expect(page.get_by_test_id("live-status")).to_have_text("live")
    imported = story.import_rest()
    assert truth["series"] in imported[-2], imported
    # The page was not reloaded: the alerts came over the open stream. The Dutch scrape is
    # shared with all, so she reads what it is; the British unit keeps its report to itself,
    # so she learns only that it holds something.
    alerts = page.get_by_test_id("alerts")
    expect(alerts.locator("li.alert.unread").first).to_be_visible(timeout=15_000)
    held = alerts.locator('li[data-kind="watch_hit"]', has_text="Child Online Protection Unit")
    expect(held).to_have_count(1, timeout=15_000)
    expect(held).not_to_contain_text(handle.split("_")[0] + "@")  # no content, only the holder
    told = alerts.locator('li[data-kind="watch_alert"]')
    expect(told.first).to_contain_text(f"watched: selector:handle:forum:{handle}")
    shot(page, 3, "live-alerts")
    told.first.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Forum scrape", exact=False)).to_be_visible()

    # 4. The case: the suspects ranked from every agency's fragments, the places, the series.
    page.goto(f"{base}/")
    page.get_by_test_id("open-cases").get_by_role("link").first.click()
    expect(page.get_by_test_id("case-title")).to_contain_text("Boy, 7")
    expect(page.get_by_text(truth["child"]["name"])).to_be_visible()
    offender = truth["offender"]
    first = page.get_by_test_id("suspect").first
    expect(first).to_have_attribute("data-rank", "1")
    expect(first).to_contain_text(f"{offender['full_name']} ({offender['birth_date']})")
    expect(first).to_contain_text(offender["home_local"])
    expect(first.get_by_test_id("path").locator("li").first).to_be_visible()
    leads = page.get_by_test_id("leads")
    # The places are the map's posterior; the suspects' registered homes are listed beside.
    expect(leads.get_by_test_id("places").locator("li").first).to_be_visible()
    expect(leads.get_by_test_id("suspect-homes")).to_contain_text(offender["home_local"])
    expect(leads.get_by_test_id("series")).to_contain_text(truth["series"])
    expect(leads.get_by_test_id("lead-alerts")).to_contain_text("notified")
    expect(leads.get_by_test_id("lead-alerts")).not_to_contain_text("not yet")
    shot(page, 4, "case-suspects", focus=leads)

    # 5. The link graph from the case to the top suspect: Cytoscape draws it, and the most
    #    believable evidence path is listed step by step.
    answer = page.request.get(f"{base}/api/v1/cases/{case_id}/leads")
    assert answer.status == 200, answer.text()
    suspect_ref = answer.json()["suspects"][0]["ref"]
    assert suspect_ref.startswith("register_person:"), suspect_ref
    page.goto(f"{base}/cases/{case_id}")
    page.get_by_test_id("suspect").first.get_by_test_id("suspect-graph").click()
    graph_from, graph_to = quote(f"case:{case_id}", safe=":"), quote(suspect_ref, safe=":")
    expect(page).to_have_url(f"{base}/links/graph?ref={graph_from}&to={graph_to}")
    expect(page.get_by_test_id("graph-status")).to_contain_text("nodes", timeout=30_000)
    assert page.evaluate("() => window.cy.nodes().length") >= 2
    page.get_by_test_id("path-go").click()
    steps = page.get_by_test_id("path-steps").locator("li")
    expect(steps.first).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("path-steps")).to_contain_text(offender["full_name"])
    assert page.evaluate("() => window.cy.$('.on-path').length") >= 3
    shot(page, 5, "link-graph")

    # 6. The map: the most likely places, the offender's true home among the first three.
    page.goto(f"{base}/cases/{case_id}/map")
    status = page.get_by_test_id("locate-status")
    expect(status).to_have_attribute("data-state", "ready", timeout=30_000)
    rows = page.get_by_test_id("places").locator("tbody tr")
    expect(rows.first).to_be_visible()
    top_three = [rows.nth(n).inner_text() for n in range(min(3, rows.count()))]
    assert any(offender["home"] in row for row in top_three), top_three
    shot(page, 6, "map")

    # 7. The suspect: his register record and what links to it, the Latin name the German
    #    seized server gave among them (the same man in two scripts).
    page.goto(f"{base}/links/graph?ref={quote(suspect_ref)}")
    expect(page.get_by_test_id("graph-root")).to_have_text(suspect_ref)
    nodes = page.get_by_test_id("graph-nodes")
    expect(nodes).to_contain_text(offender["full_name"])
    expect(nodes).to_contain_text(truth["offender_latin"])
    expect(page.get_by_test_id("graph-status")).to_contain_text("nodes", timeout=30_000)
    shot(page, 7, "suspect")

    # 8. The German unit, whose seized server gave the link, is told that its records ranked
    #    a suspect in the case: the case, never who.
    told_agencies = {a["agency"]: a["notified"] for a in answer.json()["alerts"]}
    assert told_agencies.get("de-bka") is True, told_agencies
    assert page.context.browser is not None
    german = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        other = german.new_page()
        sign_in(other, base, "de.investigator")
        other.goto(f"{base}/inbox")
        lead = other.get_by_test_id("alerts").locator('li[data-kind="case_lead"]')
        expect(lead).to_have_count(1)
        expect(lead).to_contain_text("a suspect is ranked from your records")
        expect(lead).not_to_contain_text(offender["full_name"])
        expect(other.get_by_text(offender["full_name"])).to_have_count(0)
        shot(other, 8, "contributor-told")
    finally:
        german.close()

    assert not errors, errors
