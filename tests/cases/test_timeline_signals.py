"""The system fills the timeline from engines' signals, in the same transaction."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.cases.helpers import open_child
from tests.conftest import World
from wayhome import signals
from wayhome.access.models import Role
from wayhome.cases.models import Event


def test_report_on_a_case_adds_tip_and_match_entries(client: TestClient, world: World) -> None:
    owner, other = world.agency("t-own", "RU"), world.agency("t-oth", "DE")
    mine = world.headers(world.user(owner, Role.INVESTIGATOR))
    theirs = world.headers(world.user(other, Role.ANALYST))
    case = open_child(client, mine, scope="all")
    held = {
        "title": "chat log",
        "source": "OSINT",
        "marking": "GREEN",
        "scope": "all",
        "body": "contact wolf.tester@example.net",
    }
    assert client.post("/api/v1/reports", json=held, headers=theirs).status_code == 201
    report = {**held, "title": "tip from the school", "case_id": case["id"]}
    response = client.post("/api/v1/reports", json=report, headers=mine)
    assert response.status_code == 201, response.text
    events = client.get(f"/api/v1/cases/{case['id']}/events", headers=mine).json()["items"]
    by_kind = {e["kind"]: e for e in events}
    assert set(by_kind) == {"reported", "tip_received", "selector_match"}
    assert by_kind["tip_received"]["summary"] == "new report with 1 selectors"
    assert by_kind["selector_match"]["summary"] == "1 selectors of a new report are held elsewhere"
    assert by_kind["tip_received"]["marking"] == "AMBER"  # the stricter of case and report


def test_signal_entries_are_marked_no_looser_than_their_record(
    db: Session, world: World, client: TestClient
) -> None:
    owner = world.agency("t2", "RU")
    mine = world.headers(world.user(owner, Role.INVESTIGATOR))
    case = open_child(client, mine, marking="GREEN", scope="all")
    red = client.post(
        "/api/v1/reports",
        json={
            "title": "red tip",
            "source": "x",
            "marking": "RED",
            "scope": "owner",
            "body": "nothing",
            "case_id": case["id"],
        },
        headers=mine,
    )
    assert red.status_code == 201, red.text
    entry = db.scalars(
        select(Event).where(Event.case_id == uuid.UUID(case["id"]), Event.kind == "tip_received")
    ).one()
    assert entry.marking.value == "RED" and entry.scope.value == "owner"


def test_hash_match_and_case_updated_signals(db: Session, world: World, client: TestClient) -> None:
    owner = world.agency("t3", "RU")
    mine = world.headers(world.user(owner, Role.INVESTIGATOR))
    case_id = uuid.UUID(open_child(client, mine)["id"])
    for kind in (signals.SignalKind.HASH_MATCH, signals.SignalKind.CASE_UPDATED):
        signals.emit(
            db,
            signals.Signal(
                kind=kind,
                agency_id=owner.id,
                record_kind="hash_match",
                record_id=str(uuid.uuid4()),
                summary="2 hashes matched a known series",
                case_id=case_id,
            ),
        )
    db.commit()
    kinds = list(db.scalars(select(Event.kind).where(Event.case_id == case_id).order_by(Event.at)))
    assert kinds.count("hash_match") == 1
    assert "case_updated" not in kinds  # the workflow writes its own entries, not twice
