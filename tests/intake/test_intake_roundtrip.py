"""Export through the API, checked by the reference tools, and imported into an empty instance."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pymisp import MISPEvent
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import DatabaseFactory, World
from tests.intake.samples_path import sample
from tests.intake.test_intake_export import misp_schema_errors, strict_errors
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


def _occurrences(session: Session, report_id: uuid.UUID | None = None) -> Counter[tuple[str, str]]:
    """Occurrences per (kind, canonical), of one report or of all."""
    query = select(Selector)
    if report_id is not None:
        query = query.where(Selector.report_id == report_id)
    return Counter((s.value.kind, s.value.canonical) for s in session.scalars(query))


@contextmanager
def _empty_instance(databases: DatabaseFactory) -> Iterator[Records]:
    """A fresh, migrated database with one agency and one investigator: another instance."""
    url = databases.new_url()
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            agency = access.create_agency(session, audit.SYSTEM, "dst", "Dest", "DE", "police_unit")
            user = access.create_user(
                session, audit.SYSTEM, agency, "dst.analyst", "d", "investigator",
                "long enough password",
            )  # fmt: skip
            yield Records(session, access.viewer_of(user))
    finally:
        engine.dispose()


def _import(records: Records, exported: dict[str, Any], name: str) -> list[uuid.UUID]:
    result, _ = import_file(
        records,
        json.dumps(exported).encode(),
        Placement(Marking.CLEAR),
        filename=name,
        max_bytes=10_000_000,
    )
    return list(result.report_ids)


@pytest.mark.parametrize(
    ("fmt", "sample_name", "marking"),
    [
        ("stix", "chat_log.txt", "GREEN"),
        ("stix", "selectors.csv", "AMBER"),
        ("stix", "cybertip_report.xml", "RED"),
        ("misp", "chat_log.txt", "AMBER"),
        ("misp", "selectors.csv", "GREEN"),
    ],
)
def test_export_then_import_into_an_empty_instance_keeps_selectors_counts_and_markings(
    client: TestClient,
    world: World,
    db: Session,
    databases: DatabaseFactory,
    fmt: str,
    sample_name: str,
    marking: str,
) -> None:
    """A scrape, a selector list and a provider report, exported as STIX (strict-valid) or
    MISP (PyMISP and its schemas), imported by another agency: the same values, each as
    many times, the same marking; a second export of the same report stores nothing new."""
    headers = world.headers(world.user(world.agency("src", "NL"), Role.INVESTIGATOR))
    upload = client.post(
        "/api/v1/imports",
        headers=headers,
        data={"marking": marking},
        files={"file": (sample_name, sample(sample_name))},
    ).json()
    report_id = upload["reports"][0]
    path = f"/api/v1/reports/{report_id}/export"
    exported = client.get(path, params={"format": fmt}, headers=headers).json()
    again = client.get(path, params={"format": fmt}, headers=headers).json()
    if fmt == "stix":
        assert strict_errors(exported) == []
    else:
        assert misp_schema_errors(exported) == {"schema-lax.json": [], "schema.json": []}
        MISPEvent().load(json.dumps(exported))  # load() takes a dict apart: give it text
    original = _occurrences(db, uuid.UUID(report_id))
    assert original
    with _empty_instance(databases) as records:
        first = _import(records, exported, f"first.{fmt}.json")
        assert len(first) == 1
        second = _import(records, again, f"second.{fmt}.json")
        assert second in ([], first)  # nothing new, or the stored copy
        assert len(list(records.session.scalars(select(Report.id)))) == 1
        assert _occurrences(records.session) == original
        [body] = records.session.scalars(select(Report.body))
        stored = db.get(Report, uuid.UUID(report_id))
        assert stored is not None
        # The text comes back (PyMISP strips every string's ends when it writes JSON).
        assert body == (stored.body if fmt == "stix" else stored.body.strip())
        markings = {r.marking.value for r in records.session.scalars(select(Report))}
        assert markings == {marking}


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
