"""Shared builders for the identity-resolution service tests: reports with personas, persons."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from wayhome.access import services as access
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import User
from wayhome.access.records import Records
from wayhome.intake import synthetic
from wayhome.intake.models import Persona
from wayhome.intake.services import import_file
from wayhome.intake.store import Placement
from wayhome.linking import live

# The tables of agencies' records; a link decision must leave every one of them unchanged.
AGENCY_TABLES = (
    "cases",
    "persons",
    "person_names",
    "reports",
    "selectors",
    "selector_values",
    "personas",
    "register_persons",
    "record_shares",
)


@pytest.fixture(autouse=True)
def fresh_indices() -> Iterator[None]:
    """The in-process indices may hold rows of rolled-back tests; start each test clean."""
    live.PERSONS.reset()
    live.HANDLES.reset()
    yield
    live.PERSONS.reset()
    live.HANDLES.reset()


def records_of(db: Session, user: User) -> Records:
    return Records(db, access.viewer_of(user))


def pgp(seed: int) -> str:
    return synthetic.pgp_fingerprint(random.Random(seed))


def tipline(screen: str, esp: str, *, email: str = "", info: str = "", holder: str = "") -> bytes:
    """A minimal CyberTipline-style report naming one account (a persona), optionally with
    the subscriber's name (a person)."""
    name = f"<fullName>{holder}</fullName>" if holder else ""
    mail = f"<personOrUserReportedPerson>{name}<email>{email}</email></personOrUserReportedPerson>"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<report>
  <incidentSummary><incidentType>Online Enticement of Children for Sexual Acts</incidentType>
    <incidentDateTime>2025-09-24T21:30:00Z</incidentDateTime></incidentSummary>
  <reporter><espName>{esp}</espName></reporter>
  <personOrUserReported>{mail if email or holder else ""}
    <screenName>{screen}</screenName>
  </personOrUserReported>
  <additionalInfo>{info} ref {uuid.uuid4().hex}</additionalInfo>
</report>
""".encode()


def ingest(
    records: Records,
    data: bytes,
    marking: Marking = Marking.AMBER,
    scope: Scope = Scope.ALL,
    shared: tuple[uuid.UUID, ...] = (),
    case_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Import one file through the ordinary intake path and return its report id."""
    result, _ = import_file(
        records,
        data,
        Placement(marking, scope, list(shared), case_id=case_id),
        filename=f"{uuid.uuid4().hex}.xml",
        max_bytes=1 << 20,
    )
    return result.report_ids[0]


def persona_in(db: Session, report_id: uuid.UUID) -> Persona:
    return db.scalars(select(Persona).where(Persona.report_id == report_id)).one()


def snapshot(db: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the agencies' record tables, in a stable order."""
    db.flush()
    out = {}
    for table in AGENCY_TABLES:
        rows = db.execute(text(f"SELECT * FROM {table}")).all()
        out[table] = sorted((tuple(r) for r in rows), key=repr)
    return out
