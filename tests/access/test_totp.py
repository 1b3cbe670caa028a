"""The TOTP second factor: enrolment on the account page, codes at sign-in, throttling."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.access.test_authentication import _login_form, _sign_in
from tests.conftest import TEST_PASSWORD, World
from wayhome import clock
from wayhome.access import services as access
from wayhome.access import totp
from wayhome.access.models import LoginAttempt, Role, User
from wayhome.audit.models import AuditEntry
from wayhome.settings import Settings

# Five seconds into a 30-second step, so that "the step before" and "the step after" are clear.
NOW = datetime(2026, 12, 1, 10, 0, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock() -> Iterator[None]:
    with clock.frozen(NOW):
        yield


def _code(secret: str, seconds: int = 0) -> str:
    return pyotp.TOTP(secret).at(NOW + timedelta(seconds=seconds))


def _login(client: TestClient, username: str, code: str | None) -> tuple[int, str]:
    data = {"username": username, "password": TEST_PASSWORD, "login_csrf": _login_form(client)}
    if code is not None:
        data["code"] = code
    response = client.post("/login", data=data, follow_redirects=False)
    return response.status_code, response.text


def _page_csrf(client: TestClient, path: str = "/account") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match
    return match.group(1)


@pytest.fixture
def enrolled(world: World, db: Session) -> tuple[User, str]:
    """An investigator with the second factor on (its first code was from the step before)."""
    user = world.user(world.agency(), Role.INVESTIGATOR)
    secret = access.start_totp(db, user).secret
    access.confirm_totp(db, user, _code(secret, -30))
    db.commit()
    return user, secret


def test_enrolment_shows_the_secret_once_and_needs_a_code(
    client: TestClient, world: World, db: Session
) -> None:
    user = world.user(world.agency(), Role.ANALYST)
    db.commit()
    assert _sign_in(client, user.username) == 303
    assert "Off" in client.get("/account").text
    started = client.post("/account/totp", data={"csrf_token": _page_csrf(client)})
    assert started.status_code == 200
    secret_match = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', started.text)
    assert secret_match
    secret = secret_match.group(1)
    assert f"otpauth://totp/Wayhome:{user.username}?secret={secret}" in started.text
    assert secret not in client.get("/account").text  # shown once

    wrong = client.post(
        "/account/totp/confirm",
        data={
            "code": "000000" if _code(secret) != "000000" else "111111",
            "csrf_token": _page_csrf(client),
        },
        follow_redirects=False,
    )
    assert wrong.status_code == 422 and "code" in wrong.text
    db.refresh(user)
    assert not user.totp_enrolled

    confirmed = client.post(
        "/account/totp/confirm",
        data={"code": _code(secret), "csrf_token": _page_csrf(client)},
        follow_redirects=False,
    )
    assert confirmed.status_code == 303
    db.refresh(user)
    assert user.totp_enrolled
    assert (
        db.scalar(
            select(func.count()).where(
                AuditEntry.action == "totp_enrol", AuditEntry.object_id == str(user.id)
            )
        )
        == 1
    )
    assert "On:" in client.get("/account").text
    # While it is on, it cannot be set up again (which would replace the secret).
    again = client.post("/account/totp", data={"csrf_token": _page_csrf(client)})
    assert again.status_code == 409


def test_sign_in_asks_for_the_code_and_refuses_a_wrong_or_reused_one(
    client: TestClient, db: Session, enrolled: tuple[User, str]
) -> None:
    user, secret = enrolled
    status, page = _login(client, user.username, None)
    assert status == 401 and "needs the code" in page
    assert re.search(r'name="code"[^>]* required', page)
    status, page = _login(client, user.username, "12345")  # malformed
    assert status == 401 and "wrong or already used" in page
    wrong = "000000" if _code(secret) != "000000" else "111111"
    assert _login(client, user.username, wrong)[0] == 401
    assert _login(client, user.username, _code(secret, -30))[0] == 401  # used at enrolment
    failures = db.scalar(
        select(func.count()).where(
            LoginAttempt.username == user.username, LoginAttempt.succeeded.is_(False)
        )
    )
    assert failures == 4
    assert client.get("/", follow_redirects=False).status_code == 303  # not signed in

    assert _login(client, user.username, _code(secret))[0] == 303
    assert client.get("/").status_code == 200


def test_a_code_signs_in_once(client: TestClient, db: Session, enrolled: tuple[User, str]) -> None:
    user, secret = enrolled
    assert _login(client, user.username, _code(secret))[0] == 303
    other = TestClient(client.app, base_url="http://testserver")
    assert _login(other, user.username, _code(secret))[0] == 401
    assert _login(other, user.username, _code(secret, 30))[0] == 303


def test_wrong_codes_count_towards_throttling(
    client: TestClient, db: Session, settings: Settings, enrolled: tuple[User, str]
) -> None:
    user, secret = enrolled
    wrong = "000000" if _code(secret) != "000000" else "111111"
    for _ in range(settings.login_max_failures):
        assert _login(client, user.username, wrong)[0] == 401
    assert _login(client, user.username, _code(secret))[0] == 429


def test_accounts_without_the_second_factor_sign_in_with_a_password(
    client: TestClient, world: World, db: Session
) -> None:
    user = world.user(world.agency(), Role.ANALYST)
    db.commit()
    assert _login(client, user.username, "")[0] == 303


def test_turning_the_second_factor_off_needs_a_current_code(
    client: TestClient, db: Session, enrolled: tuple[User, str]
) -> None:
    user, secret = enrolled
    assert _login(client, user.username, _code(secret))[0] == 303
    refused = client.post(
        "/account/totp/off",
        data={"code": _code(secret), "csrf_token": _page_csrf(client)},  # already used
        follow_redirects=False,
    )
    assert refused.status_code == 422
    db.refresh(user)
    assert user.totp_enrolled
    off = client.post(
        "/account/totp/off",
        data={"code": _code(secret, 30), "csrf_token": _page_csrf(client)},
        follow_redirects=False,
    )
    assert off.status_code == 303
    db.refresh(user)
    assert not user.totp_enrolled and user.totp_secret is None


def test_code_step_accepts_one_step_of_drift_only() -> None:
    secret = totp.new_secret()
    step = pyotp.TOTP(secret).timecode(NOW)
    for offset in (-1, 0, 1):
        code = pyotp.TOTP(secret).at(NOW + timedelta(seconds=30 * offset))
        assert totp.code_step(secret, code, NOW) == step + offset
        assert totp.code_step(secret, f"{code[:3]} {code[3:]}", NOW) == step + offset
    for offset in (-2, 2):
        code = pyotp.TOTP(secret).at(NOW + timedelta(seconds=30 * offset))
        near = {pyotp.TOTP(secret).at(NOW + timedelta(seconds=30 * o)) for o in (-1, 0, 1)}
        if code not in near:  # a one-in-a-million coincidence of six digits
            assert totp.code_step(secret, code, NOW) is None
    for malformed in ("", "12345", "1234567", "abcdef"):
        assert totp.code_step(secret, malformed, NOW) is None
