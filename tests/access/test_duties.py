"""Separation of duties: each agency administers its own accounts, the hub registers agencies
and their first administrator, and every new account or change is audited and told to the
agency's supervisors."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD, CliDatabase, World
from wayhome.access.models import Role, User
from wayhome.agencies.models import Agency
from wayhome.audit.models import AuditEntry
from wayhome.inbox.models import Notification

NEW_PASSWORD = "a long new password"


def _new_user(agency: Agency, role: str, username: str | None = None) -> dict[str, Any]:
    return {
        "username": username or f"n{uuid.uuid4().hex[:8]}",
        "role": role,
        "password": NEW_PASSWORD,
        "agency_id": str(agency.id),
    }


def _audit(db: Session, action: str, object_id: uuid.UUID) -> list[AuditEntry]:
    return list(
        db.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == action, AuditEntry.object_id == str(object_id))
            .order_by(AuditEntry.seq)
        )
    )


def _inbox(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = client.get("/api/v1/inbox", headers=headers)
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return [n for n in body if n["kind"] == "account_change"]


def test_an_administrator_cannot_create_or_change_accounts_of_another_agency(
    client: TestClient, world: World, db: Session, count_rows: Callable[[str], int]
) -> None:
    home, other = world.agency(), world.agency()
    admin = world.headers(world.user(home, Role.ADMIN))
    victim = world.user(other, Role.ANALYST)
    world.user(other, Role.SUPERVISOR)
    before = {table: count_rows(table) for table in ("users", "notifications", "audit_entries")}

    created = client.post("/api/v1/users", json=_new_user(other, "investigator"), headers=admin)
    assert created.status_code == 403, created.text
    assert "agency_id" in created.json()["detail"]
    changed = client.patch(
        f"/api/v1/users/{victim.id}", json={"role": "investigator"}, headers=admin
    )
    assert changed.status_code == 403, changed.text
    assert "own agency" in changed.json()["detail"]

    db.refresh(victim)
    assert victim.role is Role.ANALYST
    assert {table: count_rows(table) for table in before} == before


def test_the_hub_creates_an_agency_and_its_first_administrator_only(
    client: TestClient, world: World, db: Session
) -> None:
    hub = world.agency("hub-t", "FR", kind="hub")
    hub_admin = world.headers(world.user(hub, Role.ADMIN))
    staffed = world.agency()
    world.user(staffed, Role.ADMIN)

    made = client.post(
        "/api/v1/agencies",
        json={"code": "ee-ncb", "name": "NCB Tallinn", "country": "EE", "kind": "police_unit"},
        headers=hub_admin,
    )
    assert made.status_code == 201, made.text
    agency = db.get(Agency, uuid.UUID(made.json()["id"]))
    assert agency is not None

    # Not an investigator (a proxy that would read the agency's records), not an analyst.
    for role in ("investigator", "analyst", "supervisor"):
        refused = client.post("/api/v1/users", json=_new_user(agency, role), headers=hub_admin)
        assert refused.status_code == 403, (role, refused.text)
        assert "role" in refused.json()["detail"]
    first = client.post(
        "/api/v1/users", json=_new_user(agency, "admin", "ee.admin"), headers=hub_admin
    )
    assert first.status_code == 201, first.text
    second = client.post("/api/v1/users", json=_new_user(agency, "admin"), headers=hub_admin)
    assert second.status_code == 403 and "already has an administrator" in second.text
    # Nor anything in an agency that has its administrator already (the ru.shadow case).
    shadow = client.post(
        "/api/v1/users", json=_new_user(staffed, "investigator", "ru.shadow"), headers=hub_admin
    )
    assert shadow.status_code == 403
    assert db.scalar(select(User).where(User.username == "ru.shadow")) is None
    assert db.scalar(select(func.count()).where(User.agency_id == agency.id)) == 1

    # The first administrator now runs the new agency: he adds its investigator.
    ee_admin = db.scalar(select(User).where(User.username == "ee.admin"))
    assert ee_admin is not None and ee_admin.role is Role.ADMIN
    own = client.post(
        "/api/v1/users",
        json=_new_user(agency, "investigator"),
        headers=world.headers(ee_admin),
    )
    assert own.status_code == 201, own.text
    # The hub's administrators list their own agency's accounts only.
    listed = client.get("/api/v1/users", headers=hub_admin).json()
    assert {u["agency_id"] for u in listed} == {str(hub.id)}


def test_new_accounts_and_changes_are_audited_and_told_to_supervisors(
    client: TestClient, world: World, db: Session
) -> None:
    agency = world.agency()
    admin_user = world.user(agency, Role.ADMIN)
    admin = world.headers(admin_user)
    supervisors = [world.headers(world.user(agency, Role.SUPERVISOR)) for _ in range(2)]
    analyst = world.headers(world.user(agency, Role.ANALYST))
    elsewhere = world.headers(world.user(world.agency(), Role.SUPERVISOR))

    made = client.post("/api/v1/users", json=_new_user(agency, "analyst", "nl.new"), headers=admin)
    assert made.status_code == 201, made.text
    new_id = uuid.UUID(made.json()["id"])
    [created] = _audit(db, "create", new_id)
    assert created.username == admin_user.username and created.detail["role"] == "analyst"
    for headers in supervisors:
        [note] = _inbox(client, headers)
        assert "nl.new" in note["subject"] and note["detail"]["change"] == "created"
        assert note["detail"]["by"] == admin_user.username
    assert _inbox(client, analyst) == []
    assert _inbox(client, elsewhere) == []

    promoted = client.patch(f"/api/v1/users/{new_id}", json={"role": "investigator"}, headers=admin)
    assert promoted.status_code == 200 and promoted.json()["role"] == "investigator"
    disabled = client.patch(f"/api/v1/users/{new_id}", json={"active": False}, headers=admin)
    assert disabled.status_code == 200 and disabled.json()["active"] is False
    updates = _audit(db, "update", new_id)
    assert [e.detail.get("role") or e.detail.get("active") for e in updates] == [
        ["analyst", "investigator"],
        [True, False],
    ]
    for headers in supervisors:
        changes = [n["detail"]["change"] for n in _inbox(client, headers)]
        assert sorted(changes) == ["created", "updated", "updated"]
    # Nothing to change: nothing audited, nobody told.
    same = client.patch(f"/api/v1/users/{new_id}", json={"active": False}, headers=admin)
    assert same.status_code == 200
    assert len(_audit(db, "update", new_id)) == 2


def test_an_administrator_does_not_change_his_own_account(
    client: TestClient, world: World, db: Session
) -> None:
    admin = world.user(world.agency(), Role.ADMIN)
    response = client.patch(
        f"/api/v1/users/{admin.id}", json={"role": "investigator"}, headers=world.headers(admin)
    )
    assert response.status_code == 403
    db.refresh(admin)
    assert admin.role is Role.ADMIN


def test_a_bad_role_names_the_field_and_changes_nothing(
    client: TestClient, world: World, db: Session
) -> None:
    agency = world.agency()
    admin = world.headers(world.user(agency, Role.ADMIN))
    target = world.user(agency, Role.ANALYST)
    response = client.patch(f"/api/v1/users/{target.id}", json={"role": "root"}, headers=admin)
    assert response.status_code == 422 and "body.role" in response.json()["detail"]
    db.refresh(target)
    assert target.role is Role.ANALYST


def test_only_administrators_change_accounts(client: TestClient, world: World, db: Session) -> None:
    agency = world.agency()
    supervisor = world.headers(world.user(agency, Role.SUPERVISOR))
    target = world.user(agency, Role.ANALYST)
    response = client.patch(
        f"/api/v1/users/{target.id}", json={"role": "supervisor"}, headers=supervisor
    )
    assert response.status_code == 403
    db.refresh(target)
    assert target.role is Role.ANALYST


def test_the_hub_page_offers_only_agencies_without_an_administrator(
    client: TestClient, world: World, db: Session
) -> None:
    from tests.access.test_admin_pages import _csrf
    from tests.access.test_authentication import _sign_in

    hub = world.agency("hub-p", "FR", kind="hub")
    admin = world.user(hub, Role.ADMIN)
    staffed, empty = world.agency("staffed-p"), world.agency("empty-p")
    world.user(staffed, Role.ADMIN)
    db.commit()
    assert _sign_in(client, admin.username) == 303
    page = client.get("/admin/users").text
    assert str(empty.id) in page and str(staffed.id) not in page
    refused = client.post(
        "/admin/users",
        data={
            "username": "p.investigator",
            "display_name": "Proxy",
            "role": "investigator",
            "password": TEST_PASSWORD,
            "agency_id": str(empty.id),
            "csrf_token": _csrf(client, "/admin/users"),
        },
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert db.scalar(select(User).where(User.username == "p.investigator")) is None
    notes = db.scalar(select(func.count()).where(Notification.agency_id == empty.id))
    assert notes == 0


def test_the_operators_cli_still_adds_any_account(cli_database: CliDatabase) -> None:
    """The CLI is the server operator's own tool, outside the administrators' duties."""
    added = cli_database.invoke(["agencies", "add", "pl-kgp", "KGP", "PL"])
    assert added.exit_code == 0, added.output
    for username, role in (("pl.admin", "admin"), ("pl.investigator", "investigator")):
        result = cli_database.invoke(
            ["users", "add", username, "--agency", "pl-kgp", "--role", role,
             "--password", TEST_PASSWORD],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    with cli_database.session() as session:
        roles = {u.username: u.role for u in session.scalars(select(User))}
    assert roles == {"pl.admin": Role.ADMIN, "pl.investigator": Role.INVESTIGATOR}
