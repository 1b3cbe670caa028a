"""Sign-in, sessions, CSRF, throttling, API tokens and the production guard."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy.orm import Session

from tests.conftest import TEST_PASSWORD, World
from wayhome.access.models import Role, User
from wayhome.settings import DEVELOPMENT_SECRET, Environment, Settings


def _login_form(client: TestClient) -> str:
    page = client.get("/login")
    match = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
    assert match
    return match.group(1)


def _sign_in(client: TestClient, username: str, password: str = TEST_PASSWORD) -> int:
    token = _login_form(client)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "login_csrf": token, "next": "/"},
        follow_redirects=False,
    )
    return response.status_code


def _csrf(client: TestClient, path: str = "/cases") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match
    return match.group(1)


@pytest.fixture
def user(world: World) -> User:
    return world.user(world.agency(), Role.INVESTIGATOR)


def test_sign_in_opens_the_dashboard(client: TestClient, user: User, db: Session) -> None:
    db.commit()
    assert _sign_in(client, user.username) == 303
    page = client.get("/")
    assert page.status_code == 200 and "Dashboard" in page.text
    assert user.username in page.text or user.display_name in page.text


def test_wrong_password_is_refused_without_saying_which_part(
    client: TestClient, user: User, db: Session
) -> None:
    db.commit()
    assert _sign_in(client, user.username, "wrong password!") == 401
    assert _sign_in(client, "nobody-at-all", "wrong password!") == 401
    assert client.get("/", follow_redirects=False).status_code == 303


def test_sign_in_without_form_token_is_refused(client: TestClient, user: User, db: Session) -> None:
    db.commit()
    response = client.post(
        "/login",
        data={"username": user.username, "password": TEST_PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_throttling_after_repeated_failures(
    client: TestClient, user: User, db: Session, settings: Settings
) -> None:
    db.commit()
    for _ in range(settings.login_max_failures):
        assert _sign_in(client, user.username, "wrong password!") == 401
    # Now even the right password is refused until the window passes.
    assert _sign_in(client, user.username) == 429


def test_forms_need_the_session_csrf_token(
    client: TestClient, user: User, db: Session, count_rows: object
) -> None:
    db.commit()
    _sign_in(client, user.username)
    form = {
        "title": "Case from the form",
        "kind": "other",
        "priority": "normal",
        "marking": "GREEN",
        "scope": "owner",
    }
    forged = client.post("/cases", data={**form, "csrf_token": "forged"}, follow_redirects=False)
    assert forged.status_code == 403
    good = client.post("/cases", data={**form, "csrf_token": _csrf(client)}, follow_redirects=False)
    assert good.status_code == 303 and good.headers["location"].startswith("/cases/")


def test_cookie_session_on_the_api_needs_csrf_header(
    client: TestClient, user: User, db: Session
) -> None:
    db.commit()
    _sign_in(client, user.username)
    body = {"title": "From the page's script", "kind": "other", "marking": "GREEN"}
    assert client.post("/api/v1/cases", json=body).status_code == 403
    ok = client.post("/api/v1/cases", json=body, headers={"X-CSRF-Token": _csrf(client)})
    assert ok.status_code == 201


def test_tokens_are_shown_once_and_revocable(client: TestClient, world: World, user: User) -> None:
    headers = world.headers(user)
    issued = client.post(
        "/api/v1/tokens", json={"name": "sync", "scopes": ["read"]}, headers=headers
    ).json()
    secret = issued["secret"]
    assert secret.startswith("wh_")
    listed = client.get("/api/v1/tokens", headers=headers).json()
    assert all(t["secret"] is None for t in listed)
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=bearer).json()["username"] == user.username
    assert client.delete(f"/api/v1/tokens/{issued['id']}", headers=headers).status_code == 200
    assert client.get("/api/v1/me", headers=bearer).status_code == 401


def test_unknown_token_scope_names_the_field(client: TestClient, world: World, user: User) -> None:
    response = client.post(
        "/api/v1/tokens", json={"name": "x", "scopes": ["root"]}, headers=world.headers(user)
    )
    assert response.status_code == 422 and "scopes" in response.json()["detail"]


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValidationError, match="WAYHOME_SECRET_KEY"):
        Settings(environment=Environment.PRODUCTION, secret_key=DEVELOPMENT_SECRET)
    strict = Settings(environment=Environment.PRODUCTION, secret_key="k" * 40)
    assert strict.cookie_secure is True
