"""Locating a case through the API: clues from visible intelligence, toggles, bad input."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import World
from wayhome.access import services as access
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import Role, User
from wayhome.access.records import Records
from wayhome.agencies.models import Agency
from wayhome.cases import services as cases
from wayhome.cases.models import Case, CaseKind
from wayhome.cases.schemas import CaseIn
from wayhome.intake import services as intake
from wayhome.intake.models import Location, Report
from wayhome.intake.schemas import ReportIn
from wayhome.locate import services
from wayhome.locate.gazetteer import Gazetteer

# Yaroslavl region, the made-up case's area.
YAROSLAVL = (57.6261, 39.8845)
RYBINSK = (58.0446, 38.8426)
RU_IP = "95.167.0.1"
KZ_IP = "2.60.0.1"


@pytest.fixture(autouse=True)
def small_gazetteer(russia: Gazetteer) -> Iterator[Gazetteer]:
    """Run the service on Russia, Belarus and Kazakhstan only: fast and enough."""
    services.use_gazetteer(russia)
    yield russia
    services.use_gazetteer(None)


@dataclass
class Scene:
    """Two agencies, one case shared with all, a report each: one of them hidden."""

    ru: Agency
    kz: Agency
    ru_user: User
    kz_user: User
    case: Case
    ru_report: Report
    kz_report: Report
    ru_headers: dict[str, str]
    kz_headers: dict[str, str]


def _records(db: Session, user: User) -> Records:
    return Records(db, access.viewer_of(user))


def _report(records: Records, case: Case, title: str, body: str, scope: Scope) -> Report:
    report, _ = intake.submit_report(
        records,
        ReportIn(
            title=title,
            source="test",
            body=body,
            marking=Marking.GREEN,
            scope=scope,
            case_id=case.id,
        ),
    )
    return report


@pytest.fixture
def scene(db: Session, world: World) -> Scene:
    ru = world.agency("ru-yar", "RU")
    kz = world.agency("kz-alm", "KZ")
    ru_user = world.user(ru, Role.INVESTIGATOR)
    kz_user = world.user(kz, Role.INVESTIGATOR)
    ru_records = _records(db, ru_user)
    case = cases.open_case(
        ru_records,
        CaseIn(title="Missing girl", kind=CaseKind.OTHER, marking=Marking.GREEN, scope=Scope.ALL),
    )
    ru_report = _report(
        ru_records,
        case,
        "chat log",
        f"the account logged in from {RU_IP}; he wrote he lives near Rybinsk",
        Scope.OWNER,
    )
    for latitude, longitude in (YAROSLAVL, RYBINSK):
        ru_records.add(
            Location(
                case_id=case.id,
                report_id=ru_report.id,
                kind="last_seen",
                latitude=latitude,
                longitude=longitude,
                marking=Marking.GREEN,
                scope=Scope.OWNER,
            )
        )
    kz_report = _report(
        _records(db, kz_user), case, "kz provider answer", f"seen from {KZ_IP}", Scope.OWNER
    )
    db.commit()
    return Scene(
        ru,
        kz,
        ru_user,
        kz_user,
        case,
        ru_report,
        kz_report,
        world.headers(ru_user),
        world.headers(kz_user),
    )


def _locate(client: TestClient, scene: Scene, headers: dict[str, str], **body: Any) -> Any:
    return client.post(f"/api/v1/cases/{scene.case.id}/locate", headers=headers, json=body)


def test_locate_uses_only_the_intelligence_the_caller_may_see(
    client: TestClient, scene: Scene
) -> None:
    ru = _locate(client, scene, scene.ru_headers, top=5)
    assert ru.status_code == 200, ru.text
    answer = ru.json()
    ids = {clue["id"] for clue in answer["clues"]}
    assert {"sites", f"ip-{RU_IP}", f"text-{scene.ru_report.id.hex[:8]}"} <= ids
    # The KZ agency's owner-only report is hidden from RU: its IP must not count.
    assert f"ip-{KZ_IP}" not in ids
    assert answer["places"][0]["country"] == "RU"
    assert answer["places"][0]["region"].startswith("RU.88") or "Yaroslavl" in str(
        answer["places"][:5]
    )
    assert [c["level"] for c in answer["coverage"]] == [0.5, 0.9, 0.99]
    sites = next(clue for clue in answer["clues"] if clue["id"] == "sites")
    assert sites["agency"] == "ru-yar" and "chat log" in sites["source"]
    assert set(answer["places"][0]["contributions"]) >= {"sites", f"ip-{RU_IP}"}

    kz = _locate(client, scene, scene.kz_headers, top=5).json()
    kz_ids = {clue["id"] for clue in kz["clues"]}
    assert f"ip-{KZ_IP}" in kz_ids
    assert "sites" not in kz_ids and f"ip-{RU_IP}" not in kz_ids


def test_a_hidden_reports_ip_does_not_change_the_answer(
    client: TestClient, scene: Scene, db: Session
) -> None:
    before = _locate(client, scene, scene.ru_headers).json()
    extra = _report(
        _records(db, scene.kz_user), scene.case, "another kz answer", "from 5.44.0.1", Scope.OWNER
    )
    db.commit()
    after = _locate(client, scene, scene.ru_headers).json()
    assert extra.id
    assert after["places"] == before["places"]
    assert [c["id"] for c in after["clues"]] == [c["id"] for c in before["clues"]]


def test_clues_switched_off_by_id_change_the_answer(client: TestClient, scene: Scene) -> None:
    full = _locate(client, scene, scene.ru_headers).json()
    stated = {"id": "near-almaty", "kind": "place_name", "name": "Almaty", "label": "chat hint"}
    with_hint = _locate(client, scene, scene.ru_headers, clues=[stated]).json()
    hint = next(clue for clue in with_hint["clues"] if clue["id"] == "near-almaty")
    assert hint["source"] == "stated" and hint["label"] == "chat hint" and hint["enabled"]
    toggled = _locate(
        client, scene, scene.ru_headers, clues=[stated], disabled=["near-almaty", "sites"]
    ).json()
    states = {clue["id"]: clue for clue in toggled["clues"]}
    assert not states["near-almaty"]["enabled"] and not states["sites"]["enabled"]
    assert states["sites"]["contribution"] is None
    assert "sites" not in toggled["places"][0]["contributions"]
    assert toggled["places"] != full["places"]
    unknown = _locate(client, scene, scene.ru_headers, disabled=["no-such-clue"])
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["location"] == "body.disabled"


def test_contradictory_constraints_give_an_explained_empty_answer(
    client: TestClient, scene: Scene
) -> None:
    clues = [
        {"id": "near-yar", "kind": "within", "km": 30, "place": "Yaroslavl"},
        {"id": "in-kz", "kind": "in_region", "country": "KZ"},
    ]
    response = _locate(client, scene, scene.ru_headers, clues=clues, grid=True)
    assert response.status_code == 200
    answer = response.json()
    assert answer["places"] == [] and answer["grid"] is None
    assert "'near-yar'" in answer["empty_reason"] and "'in-kz'" in answer["empty_reason"]


def test_a_case_with_every_clue_off_says_so_instead_of_ranking_the_world(
    client: TestClient, scene: Scene
) -> None:
    full = _locate(client, scene, scene.ru_headers).json()
    assert full["places"] and full["empty_reason"] is None
    everything = [clue["id"] for clue in full["clues"]]
    searched = {"id": "searched", "kind": "excluded", "place_names": ["Yaroslavl"]}
    for stated in ([], [searched]):
        answer = _locate(
            client, scene, scene.ru_headers, clues=stated, disabled=everything, grid=True
        ).json()
        assert answer["places"] == [] and answer["coverage"] == [] and answer["grid"] is None
        assert "no clue says where the person lives" in answer["empty_reason"]


@pytest.mark.parametrize(
    ("clue", "named", "words"),
    [
        ({"id": "w", "kind": "within", "km": 5, "latitude": 95.0, "longitude": 10.0}, "w", "90"),
        ({"id": "p", "kind": "place_name", "name": "Nowhereville"}, "p", "Nowhereville"),
        (
            {"id": "t", "kind": "posting_times", "timestamps": ["2026-11-01T22:00:00"]},
            "t",
            "time zone",
        ),
        ({"id": "lan", "kind": "ip", "ip": "192.168.1.20"}, "lan", "private"),
        ({"id": "bad-ip", "kind": "ip", "ip": "999.1.1.1"}, "bad-ip", "not an IP"),
    ],
)
def test_bad_clues_are_refused_naming_the_clue(
    client: TestClient,
    scene: Scene,
    count_rows: Any,
    clue: dict[str, Any],
    named: str,
    words: str,
) -> None:
    audit_before = count_rows("audit_entries")
    response = _locate(client, scene, scene.ru_headers, clues=[clue])
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"][0]["location"] == f"body.clues[0] ({named})"
    assert words in problem["detail"]
    assert count_rows("audit_entries") == audit_before


def test_duplicate_clue_ids_and_unknown_kinds_are_refused(client: TestClient, scene: Scene) -> None:
    twice = [
        {"id": "sites", "kind": "place_name", "name": "Yaroslavl"},
    ]
    response = _locate(client, scene, scene.ru_headers, clues=twice)
    assert response.status_code == 422 and "twice" in response.json()["detail"]
    unknown = _locate(client, scene, scene.ru_headers, clues=[{"id": "x", "kind": "astrology"}])
    assert unknown.status_code == 422


def test_locate_needs_a_visible_case_and_a_reading_role(
    client: TestClient, scene: Scene, world: World, db: Session
) -> None:
    other = world.agency("by-min", "BY")
    hidden = cases.open_case(
        _records(db, world.user(other, Role.SUPERVISOR)),
        CaseIn(title="their case", kind=CaseKind.OTHER, marking=Marking.GREEN),
    )
    admin = world.headers(world.user(scene.ru, Role.ADMIN))
    db.commit()
    assert (
        client.post(f"/api/v1/cases/{hidden.id}/locate", headers=scene.ru_headers, json={})
    ).status_code == 404
    assert (
        client.post(f"/api/v1/cases/{uuid.uuid4()}/locate", headers=scene.ru_headers, json={})
    ).status_code == 404
    assert _locate(client, scene, admin).status_code == 403


def test_grid_layer_for_the_map(client: TestClient, scene: Scene) -> None:
    answer = _locate(client, scene, scene.ru_headers, grid=True, cell_km=20).json()
    grid = answer["grid"]
    assert grid["rows"] * grid["cols"] == len(grid["values"])
    south, west, north, east = grid["bbox"]
    # The home is near Rybinsk (a sighting there, and "he lives near Rybinsk").
    assert south < RYBINSK[0] < north and west < RYBINSK[1] < east
    assert max(grid["values"]) > 0


def test_a_stated_national_phone_is_dialled_in_the_case_agencys_country(
    client: TestClient, scene: Scene
) -> None:
    # "8 (4852) …" is a Yaroslavl landline only when read as dialled in Russia (the case's
    # agency is Russian); without that country the same number is refused (clue files).
    stated = {"id": "landline", "kind": "phone", "number": "8 (4852) 45-67-89"}
    response = _locate(client, scene, scene.ru_headers, clues=[stated])
    assert response.status_code == 200, response.text
    clue = next(c for c in response.json()["clues"] if c["id"] == "landline")
    assert clue["enabled"] and clue["kind"] == "phone", clue
    assert any("Yaroslavl" in note for note in clue["notes"]), clue
