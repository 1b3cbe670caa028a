"""Locating another agency's case is a read: the ranking is returned to the caller, and the
case's timeline (which every reader of the case sees) gains nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.access.test_authentication import _sign_in
from tests.cases.helpers import open_child
from tests.conftest import World
from wayhome.access.models import Role
from wayhome.cases.models import Event
from wayhome.locate import services
from wayhome.locate.gazetteer import Gazetteer


@pytest.fixture(autouse=True)
def small_gazetteer(tiny: Gazetteer) -> Iterator[Gazetteer]:
    """The made-up six-place gazetteer: the test is about what is written, not the answer."""
    services.use_gazetteer(tiny)
    yield tiny
    services.use_gazetteer(None)


def _entries(db: Session, case_id: str) -> int:
    """How many timeline entries the case has, whoever may see them."""
    stmt = select(func.count()).select_from(Event).where(Event.case_id == uuid.UUID(case_id))
    return int(db.scalar(stmt) or 0)


def test_another_agencys_reader_adds_no_entry_to_the_case(
    client: TestClient, world: World, db: Session
) -> None:
    ru, us = world.agency("lr-ru", "RU"), world.agency("lr-us", "US")
    owner = world.headers(world.user(ru, Role.INVESTIGATOR))
    reader = world.user(us, Role.ANALYST)
    case_id = open_child(client, owner, scope="all")["id"]
    before = _entries(db, case_id)

    answer = client.post(f"/api/v1/cases/{case_id}/locate", json={}, headers=world.headers(reader))
    assert answer.status_code == 200, answer.text
    assert answer.json()["case_id"] == case_id
    assert _entries(db, case_id) == before
    db.commit()
    assert _sign_in(client, reader.username) == 303
    page = client.get(f"/cases/{case_id}/map")
    assert page.status_code == 200, page.text
    assert _entries(db, case_id) == before

    # The owner's own ranking is the case's: it goes on the timeline.
    own = client.post(f"/api/v1/cases/{case_id}/locate", json={}, headers=owner)
    assert own.status_code == 200, own.text
    kinds = db.scalars(select(Event.kind).where(Event.case_id == uuid.UUID(case_id)))
    assert "location_narrowed" in set(kinds)
