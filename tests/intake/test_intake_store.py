"""Importing files into the database: all-or-nothing, idempotent, markings never loosened."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import World
from tests.intake.samples_path import sample
from wayhome import signals
from wayhome.access import services as access
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import RecordShare, Role
from wayhome.access.records import Records
from wayhome.audit import services as audit
from wayhome.audit.models import AuditEntry
from wayhome.cases.models import Person
from wayhome.intake.correlation import correlate
from wayhome.intake.models import (
    Location,
    Persona,
    Report,
    Selector,
    SelectorHolder,
    SelectorValue,
)
from wayhome.intake.parsed import (
    ParsedItem,
    ParsedLocation,
    ParsedPerson,
    ParsedPersona,
    ParsedReport,
    ParsedSubmission,
)
from wayhome.intake.search import search_reports
from wayhome.intake.selectors.types import Selector as SelectorRecord
from wayhome.intake.selectors.types import SelectorType
from wayhome.intake.store import Placement, ingest
from wayhome.signals import SignalKind

SAMPLES = [
    ("stix_bundle.json", "stix"),
    ("misp_event.json", "misp"),
    ("cybertip_report.xml", "cybertip"),
    ("selectors.csv", "csv"),
    ("chat_log.txt", "text"),
]


@pytest.fixture
def headers(world: World) -> dict[str, str]:
    return world.headers(world.user(world.agency("nl-tst", "NL"), Role.ANALYST))


def _upload(
    client: TestClient, headers: dict[str, str], name: str, data: bytes, **form: str
) -> tuple[int, dict[str, object]]:
    response = client.post(
        "/api/v1/imports",
        headers=headers,
        files={"file": (name, data)},
        data={"marking": "AMBER", **form},
    )
    return response.status_code, response.json()


@pytest.mark.parametrize(("name", "kind"), SAMPLES)
def test_each_format_imports_once(
    client: TestClient,
    headers: dict[str, str],
    count_rows: Callable[[str], int],
    name: str,
    kind: str,
) -> None:
    status, body = _upload(client, headers, name, sample(name))
    assert status == 201, body
    assert body["format"] == kind and body["created"] is True
    assert isinstance(body["selectors"], int) and body["selectors"] > 0
    rows = (count_rows("reports"), count_rows("selectors"), count_rows("selector_values"))
    status, again = _upload(client, headers, name, sample(name))
    assert status == 201 and again["created"] is False
    assert again["reports"] == body["reports"]
    assert (count_rows("reports"), count_rows("selectors"), count_rows("selector_values")) == rows


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("broken.json", b'{"type": "bundle", "objects": [', "line"),
        ("broken.xml", b"<report><incidentSummary><incidentType>x</incident", "line"),
        ("latin1.txt", "Zeuge sah ihn in Köln".encode("latin-1"), "byte 18"),
        ("empty.csv", b"", "empty"),
    ],
)
def test_bad_files_store_nothing(
    client: TestClient,
    headers: dict[str, str],
    count_rows: Callable[[str], int],
    name: str,
    data: bytes,
    needle: str,
) -> None:
    before = (
        count_rows("reports"),
        count_rows("selectors"),
        count_rows("intake_imports"),
        count_rows("audit_entries"),
    )
    status, body = _upload(client, headers, name, data)
    assert 400 <= status < 500, body
    assert needle in str(body["detail"])
    after = (
        count_rows("reports"),
        count_rows("selectors"),
        count_rows("intake_imports"),
        count_rows("audit_entries"),
    )
    assert after == before


def test_file_marking_is_never_loosened(client: TestClient, headers: dict[str, str]) -> None:
    # The MISP sample carries tlp:green on the event and tlp:amber on an attribute: the report
    # keeps the strictest, AMBER, although CLEAR was asked for.
    status, body = _upload(
        client, headers, "misp_event.json", sample("misp_event.json"), marking="CLEAR"
    )
    assert status == 201
    report_ids = body["reports"]
    assert isinstance(report_ids, list)
    report = client.get(f"/api/v1/reports/{report_ids[0]}", headers=headers).json()
    assert report["marking"] == "AMBER"


def test_red_file_cannot_go_to_all_agencies(
    client: TestClient, headers: dict[str, str], count_rows: Callable[[str], int]
) -> None:
    before = count_rows("reports")
    status, body = _upload(
        client, headers, "notes.txt", b"Contact x@example.net", marking="RED", scope="all"
    )
    assert status == 422 and "scope" in str(body["detail"])
    assert count_rows("reports") == before


def test_bulk_reports_are_all_or_nothing(
    client: TestClient, headers: dict[str, str], count_rows: Callable[[str], int]
) -> None:
    good = {"title": "ok", "source": "s", "marking": "GREEN", "body": "mail a@example.net"}
    bad = {**good, "title": "bad", "selectors": [{"type": "btc", "value": "1NotAWallet"}]}
    before = count_rows("reports")
    response = client.post("/api/v1/reports/bulk", json={"reports": [good, bad]}, headers=headers)
    assert response.status_code == 422
    assert "body.reports[1].selectors[0]" in response.json()["detail"]
    assert count_rows("reports") == before
    response = client.post("/api/v1/reports/bulk", json={"reports": [good]}, headers=headers)
    assert response.status_code == 201 and response.json()["selectors"] == 1


_AMBER = Placement(Marking.AMBER)


def _parsed(title: str, values: list[str], **extra: Any) -> ParsedReport:
    items = [
        ParsedItem(SelectorRecord(SelectorType.EMAIL, v, v.upper()), f"field{i}")
        for i, v in enumerate(values)
    ]
    return ParsedReport(title=title, source="test", body=f"{title} body", items=items, **extra)


def test_a_submission_is_stored_together_each_report_once(world: World, db: Session) -> None:
    ours, theirs = world.agency(), world.agency()
    other = Records(db, access.viewer_of(world.user(theirs, Role.ANALYST)))
    ingest(other, ParsedSubmission("api", [_parsed("elsewhere", ["b@example.net"])]), _AMBER)
    records = Records(db, access.viewer_of(world.user(ours, Role.ANALYST)))
    first = _parsed(
        "first",
        ["a@example.net", "b@example.net", "a@example.net"],
        personas=[ParsedPersona("forum", "Fox", "fox")],
        locations=[ParsedLocation(52.1, 5.1, "Utrecht", "nl")],
        persons=[ParsedPerson("Ivan Petrov", "latin")],
    )
    second = _parsed("second", ["a@example.net", "c@example.net"], marking=Marking.RED)
    audits = db.scalar(select(func.count()).select_from(AuditEntry)) or 0
    before = len(signals.pending(db))
    submission = ParsedSubmission("api", [first, first, second])
    result = ingest(records, submission, _AMBER)
    assert len(result.report_ids) == 2 and result.selector_count == 5
    reports = {r.title: r for r in db.scalars(select(Report).where(Report.agency_id == ours.id))}
    assert reports["first"].marking is Marking.AMBER and reports["second"].marking is Marking.RED
    rows = db.execute(
        select(Report.title, Selector.marking, Selector.original, Selector.origin)
        .join(Report, Report.id == Selector.report_id)
        .where(Selector.agency_id == ours.id)
        .order_by(Selector.id)
    ).all()
    assert [(t, m, o) for t, m, o, _ in rows] == [
        ("first", Marking.AMBER, "A@EXAMPLE.NET"),
        ("first", Marking.AMBER, "B@EXAMPLE.NET"),
        ("first", Marking.AMBER, "A@EXAMPLE.NET"),
        ("second", Marking.RED, "A@EXAMPLE.NET"),
        ("second", Marking.RED, "C@EXAMPLE.NET"),
    ]
    held = dict(
        db.execute(
            select(SelectorValue.canonical, SelectorHolder.occurrences)
            .join(SelectorHolder, SelectorHolder.value_id == SelectorValue.id)
            .where(SelectorHolder.agency_id == ours.id)
        ).all()
    )
    assert held == {"a@example.net": 3, "b@example.net": 1, "c@example.net": 1}
    persona = db.scalars(select(Persona).where(Persona.agency_id == ours.id)).one()
    place = db.scalars(select(Location).where(Location.agency_id == ours.id)).one()
    person = db.scalars(select(Person).where(Person.agency_id == ours.id)).one()
    for part in (persona, place, person):
        assert part.report_id == reports["first"].id and part.marking is Marking.AMBER
    assert (persona.handle_canonical, place.country, place.place_name) == ("fox", "NL", "Utrecht")
    # One audit entry per stored report, in file order, none for the duplicate; each report
    # is searchable.
    assert (db.scalar(select(func.count()).select_from(AuditEntry)) or 0) - audits == 2
    entries = db.execute(
        select(AuditEntry.action, AuditEntry.object_kind, AuditEntry.object_id, AuditEntry.detail)
        .order_by(AuditEntry.seq.desc())
        .limit(2)
    ).all()
    assert [tuple(e) for e in reversed(entries)] == [
        (
            "create",
            "report",
            str(reports["first"].id),
            {"title": "first", "format": "api", "selectors": 3},
        ),
        (
            "create",
            "report",
            str(reports["second"].id),
            {"title": "second", "format": "api", "selectors": 2},
        ),
    ]
    assert audit.verify(db).ok
    assert search_reports(records, "first", 10, 0).total == 1
    # b@example.net is held by the other agency: a match on ingest, and the signals say so.
    value_b = db.scalar(select(SelectorValue.id).where(SelectorValue.canonical == "b@example.net"))
    assert result.matches == {value_b: 1}
    emitted = signals.pending(db)[before:]
    assert [(s.kind, s.record_id) for s in emitted] == [
        (SignalKind.REPORT_INGESTED, str(reports["first"].id)),
        (SignalKind.SELECTOR_MATCH, str(reports["first"].id)),
        (SignalKind.REPORT_INGESTED, str(reports["second"].id)),
    ]
    assert {s.key for s in emitted[0].subjects} == {
        "email:a@example.net",
        "email:b@example.net",
        "fox",
    }
    assert emitted[1].detail == {"value_ids": [value_b]}
    # Again: nothing new.
    again = ingest(records, submission, _AMBER)
    assert again.report_ids == [] and again.selector_count == 0
    assert (
        db.scalar(select(func.count()).select_from(Selector).where(Selector.agency_id == ours.id))
        == 5
    )


def test_named_shares_reach_reports_and_persons(world: World, db: Session) -> None:
    ours, partner = world.agency(), world.agency()
    records = Records(db, access.viewer_of(world.user(ours, Role.ANALYST)))
    placement = Placement(Marking.AMBER, Scope.NAMED, shared_with=[partner.id])
    report = _parsed("shared", ["d@example.net"], persons=[ParsedPerson("Anna Smirnova")])
    result = ingest(records, ParsedSubmission("api", [report]), placement)
    shares = set(
        db.execute(
            select(RecordShare.record_kind, RecordShare.agency_id).where(
                RecordShare.record_id.in_(
                    [
                        result.report_ids[0],
                        *db.scalars(select(Person.id).where(Person.agency_id == ours.id)),
                    ]
                )
            )
        ).all()
    )
    assert shares == {("report", partner.id), ("person", partner.id)}
    reader = Records(db, access.viewer_of(world.user(partner, Role.ANALYST)))
    found = correlate(reader, "email", "d@example.net", overcommon_threshold=50)
    assert [o.report_title for o in found.occurrences] == ["shared"]


def test_an_unparseable_phone_is_a_warning_not_a_refusal(
    client: TestClient, headers: dict[str, str], count_rows: Callable[[str], int]
) -> None:
    data = b"""<report>
  <incidentSummary><incidentType>Online Enticement</incidentType></incidentSummary>
  <personOrUserReported>
    <phone countryCallingCode="7">9215561804</phone>
    <phone>not-a-number-12</phone>
  </personOrUserReported>
</report>"""
    status, body = _upload(client, headers, "tip.xml", data)
    assert status == 201, body
    assert body["created"] is True and body["selectors"] == 1
    warnings = body["warnings"]
    assert isinstance(warnings, list)
    assert any(
        "personOrUserReported/phone (line 5)" in w and "not-a-number-12" in w for w in warnings
    )
    assert count_rows("reports") == 1
