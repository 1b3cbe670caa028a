"""Timeline entries made from another agency's report go only where the case and the report
both go: a hidden, silent or RED report filed to a case tells the case's readers nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.access.test_authentication import _sign_in
from tests.cases.helpers import open_child
from tests.conftest import World
from wayhome import signals
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import Role
from wayhome.cases.models import Case, Person
from wayhome.linking.models import AssertionState, IdentityAssertion

DERIVED = {"tip_received", "selector_match"}


@dataclass
class Scene:
    """A Russian case shared with all; a UK investigator files reports to it; the Dutch and
    the US read it. A Dutch report already holds the wolf's address."""

    case_id: str
    ru: dict[str, str]
    ru_analyst: dict[str, str]
    uk: dict[str, str]
    nl: dict[str, str]
    us: dict[str, str]
    nl_id: str
    ru_id: str
    usernames: dict[str, str]


@pytest.fixture
def scene(client: TestClient, world: World) -> Scene:
    ru, uk = world.agency("td-ru", "RU"), world.agency("td-uk", "GB")
    nl, us = world.agency("td-nl", "NL"), world.agency("td-us", "US")
    users = {
        "ru": world.user(ru, Role.INVESTIGATOR),
        "ru_analyst": world.user(ru, Role.ANALYST),
        "uk": world.user(uk, Role.INVESTIGATOR),
        "nl": world.user(nl, Role.INVESTIGATOR),
        "us": world.user(us, Role.INVESTIGATOR),
    }
    headers = {name: world.headers(user) for name, user in users.items()}
    case = open_child(client, headers["ru"], scope="all")
    held = _report("Dutch chat log", "GREEN", "all", "contact wolf.tester@example.net")
    assert client.post("/api/v1/reports", json=held, headers=headers["nl"]).status_code == 201
    return Scene(
        case["id"],
        headers["ru"],
        headers["ru_analyst"],
        headers["uk"],
        headers["nl"],
        headers["us"],
        str(nl.id),
        str(ru.id),
        {name: user.username for name, user in users.items()},
    )


def _report(title: str, marking: str, scope: str, body: str) -> dict[str, Any]:
    return {"title": title, "source": "test", "marking": marking, "scope": scope, "body": body}


def _file(
    client: TestClient, scene: Scene, marking: str, scope: str, other: str = "fox", **over: Any
) -> str:
    """The UK investigator files a report with two selectors (one held by NL) to the case."""
    body = f"wolf.tester@example.net wrote from {other}.hidden@example.org"
    report = {**_report("UK tip", marking, scope, body), "case_id": scene.case_id, **over}
    response = client.post("/api/v1/reports", json=report, headers=scene.uk)
    assert response.status_code == 201, response.text
    report_id: str = response.json()["id"]
    return report_id


def _derived(client: TestClient, scene: Scene, headers: dict[str, str]) -> list[dict[str, Any]]:
    """The derived entries on the case's timeline this caller gets from the API."""
    response = client.get(f"/api/v1/cases/{scene.case_id}/events", headers=headers)
    assert response.status_code == 200, response.text
    return [e for e in response.json()["items"] if e["kind"] in DERIVED]


@pytest.fixture
def pages(app: Any, db: Session) -> Iterator[Any]:
    """The case page as one user's browser sees it."""
    opened: list[TestClient] = []

    def page(username: str, case_id: str) -> str:
        db.commit()
        browser = TestClient(app, base_url="http://testserver")
        opened.append(browser.__enter__())
        assert _sign_in(browser, username) == 303
        response = browser.get(f"/cases/{case_id}")
        assert response.status_code == 200, response.text
        return response.text

    yield page
    for browser in opened:
        browser.__exit__(None, None, None)


def test_an_owner_only_silent_report_adds_no_entry_the_others_see(
    client: TestClient, scene: Scene, pages: Any
) -> None:
    report_id = _file(client, scene, "AMBER+STRICT", "owner", silent=True)
    for reader in (scene.ru, scene.nl, scene.us):
        assert client.get(f"/api/v1/reports/{report_id}", headers=reader).status_code == 404
        assert _derived(client, scene, reader) == []
    for name in ("ru", "nl", "us"):
        page = pages(scene.usernames[name], scene.case_id)
        assert "new report with" not in page and "held elsewhere" not in page
        assert "tip received" not in page


