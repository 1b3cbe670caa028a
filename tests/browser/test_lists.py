"""Issue 18, problems 1, 8 and 9 in Chromium: a list of more cases than a page (the critical one
found by urgency, text and paging), one urgency beside the stated priority, and the recipient
of a cross-border alert reading its message."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.orm import Session

from tests.browser.conftest import screenshot
from tests.browser.test_sign_in import sign_in
from tests.conftest import DatabaseFactory
from tests.serving import serving
from wayhome import clock
from wayhome.access import services as access
from wayhome.access.markings import Marking, Scope
from wayhome.access.records import Records
from wayhome.audit import services as audit
from wayhome.cases import services as cases
from wayhome.cases.models import CaseKind, Priority
from wayhome.cases.schemas import CaseIn
from wayhome.db.engine import make_session_factory, session_scope
from wayhome.demo.bulk import add_cases
from wayhome.demo.replay import DEMO_PASSWORD
from wayhome.settings import Environment, Settings
from wayhome.web.app import create_app

pytestmark = pytest.mark.browser

CRITICAL = "Zarina Belova taken from the Kasimov market"
STATED = "Stated critical, nothing else known"


@dataclass(frozen=True)
class ListWorld:
    """A server over two agencies' 60 synthetic cases and two of their own."""

    base: str
    factory: object
    stated_id: str


def _world(session: Session) -> str:
    """Two agencies with an investigator each, 60 synthetic cases, a critical case opened long
    ago (newest-first would bury it past the first page) and a case whose stated priority is
    critical while its risk factors say little."""
    ru = access.create_agency(
        session, audit.SYSTEM, "ru-lists", "RU lists unit", "RU", "police_unit"
    )
    de = access.create_agency(
        session, audit.SYSTEM, "de-lists", "DE lists unit", "DE", "police_unit"
    )
    russian = access.create_user(
        session, audit.SYSTEM, ru, "ru.lists", "RU lists", "investigator", DEMO_PASSWORD
    )
    access.create_user(
        session, audit.SYSTEM, de, "de.lists", "DE lists", "investigator", DEMO_PASSWORD
    )
    add_cases(session, 60, seed=18)
    records = Records(session, access.viewer_of(russian))
    with clock.frozen(clock.now() - timedelta(days=3 * 365)):
        critical = cases.open_case(
            records,
            CaseIn(title=CRITICAL, kind=CaseKind.MISSING_CHILD, priority=Priority.CRITICAL,
                   marking=Marking.AMBER, scope=Scope.ALL),
        )  # fmt: skip
    critical.suspected_abduction = True
    stated = cases.open_case(
        records,
        CaseIn(title=STATED, kind=CaseKind.EXPLOITATION, priority=Priority.CRITICAL,
               marking=Marking.AMBER, scope=Scope.OWNER),
    )  # fmt: skip
    session.flush()
    return str(stated.id)


@pytest.fixture(scope="module")
def lists_world(
    databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ListWorld]:
    with databases.migrated() as (url, engine):
        factory = make_session_factory(engine)
        with session_scope(factory) as session:
            stated_id = _world(session)
        settings = Settings(
            environment=Environment.TEST,
            database_url=url,
            data_dir=tmp_path_factory.mktemp("lists"),
        )
        app = create_app(settings, make_session_factory(engine))
        with serving(app) as base:
            yield ListWorld(base, factory, stated_id)


