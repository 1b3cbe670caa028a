"""Agency and user administration through the pages, with CSRF and role checks."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.access.test_authentication import _sign_in
from tests.conftest import World
from wayhome.access.models import Role, User


def _csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match, path
    return match.group(1)


def test_hub_admin_adds_an_agency_and_its_first_administrator(
    client: TestClient, world: World, db: Session
) -> None:
    hub = world.agency("hub-x", "FR", kind="hub")
    admin = world.user(hub, Role.ADMIN)
    db.commit()
    assert _sign_in(client, admin.username) == 303
    token = _csrf(client, "/admin/agencies")
    response = client.post(
        "/admin/agencies",
        data={
            "code": "be-fcp",
            "name": "Federal Child Police (demo)",
            "country": "be",
            "kind": "police_unit",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "Federal Child Police" in client.get("/admin/agencies").text
    page = client.get("/admin/users").text
    agency_id = re.search(r'<option value="([0-9a-f-]{36})">Federal Child Police', page)
    assert agency_id
    response = client.post(
        "/admin/users",
        data={
            "username": "be.admin",
            "display_name": "BE administrator",
            "role": "admin",
            "password": "a long password",
            "agency_id": agency_id.group(1),
            "csrf_token": _csrf(client, "/admin/users"),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    created = db.scalar(select(User).where(User.username == "be.admin"))
    assert created is not None and created.agency.country == "BE"
    assert created.role is Role.ADMIN


def test_analyst_cannot_open_user_administration(
    client: TestClient, world: World, db: Session
) -> None:
    analyst = world.user(world.agency(), Role.ANALYST)
    db.commit()
    _sign_in(client, analyst.username)
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "administrators" in response.text
