"""Supervisor-initiated password resets: a one-time, expiring link, hashed at rest; the
account's sessions and tokens end; audited and told to the agency's supervisors."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.access.test_authentication import _sign_in
from tests.conftest import TEST_PASSWORD, World
from wayhome import clock
from wayhome.access import accounts
from wayhome.access.models import PasswordReset, Role
from wayhome.access.services import sha256_hex
from wayhome.audit.models import AuditEntry
from wayhome.errors import InvalidInput
from wayhome.inbox.models import Notification

NEW_PASSWORD = "a brand new passphrase"


def _set_password(client: TestClient, path: str, password: str, again: str | None = None) -> int:
    form = client.get(path)
    assert form.status_code == 200, form.text
    login_csrf = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    token = re.search(r'name="token" value="([^"]+)"', form.text)
    assert login_csrf and token
    response = client.post(
        "/password-reset",
        data={
            "token": token.group(1),
            "password": password,
            "password_again": password if again is None else again,
            "login_csrf": login_csrf.group(1),
        },
        follow_redirects=False,
    )
    return response.status_code


def test_a_supervisor_resets_a_password_end_to_end(
    client: TestClient, world: World, db: Session
) -> None:
    agency = world.agency()
    supervisor = world.user(agency, Role.SUPERVISOR)
    colleague = world.user(agency, Role.SUPERVISOR)
    user = world.user(agency, Role.INVESTIGATOR)
    bearer = world.headers(user)
    db.commit()
    browser = TestClient(client.app, base_url="http://testserver")
    assert _sign_in(browser, user.username) == 303

    started = client.post(
        f"/api/v1/users/{user.id}/password-reset", headers=world.headers(supervisor)
    )
    assert started.status_code == 201, started.text
    body = started.json()
    secret = body["token"]
    assert secret.startswith("whr_") and body["path"] == f"/password-reset?token={secret}"
    # Hashed at rest: the token itself is stored nowhere.
    stored = db.scalar(select(PasswordReset).where(PasswordReset.user_id == user.id))
    assert stored is not None and stored.token_hash == sha256_hex(secret)
    assert stored.expires_at - stored.created_at == accounts.RESET_LIFETIME

    # The old password, the API token and the browser session stop working at once.
    assert client.get("/api/v1/me", headers=bearer).status_code == 401
    assert browser.get("/", follow_redirects=False).status_code == 303
    assert _sign_in(TestClient(client.app), user.username, TEST_PASSWORD) == 401
    [entry] = db.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "password_reset", AuditEntry.object_id == str(user.id)
        )
    )
    assert entry.username == supervisor.username
    assert entry.detail["tokens_revoked"] == 1 and entry.detail["sessions_closed"] == 1
    told = db.scalars(
        select(Notification.user_id).where(
            Notification.agency_id == agency.id, Notification.kind == "account_change"
        )
    ).all()
    assert set(told) == {supervisor.id, colleague.id}

    owner = TestClient(client.app, base_url="http://testserver")
    assert _set_password(owner, body["path"], NEW_PASSWORD, "something else entirely") == 422
    assert _set_password(owner, body["path"], "short") == 422
    assert _set_password(owner, body["path"], NEW_PASSWORD) == 303
    assert _sign_in(owner, user.username, NEW_PASSWORD) == 303
    assert owner.get("/").status_code == 200
    # Once only.
    assert owner.get(body["path"]).status_code == 422
    assert (
        db.scalar(
            select(func.count()).where(
                AuditEntry.action == "password_set", AuditEntry.object_id == str(user.id)
            )
        )
        == 1
    )


def test_a_reset_link_expires_and_a_newer_one_replaces_it(world: World, db: Session) -> None:
    agency = world.agency()
    admin = world.user(agency, Role.ADMIN)
    user = world.user(agency, Role.ANALYST)
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with clock.frozen(start):
        older = accounts.start_password_reset(db, admin, user.id)
        newer = accounts.start_password_reset(db, admin, user.id)
        with pytest.raises(InvalidInput, match="expired") as replaced:
            accounts.complete_password_reset(db, older.secret, NEW_PASSWORD)
        assert replaced.value.location == "token"
    with clock.frozen(start + accounts.RESET_LIFETIME + timedelta(seconds=1)):
        with pytest.raises(InvalidInput, match="expired") as expired:
            accounts.complete_password_reset(db, newer.secret, NEW_PASSWORD)
        assert expired.value.location == "token"
    with clock.frozen(start + accounts.RESET_LIFETIME - timedelta(seconds=1)):
        assert accounts.complete_password_reset(db, newer.secret, NEW_PASSWORD) is user


def test_who_may_reset_whose_password(
    client: TestClient, world: World, db: Session, count_rows: Callable[[str], int]
) -> None:
    agency = world.agency()
    admin = world.user(agency, Role.ADMIN)
    supervisor = world.user(agency, Role.SUPERVISOR)
    analyst = world.user(agency, Role.ANALYST)
    stranger = world.user(world.agency(), Role.SUPERVISOR)
    before = count_rows("password_resets"), count_rows("notifications")
    refusals = [
        (analyst, supervisor, 403),  # not a supervisor or administrator
        (stranger, analyst, 404),  # another agency's account is not his to see
        (supervisor, admin, 403),  # a supervisor does not take over the administrator
        (supervisor, supervisor, 403),  # nor resets himself
    ]
    for by, target, status in refusals:
        response = client.post(
            f"/api/v1/users/{target.id}/password-reset", headers=world.headers(by)
        )
        assert response.status_code == status, (by.role, target.role, response.text)
    assert (count_rows("password_resets"), count_rows("notifications")) == before
    db.commit()
    assert _sign_in(TestClient(client.app), analyst.username) == 303  # password unchanged
    allowed = client.post(
        f"/api/v1/users/{supervisor.id}/password-reset", headers=world.headers(admin)
    )
    assert allowed.status_code == 201


def test_the_users_page_shows_the_link_once(client: TestClient, world: World, db: Session) -> None:
    agency = world.agency()
    supervisor = world.user(agency, Role.SUPERVISOR)
    user = world.user(agency, Role.INVESTIGATOR)
    db.commit()
    assert _sign_in(client, supervisor.username) == 303
    page = client.get("/admin/users")
    assert page.status_code == 200 and user.username in page.text
    assert "Add a user" not in page.text  # supervisors reset passwords, they add no accounts
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    shown = client.post(
        f"/admin/users/{user.id}/password-reset", data={"csrf_token": csrf.group(1)}
    )
    assert shown.status_code == 200
    link = re.search(
        r'data-testid="reset-link">http://testserver(/password-reset\?token=[^<]+)<', shown.text
    )
    assert link
    assert _set_password(TestClient(client.app), link.group(1), NEW_PASSWORD) == 303
