"""A token never mints a token with a scope it lacks; a browser session holds read and write."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.access.test_authentication import _csrf, _sign_in
from tests.conftest import World
from wayhome.access.models import Role, User


def test_a_read_token_cannot_mint_a_write_token(
    client: TestClient, world: World, count_rows: Callable[[str], int]
) -> None:
    user = world.user(world.agency(), Role.ANALYST)
    read_only = world.headers(user, ("read",))
    before = count_rows("api_tokens")
    response = client.post(
        "/api/v1/tokens", json={"name": "escalate", "scopes": ["read", "write"]}, headers=read_only
    )
    assert response.status_code == 403, response.text
    assert count_rows("api_tokens") == before


def test_a_write_only_token_cannot_mint_read(
    client: TestClient, world: World, count_rows: Callable[[str], int]
) -> None:
    user = world.user(world.agency(), Role.ANALYST)
    write_only = world.headers(user, ("write",))
    before = count_rows("api_tokens")
    response = client.post(
        "/api/v1/tokens", json={"name": "wider", "scopes": ["read", "write"]}, headers=write_only
    )
    assert response.status_code == 403, response.text
    assert "body.scopes" in response.json()["detail"]
    assert count_rows("api_tokens") == before
    narrower = client.post(
        "/api/v1/tokens", json={"name": "same", "scopes": ["write"]}, headers=write_only
    )
    assert narrower.status_code == 201 and narrower.json()["scopes"] == ["write"]


def test_a_full_token_and_a_browser_session_mint_any_scope(
    client: TestClient, world: World, db: Session
) -> None:
    user: User = world.user(world.agency(), Role.INVESTIGATOR)
    full = client.post(
        "/api/v1/tokens", json={"name": "ci", "scopes": ["read"]}, headers=world.headers(user)
    )
    assert full.status_code == 201 and full.json()["scopes"] == ["read"]
    db.commit()
    assert _sign_in(client, user.username) == 303
    session = client.post(
        "/api/v1/tokens",
        json={"name": "sync", "scopes": ["read", "write"]},
        headers={"X-CSRF-Token": _csrf(client)},
    )
    assert session.status_code == 201, session.text
    assert session.json()["scopes"] == ["read", "write"]
