"""Export through the API, checked by the reference tools, and imported into an empty instance."""

from __future__ import annotations

import json
import uuid

import pytest
from fastapi.testclient import TestClient
from pymisp import MISPEvent
from sqlalchemy import select
from sqlalchemy.orm import Session
from stix2validator import ValidationOptions, validate_instance

from tests.conftest import DatabaseFactory, World
from tests.intake.samples_path import sample
from wayhome.access import services as access
from wayhome.access.markings import Marking
from wayhome.access.models import Role
from wayhome.access.records import Records
from wayhome.audit import services as audit
from wayhome.db import migrate
from wayhome.db.engine import make_engine, make_session_factory, session_scope
from wayhome.intake.models import Report, Selector
from wayhome.intake.services import import_file
from wayhome.intake.store import Placement


def _stored_selectors(session: Session) -> set[tuple[str, str]]:
    return {(s.value.kind, s.value.canonical) for s in session.scalars(select(Selector))}


@pytest.mark.parametrize("marking", ["GREEN", "AMBER", "RED"])
def test_stix_round_trip_keeps_selectors_and_marking(
    client: TestClient, world: World, db: Session, databases: DatabaseFactory, marking: str
) -> None:
    headers = world.headers(world.user(world.agency("src", "NL"), Role.INVESTIGATOR))
    upload = client.post(
        "/api/v1/imports",
        headers=headers,
        data={"marking": marking},
        files={"file": ("selectors.csv", sample("selectors.csv"))},
    ).json()
    report_id = upload["reports"][0]
    exported = client.get(
        f"/api/v1/reports/{report_id}/export", params={"format": "stix"}, headers=headers
    )
    assert exported.status_code == 200
    bundle = exported.json()
    results = validate_instance(bundle, ValidationOptions(version="2.1"))
    assert results.is_valid, [str(e) for e in results.errors]
    original = {
        (s.value.kind, s.value.canonical)
        for s in db.scalars(select(Selector).where(Selector.report_id == uuid.UUID(report_id)))
    }

    url = databases.new_url()
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            agency = access.create_agency(session, audit.SYSTEM, "dst", "Dest", "DE", "police_unit")
            user = access.create_user(
                session,
                audit.SYSTEM,
                agency,
                "dst.analyst",
                "d",
                "investigator",
                "long enough password",
            )
            records = Records(session, access.viewer_of(user))
            import_file(
                records,
                json.dumps(bundle).encode(),
                Placement(Marking.CLEAR),
                filename="bundle.json",
                max_bytes=10_000_000,
            )
            assert _stored_selectors(session) == original
            markings = {r.marking.value for r in session.scalars(select(Report))}
            assert markings == {marking}
    finally:
        engine.dispose()


def test_misp_export_loads_in_pymisp(client: TestClient, world: World) -> None:
    headers = world.headers(world.user(world.agency(), Role.ANALYST))
    upload = client.post(
        "/api/v1/imports",
        headers=headers,
        data={"marking": "GREEN"},
        files={"file": ("chat.txt", sample("chat_log.txt"))},
    ).json()
    exported = client.get(
        f"/api/v1/reports/{upload['reports'][0]}/export", params={"format": "misp"}, headers=headers
    )
    assert exported.status_code == 200
    event = MISPEvent()
    event.load(exported.json())
    assert "tlp:green" in {t.name for t in event.tags}
    assert len(event.attributes) + len(event.objects) >= upload["selectors"] // 2


def test_case_export_holds_only_visible_reports(client: TestClient, world: World) -> None:
    owner = world.headers(world.user(world.agency("o", "RU"), Role.INVESTIGATOR))
    other = world.headers(world.user(world.agency("x", "DE"), Role.INVESTIGATOR))
    case = client.post(
        "/api/v1/cases",
        headers=owner,
        json={"title": "Export case", "kind": "other", "marking": "GREEN", "scope": "all"},
    ).json()
    for scope in ("all", "owner"):
        client.post(
            "/api/v1/reports",
            headers=owner,
            json={
                "title": f"{scope} report",
                "source": "s",
                "marking": "GREEN",
                "scope": scope,
                "case_id": case["id"],
                "body": f"{scope} mail {scope}@example.net",
            },
        )
    names = {
        o["name"]
        for o in client.get(f"/api/v1/cases/{case['id']}/export", headers=other).json()["objects"]
        if o["type"] == "report"
    }
    assert names == {"all report"}