def test_the_critical_case_is_found_first_by_text_and_across_pages(
    page: Page, lists_world: ListWorld
) -> None:
    base = lists_world.base
    sign_in(page, base, "ru.lists")
    # The dashboard puts the most urgent open cases first.
    first = page.get_by_test_id("open-cases").locator("li").first
    expect(first).to_have_attribute("data-urgency", "critical")
    expect(page.get_by_test_id("open-total")).to_contain_text("open")

    page.goto(f"{base}/cases")
    total = page.get_by_test_id("pager-total")
    expect(total).to_contain_text("1–50 of ")
    count = int(re.sub(r"\D", "", total.inner_text().split("of")[1]))
    assert count > 50, total.inner_text()
    expect(page.get_by_test_id("case-row").first).to_have_attribute("data-urgency", "critical")
    page.get_by_test_id("pager-next").click()
    expect(total).to_contain_text(f"51–{count} of {count}")
    expect(page.get_by_test_id("case-row")).to_have_count(count - 50)

    page.get_by_test_id("filter-q").fill("zarina")
    page.get_by_test_id("apply-filters").click()
    expect(page.get_by_test_id("pager-total")).to_have_text("1–1 of 1")
    expect(page.get_by_test_id("case-list")).to_contain_text(CRITICAL)

    # Critical open cases only, saved as a view, found again beside the list.
    page.goto(f"{base}/cases?open=1&urgency=critical")
    rows = page.get_by_test_id("case-row")
    expect(rows.first).to_be_visible()
    assert all(rows.nth(n).get_attribute("data-urgency") == "critical" for n in range(rows.count()))
    page.get_by_test_id("save-view").locator("input[name=name]").fill("Critical, open")
    page.get_by_test_id("save-view").get_by_role("button").click()
    page.goto(f"{base}/cases")
    view = page.get_by_test_id("saved-view").filter(has_text="Critical, open")
    view.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"urgency=critical"))
    screenshot(page, "case-list-critical-view")
    page.get_by_test_id("saved-view").filter(has_text="Critical, open").get_by_test_id(
        "delete-view"
    ).click()
    expect(page.get_by_test_id("saved-view")).to_have_count(0)


def test_urgency_and_priority_say_the_same(page: Page, lists_world: ListWorld) -> None:
    sign_in(page, lists_world.base, "ru.lists")
    page.goto(f"{lists_world.base}/cases/{lists_world.stated_id}")
    header = page.get_by_test_id("case-urgency")
    expect(header).to_have_text("urgency critical")
    text = page.locator("main").inner_text()
    assert "priority critical" not in text.replace("stated priority critical", "")
    assert not re.search(r"Urgency: (normal|low|high)", text), text
    page.goto(f"{lists_world.base}/cases?q=" + STATED.split(",")[0].replace(" ", "+"))
    expect(page.get_by_test_id("case-row").first).to_have_attribute("data-urgency", "critical")


def test_the_recipient_reads_the_alerts_message(
    page: Page, browser: Browser, lists_world: ListWorld
) -> None:
    base = lists_world.base
    message = "Seen at the Kasimov bus station at 14:10 with a tall man in a grey coat"
    sign_in(page, base, "ru.lists")
    page.goto(f"{base}/cases?q=zarina")
    page.get_by_test_id("case-list").get_by_role("link", name=CRITICAL).click()
    page.get_by_test_id("issue-alert").locator("summary").click()
    page.get_by_test_id("alert-to-de-lists").check()
    page.get_by_test_id("issue-alert").locator("textarea[name=message]").fill(message)
    page.get_by_test_id("send-alert").click()
    expect(page.get_by_test_id("case-alert-message").first).to_have_text(message)

    other = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        german = other.new_page()
        german.set_default_timeout(60_000)
        sign_in(german, base, "de.lists")
        pending = german.get_by_test_id("pending-alert").filter(has_text=CRITICAL)
        expect(pending.get_by_test_id("alert-message")).to_have_text(message)
        german.goto(f"{base}/alerts")
        received = german.get_by_test_id("received-alert").filter(has_text=CRITICAL)
        expect(received.get_by_test_id("alert-message")).to_have_text(message)
        german.goto(f"{base}/inbox")
        note = german.get_by_test_id("alerts").locator('li[data-kind="case_alert"]').first
        expect(note.get_by_test_id("alert-message")).to_have_text(message)
        expect(note.get_by_test_id("alert-subject")).to_have_attribute(
            "href", re.compile(r"^/cases/[0-9a-f-]{36}$")
        )
        note.get_by_test_id("alert-subject").click()
        expect(german.get_by_test_id("case-alert-message").first).to_have_text(message)
        screenshot(german, "alert-message-recipient")
    finally:
        other.close()
