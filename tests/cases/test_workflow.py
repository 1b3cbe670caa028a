"""The missing-child workflow: intake, urgency, lifecycle with its timeline, tasks, bad input."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.cases.helpers import child_case, open_child, png
from tests.conftest import World
from wayhome import clock, signals
from wayhome.access.models import Role
from wayhome.audit.models import AuditEntry
from wayhome.cases.models import Portrait, Priority
from wayhome.cases.urgency import assess


def _workflow(client: TestClient, headers: dict[str, str], case_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/cases/{case_id}/workflow", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _kinds(client: TestClient, headers: dict[str, str], case_id: str) -> list[str]:
    events = client.get(f"/api/v1/cases/{case_id}/events", headers=headers).json()["items"]
    return [e["kind"] for e in events]


def _status(client: TestClient, headers: dict[str, str], case_id: str, **body: Any) -> Any:
    return client.post(f"/api/v1/cases/{case_id}/status", json=body, headers=headers)


def test_urgency_from_risk_factors(frozen: datetime) -> None:
    young = assess(datetime(2019, 1, 1).date(), True, True, frozen - timedelta(hours=80), frozen)
    assert young.priority is Priority.CRITICAL and young.score == 3 + 4 + 2 + 2
    assert any("abduction" in r for r in young.reasons)
    teen = assess(datetime(2009, 1, 1).date(), False, False, frozen - timedelta(hours=1), frozen)
    assert teen.priority is Priority.LOW and teen.reasons == ["minor aged 17"]


def test_intake_stores_child_and_computes_urgency(
    client: TestClient, world: World, frozen: datetime
) -> None:
    headers = world.headers(world.user(world.agency("ru-mvd", "RU"), Role.INVESTIGATOR))
    case = open_child(client, headers)
    assert case["kind"] == "missing_child" and case["status"] == "reported"
    assert case["priority"] == "critical"  # 9 years old, abduction, online link
    assert case["last_seen_country"] == "RU" and case["suspected_abduction"] is True
    persons = client.get(f"/api/v1/cases/{case['id']}/persons", headers=headers).json()["items"]
    child = persons[0]
    assert child["role"] == "missing_child" and child["date_of_birth"] == "2017-05-02"
    assert [n["script"] for n in child["names"]] == ["Cyrl", "Latn"]
    flow = _workflow(client, headers, case["id"])
    assert flow["urgency"]["priority"] == "critical"
    assert set(flow["allowed"]) == {"active_search", "located", "closed"}


def test_lifecycle_records_every_transition_and_timeline(
    client: TestClient, world: World, frozen: datetime, db: Session
) -> None:
    headers = world.headers(world.user(world.agency(), Role.INVESTIGATOR))
    case_id = open_child(client, headers)["id"]
    for status in ("active_search", "located", "reunited"):
        clock.advance(timedelta(hours=1))
        response = _status(client, headers, case_id, status=status)
        assert response.status_code == 200, response.text
    closed = _status(client, headers, case_id, status="closed", outcome="reunited")
    assert closed.status_code == 200, closed.text
    flow = closed.json()
    assert flow["status"] == "closed" and flow["outcome"] == "reunited"
    steps = [(t["from_status"], t["to_status"]) for t in flow["transitions"]]
    assert steps == [
        ("reported", "active_search"),
        ("active_search", "located"),
        ("located", "reunited"),
        ("reunited", "closed"),
    ]
    assert flow["transitions"][0]["at"].startswith("2026-06-01T13:00")
    assert _kinds(client, headers, case_id) == [
        "reported",
        "active_search",
        "located",
        "reunited",
        "closed",
    ]
    # Located creates the support tasks from the template, once.
    support = [t for t in flow["tasks"] if t["kind"] == "support"]
    assert sorted(t["title"].split()[0] for t in support) == ["Family", "Medical", "Psychological"]
    assert all(t["due_at"] for t in support)
    # Each transition is audited as an update of the case.
    updates = db.scalars(
        select(AuditEntry).where(
            AuditEntry.object_kind == "case",
            AuditEntry.object_id == case_id,
            AuditEntry.action == "update",
        )
    ).all()
    assert [u.detail.get("status") for u in updates if "status" in u.detail] == [
        ["reported", "active_search"],
        ["active_search", "located"],
        ["located", "reunited"],
        ["reunited", "closed"],
    ]


def test_status_changes_emit_case_updated(world: World, db: Session) -> None:
    from wayhome.access import services as access
    from wayhome.access.records import Records
    from wayhome.cases import workflow
    from wayhome.cases.models import CaseStatus
    from wayhome.cases.schemas import MissingChildIn, StatusIn
    from wayhome.settings import Settings

    user = world.user(world.agency(), Role.INVESTIGATOR)
    records = Records(db, access.viewer_of(user))
    case = workflow.open_missing_child(
        records, MissingChildIn.model_validate(child_case()), Settings()
    )
    workflow.change_status(records, case.id, StatusIn(status=CaseStatus.ACTIVE_SEARCH))
    queued = [s for s in signals.pending(db) if s.kind is signals.SignalKind.CASE_UPDATED]
    assert len(queued) == 2
    assert all(
        s.case_id == case.id
        and signals.Subject(signals.SubjectKind.CASE, str(case.id)) in s.subjects
        for s in queued
    )


@pytest.mark.parametrize(
    ("path", "body", "location"),
    [
        ("/api/v1/cases/{id}/status", {"status": "reunited"}, "body.status"),
        ("/api/v1/cases/{id}/status", {"status": "closed"}, "body.outcome"),
        ("/api/v1/cases/{id}/status", {"status": "alert_issued"}, "body.status"),
        ("/api/v1/cases/{id}/status", {"status": "located", "outcome": "other"}, "body.outcome"),
    ],
)
def test_illegal_transitions_name_the_field_and_change_nothing(
    client: TestClient,
    world: World,
    count_rows: Callable[[str], int],
    path: str,
    body: dict[str, Any],
    location: str,
) -> None:
    headers = world.headers(world.user(world.agency(), Role.INVESTIGATOR))
    case_id = open_child(client, headers)["id"]
    before = (count_rows("case_transitions"), count_rows("events"), count_rows("audit_entries"))
    response = client.post(path.format(id=case_id), json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert location in response.json()["detail"]
    after = (count_rows("case_transitions"), count_rows("events"), count_rows("audit_entries"))
    assert after == before
    assert _workflow(client, headers, case_id)["status"] == "reported"


def test_closed_case_cannot_reopen(client: TestClient, world: World) -> None:
    headers = world.headers(world.user(world.agency(), Role.INVESTIGATOR))
    case_id = open_child(client, headers)["id"]
    assert (
        _status(client, headers, case_id, status="closed", outcome="false_report").status_code
        == 200
    )
    again = _status(client, headers, case_id, status="active_search")
    assert again.status_code == 422 and "none (closed)" in again.json()["detail"]


@pytest.mark.parametrize(
    ("over", "location"),
    [
        (
            {"child": {**child_case()["child"], "date_of_birth": "2026-07-01"}},
            "child.date_of_birth",
        ),
        ({"last_seen_at": "2016-01-01T10:00:00Z"}, "body.last_seen_at"),
        ({"last_seen_at": "2026-06-03T10:00:00Z"}, "body.last_seen_at"),
        ({"last_seen_country": "Russia"}, "body.last_seen_country"),
        ({"child": {**child_case()["child"], "languages": ["ru"]}}, "body.child.languages"),
    ],
)
def test_bad_intake_names_the_field_and_stores_nothing(
    client: TestClient,
    world: World,
    frozen: datetime,
    count_rows: Callable[[str], int],
    over: dict[str, Any],
    location: str,
) -> None:
    headers = world.headers(world.user(world.agency(), Role.INVESTIGATOR))
    before = (count_rows("cases"), count_rows("persons"))
    response = client.post("/api/v1/cases/missing-child", json=child_case(**over), headers=headers)
    assert response.status_code == 422, response.text
    assert location in response.json()["detail"]
    assert (count_rows("cases"), count_rows("persons")) == before


def test_portrait_is_reencoded_without_metadata_and_thumbnailed(
    client: TestClient, world: World, db: Session
) -> None:
    headers = world.headers(world.user(world.agency(), Role.INVESTIGATOR))
    case_id = open_child(client, headers)["id"]
    original = png(900, 1200, exif=True)
    assert b"CameraMaker" in original
    response = client.post(
        f"/api/v1/cases/{case_id}/portrait",
        files={"file": ("family.jpg", original, "image/jpeg")},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    stored = db.scalars(select(Portrait).where(Portrait.case_id == uuid.UUID(case_id))).one()
    assert b"CameraMaker" not in stored.image and b"Exif" not in stored.image
    image = Image.open(io.BytesIO(stored.image))
    assert image.format == "JPEG" and not image.getexif()
    assert max(image.size) <= 1600
    thumb = Image.open(io.BytesIO(stored.thumbnail))
    assert thumb.size[0] <= 160 and thumb.size[1] <= 200
    assert _workflow(client, headers, case_id)["portrait"]["picture_id"] == stored.picture_id


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        (b"%PDF-1.7 not an image at all", 422),
        (b"", 422),
        (png()[:60], 422),  # a truncated PNG
    ],
)
def test_portrait_that_is_not_an_image_is_refused(
    client: TestClient,
    world: World,
    count_rows: Callable[[str], int],
    payload: bytes,
    status: int,
) -> None:
    headers = world.headers(world.user(world.agency(), Role.INVESTIGATOR))
    case_id = open_child(client, headers)["id"]
    response = client.post(
        f"/api/v1/cases/{case_id}/portrait",
        files={"file": ("x.png", payload, "image/png")},
        headers=headers,
    )
    assert response.status_code == status, response.text
    assert "body.file" in response.json()["detail"]
    assert count_rows("portraits") == 0


def test_huge_portrait_is_refused(
    client: TestClient, world: World, app: Any, count_rows: Callable[[str], int]
) -> None:
    app.state.settings.portrait_max_pixels = 100 * 100
    headers = world.headers(world.user(world.agency(), Role.INVESTIGATOR))
    case_id = open_child(client, headers)["id"]
    response = client.post(
        f"/api/v1/cases/{case_id}/portrait",
        files={"file": ("big.png", png(200, 200), "image/png")},
        headers=headers,
    )
    assert response.status_code == 413 and "pixels" in response.json()["detail"]
    app.state.settings.portrait_max_bytes = 50
    response = client.post(
        f"/api/v1/cases/{case_id}/portrait",
        files={"file": ("big.png", png(20, 20), "image/png")},
        headers=headers,
    )
    assert response.status_code == 413 and "body.file" in response.json()["detail"]
    assert count_rows("portraits") == 0


def test_tasks_and_operations(client: TestClient, world: World, frozen: datetime) -> None:
    owner = world.agency("owner-ag", "RU")
    helper = world.agency("helper-ag", "DE")
    headers = world.headers(world.user(owner, Role.INVESTIGATOR))
    helper_user = world.user(helper, Role.INVESTIGATOR)
    case_id = open_child(client, headers, scope="all")["id"]
    due = (frozen + timedelta(hours=2)).isoformat()
    response = client.post(
        f"/api/v1/cases/{case_id}/tasks",
        json={
            "title": "Rescue at the dacha",
            "kind": "operation",
            "assignee_agency_id": str(helper.id),
            "assignee_user_id": str(helper_user.id),
            "due_at": due,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    task = response.json()
    wrong_user = client.post(
        f"/api/v1/cases/{case_id}/tasks",
        json={
            "title": "x",
            "assignee_agency_id": str(helper.id),
            "assignee_user_id": str(world.user(owner).id),
        },
        headers=headers,
    )
    assert wrong_user.status_code == 422 and "body.assignee_user_id" in wrong_user.json()["detail"]
    helper_headers = world.headers(helper_user)
    url = f"/api/v1/cases/{case_id}/tasks/{task['id']}"
    no_outcome = client.post(url, json={"state": "done"}, headers=helper_headers)
    assert no_outcome.status_code == 422 and "body.outcome" in no_outcome.json()["detail"]
    clock.advance(timedelta(hours=3))
    flow = _workflow(client, headers, case_id)
    assert flow["tasks"][0]["overdue"] is True
    done = client.post(
        url, json={"state": "done", "outcome": "Child found safe"}, headers=helper_headers
    )
    assert done.status_code == 200, done.text
    assert _kinds(client, headers, case_id) == ["reported", "operation", "operation"]
    stranger = world.headers(world.user(world.agency("x-ag", "GB"), Role.INVESTIGATOR))
    assert client.post(url, json={"state": "open"}, headers=stranger).status_code == 403
