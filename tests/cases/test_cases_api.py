"""Cases, persons and timelines through the API, with visibility between agencies."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import World
from wayhome.access.models import Role

CASE = {
    "title": "Girl, 9, missing after football practice",
    "kind": "missing_child",
    "priority": "critical",
    "marking": "AMBER",
    "scope": "all",
}


def _open(client: TestClient, headers: dict[str, str], **over: Any) -> dict[str, Any]:
    response = client.post("/api/v1/cases", json={**CASE, **over}, headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_case_lifecycle_start_persons_and_timeline(client: TestClient, world: World) -> None:
    agency = world.agency("ru-test", "RU")
    investigator = world.headers(world.user(agency, Role.INVESTIGATOR))
    case = _open(client, investigator)
    assert case["status"] == "reported" and case["reference"].startswith("WH-")

    person = {
        "role": "missing_child",
        "names": [{"full_name": "Мария Соколова"}, {"full_name": "Mariya Sokolova"}],
        "date_of_birth": "2017-05-02",
        "sex": "female",
        "nationalities": ["ru"],
        "marking": "AMBER",
        "scope": "all",
    }
    response = client.post(f"/api/v1/cases/{case['id']}/persons", json=person, headers=investigator)
    assert response.status_code == 201, response.text
    stored = response.json()
    assert [n["script"] for n in stored["names"]] == ["Cyrl", "Latn"]
    assert stored["nationalities"] == ["RU"]

    timeline = client.get(f"/api/v1/cases/{case['id']}/events", headers=investigator).json()
    assert [e["kind"] for e in timeline["items"]] == ["reported"]


def test_other_agency_sees_shared_case_but_not_owner_only(client: TestClient, world: World) -> None:
    owner = world.agency("owner", "RU")
    other = world.agency("other", "DE")
    mine = world.headers(world.user(owner, Role.INVESTIGATOR))
    theirs = world.headers(world.user(other, Role.INVESTIGATOR))
    shared = _open(client, mine, title="Shared with all agencies")
    private = _open(client, mine, title="Kept by the owner", scope="owner")

    seen = client.get("/api/v1/cases", headers=theirs).json()
    titles = {c["title"] for c in seen["items"]}
    assert "Shared with all agencies" in titles
    assert "Kept by the owner" not in titles
    assert seen["total"] == len(seen["items"])  # the count reveals nothing hidden

    hidden = client.get(f"/api/v1/cases/{private['id']}", headers=theirs)
    missing = client.get("/api/v1/cases/00000000-0000-4000-8000-000000000000", headers=theirs)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"] == missing.json()["detail"]
    assert client.get(f"/api/v1/cases/{shared['id']}", headers=theirs).status_code == 200


def test_named_sharing_reaches_only_named_agencies(client: TestClient, world: World) -> None:
    owner, named, bystander = (
        world.agency("o", "RU"),
        world.agency("n", "NL"),
        world.agency("b", "GB"),
    )
    mine = world.headers(world.user(owner, Role.INVESTIGATOR))
    case = _open(client, mine, scope="named", shared_with=[str(named.id)])
    for agency, expected in ((named, 200), (bystander, 404)):
        headers = world.headers(world.user(agency, Role.ANALYST))
        assert client.get(f"/api/v1/cases/{case['id']}", headers=headers).status_code == expected


def test_red_cannot_go_to_all_agencies(client: TestClient, world: World, count_rows: Any) -> None:
    headers = world.headers(world.user(world.agency(), Role.INVESTIGATOR))
    before = count_rows("cases")
    response = client.post("/api/v1/cases", json={**CASE, "marking": "RED"}, headers=headers)
    assert response.status_code == 422
    assert "body.scope" in response.json()["detail"]
    assert count_rows("cases") == before


def test_admin_reads_no_intelligence_and_writes_none(client: TestClient, world: World) -> None:
    agency = world.agency()
    investigator = world.headers(world.user(agency, Role.INVESTIGATOR))
    admin = world.headers(world.user(agency, Role.ADMIN))
    case = _open(client, investigator, scope="owner")
    assert client.get(f"/api/v1/cases/{case['id']}", headers=admin).status_code == 404
    assert client.post("/api/v1/cases", json=CASE, headers=admin).status_code == 403


def test_read_scope_token_cannot_write(client: TestClient, world: World) -> None:
    user = world.user(world.agency(), Role.INVESTIGATOR)
    response = client.post("/api/v1/cases", json=CASE, headers=world.headers(user, ("read",)))
    assert response.status_code == 403
    assert "write" in response.json()["detail"]


def test_report_resubmission_is_idempotent(
    client: TestClient, world: World, count_rows: Any
) -> None:
    headers = world.headers(world.user(world.agency(), Role.ANALYST))
    report = {"title": "Forum scrape", "source": "OSINT", "body": "posts…", "marking": "GREEN"}
    first = client.post("/api/v1/reports", json=report, headers=headers)
    rows = count_rows("reports")
    again = client.post("/api/v1/reports", json=report, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert count_rows("reports") == rows
