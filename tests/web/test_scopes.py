"""Scopes on every route, generated from the published OpenAPI document: a token with only
the 'read' scope is refused (403) on every operation that is not a GET, whoever holds it and
whatever the route changes, and nothing is written."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import World
from wayhome.access.models import ApiToken, Role
from wayhome.audit.models import AuditEntry
from wayhome.settings import Environment, Settings
from wayhome.web.app import API_PREFIX, create_app

_SPEC = create_app(Settings(environment=Environment.TEST)).openapi()
CHANGING = sorted(
    (method.upper(), path)
    for path, operations in _SPEC["paths"].items()
    if path.startswith(API_PREFIX)
    for method, operation in operations.items()
    if method in {"post", "put", "patch", "delete"}
    and operation.get("x-wayhome-access") != "public"
)


def test_the_document_has_changing_routes_to_check() -> None:
    # A guard for the generated test below: an empty list would check nothing.
    assert len(CHANGING) >= 30
    assert ("POST", f"{API_PREFIX}/tokens") in CHANGING


def _path(template: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda _m: str(uuid.uuid4()), template)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SUPERVISOR, Role.ANALYST])
@pytest.mark.parametrize(("method", "template"), CHANGING)
def test_a_read_token_changes_nothing_on_any_route(
    client: TestClient,
    world: World,
    db: Session,
    method: str,
    template: str,
    role: Role,
) -> None:
    agency = world.agency()
    user = world.user(agency, role)
    headers = world.headers(user, scopes=("read",))
    tokens_before = db.scalar(select(func.count()).select_from(ApiToken))
    audit_before = db.scalar(select(func.count()).select_from(AuditEntry))
    body: dict[str, Any] = {"scopes": ["read", "write"], "name": "escalate"}
    answer = client.request(method, _path(template), headers=headers, json=body)
    assert answer.status_code == 403, answer.text
    assert "'write' scope" in answer.json()["detail"]
    assert db.scalar(select(func.count()).select_from(ApiToken)) == tokens_before
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == audit_before


def test_the_same_routes_take_a_write_token_past_the_scope_check(
    client: TestClient, world: World
) -> None:
    # The refusal above is the scope, not something else: a read+write token is not refused
    # for its scope (here: it mints a token).
    user = world.user(world.agency(), Role.ANALYST)
    answer = client.post(
        f"{API_PREFIX}/tokens",
        headers=world.headers(user),
        json={"name": "second", "scopes": ["read"]},
    )
    assert answer.status_code == 201, answer.text
