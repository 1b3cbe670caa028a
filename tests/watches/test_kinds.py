"""Bank series (hash matches) and cases (a changed location ranking) watched end to end, the
person kind through the signal contract, and what a watch request may name."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import World
from tests.hashing.banks import create_bank, import_list, match, media, random_hex, vics
from tests.locate.conftest import tiny  # noqa: F401 - the made-up gazetteer fixture
from tests.watches.helpers import Cast, alerts, report, watch
from wayhome import signals
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import Role
from wayhome.access.records import Records
from wayhome.access.services import viewer_of
from wayhome.hashing.models import Bank
from wayhome.intake.models import Location
from wayhome.locate import services as locating
from wayhome.locate.gazetteer import Gazetteer
from wayhome.signals import Signal, SignalKind, Subject, SubjectKind
from wayhome.watches.models import LocationState

RNG = random.Random(7)


@pytest.fixture
def cast(world: World) -> Cast:
    return Cast(world)


def test_bank_series_watch_fires_on_a_hash_match(
    client: TestClient, db: Session, cast: Cast
) -> None:
    md5 = random_hex(32, RNG)
    bank_id = create_bank(client, cast.ru_headers, "Seized 2026", "AMBER", scope="all")
    import_list(client, cast.ru_headers, bank_id, vics([media(md5=md5, series="S-7")]))
    # The holder's investigator watches his series; DE's investigator watches it too.
    watch(client, cast.headers[cast.writer.id], "bank_series", f"{bank_id}:S-7")
    watch(client, cast.headers[cast.watcher.id], "bank_series", f"{bank_id}:S-7")
    match(client, cast.headers[cast.other.id], [{"md5": md5}])
    [holder_alert] = alerts(db, cast.writer)
    assert holder_alert.detail["signal"] == "hash_match"
    assert holder_alert.detail["agency_code"] == cast.nl.code  # who matched
    assert holder_alert.detail["info"]["series"] == {"S-7": 1}
    assert [a.kind for a in alerts(db, cast.watcher)] == ["watch_alert"]
    # The same hash again is no new link, and no new alert.
    match(client, cast.headers[cast.other.id], [{"md5": md5}])
    assert len(alerts(db, cast.writer)) == 1


def test_a_bank_the_watcher_can_no_longer_see_gives_a_hit(
    client: TestClient, db: Session, cast: Cast
) -> None:
    md5 = random_hex(32, RNG)
    bank_id = create_bank(client, cast.ru_headers, "Shared then not", "AMBER", scope="all")
    import_list(client, cast.ru_headers, bank_id, vics([media(md5=md5, series="N-1")]))
    watch(client, cast.headers[cast.watcher.id], "bank_series", f"{bank_id}:N-1")
    bank = db.get(Bank, uuid.UUID(bank_id))
    assert bank is not None
    bank.scope = Scope.OWNER  # the holder stops sharing it
    db.commit()
    match(client, cast.headers[cast.other.id], [{"md5": md5}])
    [alert] = alerts(db, cast.watcher)
    assert alert.kind == "watch_hit" and cast.ru.name in alert.subject
    assert "info" not in alert.detail


@pytest.fixture
def small_world(tiny: Gazetteer) -> Iterator[Gazetteer]:  # noqa: F811
    locating.use_gazetteer(tiny)
    yield tiny
    locating.use_gazetteer(None)


def test_case_watch_fires_when_the_ranking_changes(
    client: TestClient, db: Session, world: World, cast: Cast, small_world: Gazetteer
) -> None:
    ru_headers = cast.ru_headers
    made = client.post(
        "/api/v1/cases",
        headers=ru_headers,
        json={"title": "Missing boy", "kind": "other", "marking": "GREEN", "scope": "all"},
    )
    assert made.status_code == 201, made.text
    case_id = made.json()["id"]
    watch(client, cast.headers[cast.watcher.id], "case", case_id)
    watch(client, ru_headers, "case", case_id)
    records = Records(db, viewer_of(cast.writer))

    def seen_at(latitude: float, longitude: float) -> None:
        records.add(
            Location(
                case_id=uuid.UUID(case_id),
                kind="last_seen",
                latitude=latitude,
                longitude=longitude,
                marking=Marking.GREEN,
                scope=Scope.OWNER,
            )
        )
        db.commit()

    def locate() -> Any:
        response = client.post(f"/api/v1/cases/{case_id}/locate", headers=ru_headers, json={})
        assert response.status_code == 200, response.text
        return response.json()

    seen_at(55.0, 37.0)
    locate()
    [first] = alerts(db, cast.watcher)
    assert first.detail["signal"] == "location_changed"
    # DE sees the case but not RU's ranking, computed from what RU may see.
    assert first.detail["info"] == {}
    assert alerts(db, cast.writer)[0].detail["info"]["top"]
    locate()  # the same evidence, the same ranking: no alert
    assert len(alerts(db, cast.watcher)) == 1
    # What-if runs (disabled or stated clues) are not the case's ranking.
    clue_ids = [c["id"] for c in locate()["clues"]]
    client.post(
        f"/api/v1/cases/{case_id}/locate", headers=ru_headers, json={"disabled": clue_ids[:1]}
    )
    assert len(alerts(db, cast.watcher)) == 1
    seen_at(55.0, 60.0)
    seen_at(55.0, 60.0)
    locate()
    assert len(alerts(db, cast.watcher)) == 2
    assert db.scalar(select(LocationState).where(LocationState.agency_id == cast.ru.id))


def test_person_watch_fires_on_an_identity_link(
    client: TestClient, db: Session, cast: Cast
) -> None:
    headers = cast.headers[cast.watcher.id]
    made = client.post(
        "/api/v1/cases",
        headers=headers,
        json={"title": "Case with a person", "kind": "missing_child", "marking": "AMBER"},
    )
    case_id = made.json()["id"]
    person = client.post(
        f"/api/v1/cases/{case_id}/persons",
        headers=headers,
        json={
            "role": "missing_child",
            "marking": "AMBER",
            "names": [{"full_name": "Lena Example"}],
        },
    )
    assert person.status_code == 201, person.text
    person_id = person.json()["id"]
    watch(client, headers, "person", person_id)
    # The linking engine's signal, as the contract in signals.py states it.
    signals.emit(
        db,
        Signal(
            SignalKind.IDENTITY_LINK,
            agency_id=cast.ru.id,
            record_kind="person",
            record_id=person_id,
            summary="an identity link was accepted",
            subjects=(Subject(SubjectKind.PERSON, person_id),),
        ),
    )
    db.commit()
    [alert] = alerts(db, cast.watcher)
    assert alert.detail["watched"] == [f"person:{person_id}"]


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({"kind": "galaxy", "value": "x"}, "body.kind"),
        ({"kind": "selector", "value": "no-colon"}, "body.value"),
        ({"kind": "selector", "value": "email:not an address"}, "body.value"),
        ({"kind": "selector", "value": "planet:earth"}, "body.value"),
        ({"kind": "case", "value": "not-an-id"}, "body.value"),
        ({"kind": "bank_series", "value": f"{uuid.uuid4()}:"}, "body.value"),
        ({"kind": "persona", "value": "forum:"}, "body.value"),
    ],
)
def test_bad_watch_requests_name_the_field_and_change_nothing(
    client: TestClient, cast: Cast, count_rows: Any, body: dict[str, str], location: str
) -> None:
    before = count_rows("watches")
    response = client.post("/api/v1/watches", json=body, headers=cast.headers[cast.watcher.id])
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(f"{location}: ")
    assert count_rows("watches") == before


def test_hidden_or_missing_cases_cannot_be_watched(client: TestClient, cast: Cast) -> None:
    made = client.post(
        "/api/v1/cases",
        headers=cast.ru_headers,
        json={"title": "RU only", "kind": "other", "marking": "GREEN"},
    )
    for case_id in (made.json()["id"], str(uuid.uuid4())):
        response = client.post(
            "/api/v1/watches",
            json={"kind": "case", "value": case_id},
            headers=cast.headers[cast.watcher.id],
        )
        assert response.status_code == 404


def test_watches_are_ones_own(client: TestClient, world: World, cast: Cast) -> None:
    mine = cast.headers[cast.watcher.id]
    watch_id = watch(client, mine, "selector", "email:a.b@example.org")
    assert watch(client, mine, "selector", "email:A.B@example.org") == watch_id  # idempotent
    colleague = cast.headers[cast.analyst.id]
    assert client.get("/api/v1/watches", headers=colleague).json() == []
    assert client.delete(f"/api/v1/watches/{watch_id}", headers=colleague).status_code == 404
    admin = world.headers(world.user(cast.de, Role.ADMIN))
    refused = client.post(
        "/api/v1/watches", json={"kind": "selector", "value": "email:c@example.org"}, headers=admin
    )
    assert refused.status_code == 403
    assert client.delete(f"/api/v1/watches/{watch_id}", headers=mine).status_code == 204
    assert client.get("/api/v1/watches", headers=mine).json() == []


def test_case_watch_fires_on_intelligence_filed_to_the_case(
    client: TestClient, db: Session, cast: Cast
) -> None:
    """A report filed to a watched case alerts its watchers, within need-to-know."""
    made = client.post(
        "/api/v1/cases",
        headers=cast.ru_headers,
        json={"title": "Missing boy", "kind": "other", "marking": "GREEN", "scope": "all"},
    )
    assert made.status_code == 201, made.text
    case_id = made.json()["id"]
    watch(client, cast.headers[cast.watcher.id], "case", case_id)
    assert alerts(db, cast.watcher) == []
    report(client, cast.ru_headers, "seen near the station", case_id=case_id, scope="all")
    [shared] = alerts(db, cast.watcher)
    assert shared.detail["signal"] == "report_ingested"
    assert shared.detail["case_id"] == case_id and shared.detail["record_id"]
    report(client, cast.ru_headers, "the owner's own note", case_id=case_id, scope="owner")
    hidden = alerts(db, cast.watcher)[1]
    # The owner-only report: only that RU holds something new on the case, never which.
    assert "record_id" not in hidden.detail and hidden.detail["agency_code"] == cast.ru.code