def test_a_red_report_reaches_the_case_owner_only_when_named(
    client: TestClient, scene: Scene, pages: Any
) -> None:
    _file(client, scene, "RED", "named", shared_with=[scene.nl_id])
    for reader in (scene.ru, scene.ru_analyst, scene.nl, scene.us):
        assert _derived(client, scene, reader) == []
    assert "new report with" not in pages(scene.usernames["ru"], scene.case_id)

    _file(client, scene, "RED", "named", "lynx", shared_with=[scene.nl_id, scene.ru_id])
    seen = _derived(client, scene, scene.ru)
    assert {e["kind"] for e in seen} == DERIVED
    assert all(e["marking"] == "RED" and e["scope"] == "named" for e in seen)
    assert {e["kind"] for e in _derived(client, scene, scene.nl)} == DERIVED
    assert _derived(client, scene, scene.ru_analyst) == []  # RED: sworn roles only
    assert _derived(client, scene, scene.us) == []  # not named on the report
    page = pages(scene.usernames["ru"], scene.case_id)
    assert "new report with 2 selectors" in page
    assert "new report with" not in pages(scene.usernames["us"], scene.case_id)


def test_a_report_shared_with_all_shows_to_every_reader_of_the_case(
    client: TestClient, scene: Scene, pages: Any
) -> None:
    _file(client, scene, "GREEN", "all")
    for reader in (scene.ru, scene.ru_analyst, scene.nl, scene.us):
        seen = {e["kind"]: e for e in _derived(client, scene, reader)}
        assert set(seen) == DERIVED
        assert seen["tip_received"]["summary"] == "new report with 2 selectors"
        assert seen["tip_received"]["marking"] == "AMBER"  # the case's, the stricter
        assert seen["tip_received"]["scope"] == "all"
    assert "new report with 2 selectors" in pages(scene.usernames["us"], scene.case_id)


def _link(db: Session, case_id: str, left: uuid.UUID, right: uuid.UUID) -> None:
    """An identity link filed to the case, shared with all, between two persons; committed."""
    case = db.get(Case, uuid.UUID(case_id))
    assert case is not None
    row = IdentityAssertion(
        pair_key=f"person:{left}|person:{right}",
        left_ref=f"person:{left}",
        right_ref=f"person:{right}",
        link_kind="person",
        score=0.97,
        state=AssertionState.PROPOSED,
        made_by="model:person",
        evidence=[],
        case_id=case.id,
        agency_id=case.agency_id,
        marking=Marking.AMBER,
        scope=Scope.ALL,
    )
    db.add(row)
    db.flush()
    signal = signals.Signal(
        signals.SignalKind.IDENTITY_LINK,
        agency_id=row.agency_id,
        record_kind="assertion",
        record_id=str(row.id),
        summary="identity link proposed (0.97)",
        case_id=row.case_id,
    )
    signals.emit(db, signal)
    db.commit()


def _child(db: Session, case_id: str) -> uuid.UUID:
    return db.scalars(select(Person.id).where(Person.case_id == uuid.UUID(case_id))).one()


def test_an_identity_link_goes_only_where_both_its_ends_go(
    client: TestClient, scene: Scene, db: Session
) -> None:
    hidden_case = open_child(client, scene.uk, scope="owner")["id"]
    shared_case = open_child(client, scene.ru, scope="all")["id"]
    child = _child(db, scene.case_id)

    def links(headers: dict[str, str]) -> list[dict[str, Any]]:
        response = client.get(f"/api/v1/cases/{scene.case_id}/events", headers=headers)
        return [e for e in response.json()["items"] if e["kind"] == "identity_link"]

    _link(db, scene.case_id, child, _child(db, hidden_case))  # one end is the UK's alone
    for reader in (scene.ru, scene.nl, scene.us, scene.uk):
        assert links(reader) == []
    _link(db, scene.case_id, child, _child(db, shared_case))
    for reader in (scene.ru, scene.nl, scene.us):
        assert [e["summary"] for e in links(reader)] == ["identity link proposed (0.97)"]
