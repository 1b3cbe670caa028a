"""Account administration under separation of duties: each agency's administrators manage its
accounts, the hub registers agencies and their first administrator, and supervisors start
password resets; every change is audited and told to the agency's supervisors.

The CLI and the demo create accounts through `services.create_user` as the operator or the
system: the server's operator is outside these duties.
"""

from __future__ import annotations

import functools
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from zoneinfo import available_timezones

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from wayhome import clock
from wayhome.access.models import PasswordReset, Role, User
from wayhome.access.passwords import MIN_PASSWORD_LENGTH, hash_password
from wayhome.access.services import (
    actor_of,
    close_all_sessions,
    create_user,
    is_hub_admin,
    require_admin,
    sha256_hex,
)
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.errors import Forbidden, InvalidInput, NotFound
from wayhome.inbox import services as inbox

RESET_PREFIX = "whr_"
RESET_LIFETIME = timedelta(hours=24)
ACCOUNT_NOTICE = "account_change"


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput(
            f"role must be one of {[r.value for r in Role]}", location="role"
        ) from None


def has_active_admin(session: Session, agency: Agency) -> bool:
    """Whether an agency has an active administrator of its own."""
    found = session.scalar(
        select(User.id).where(
            User.agency_id == agency.id, User.role == Role.ADMIN, User.active.is_(True)
        )
    )
    return found is not None


def check_may_create(session: Session, by: User, agency: Agency, role: str) -> None:
    """An administrator creates accounts in his own agency; the hub's administrators also
    create the first administrator of an agency that has none, and nothing else there."""
    require_admin(by)
    if agency.id == by.agency_id:
        return
    if not is_hub_admin(by):
        raise Forbidden(
            "administrators manage their own agency's accounts only", location="agency_id"
        )
    if _role(role) is not Role.ADMIN:
        raise Forbidden(
            "the hub creates only an agency's first administrator; "
            "that administrator creates the agency's other accounts",
            location="role",
        )
    if has_active_admin(session, agency):
        raise Forbidden(
            f"agency {agency.code!r} already has an administrator, who manages its accounts",
            location="agency_id",
        )


def tell_supervisors(
    session: Session, agency_id: uuid.UUID, subject: str, detail: dict[str, Any]
) -> int:
    """Leave a message for each active supervisor of an agency; returns how many."""
    supervisors = session.scalars(
        select(User.id).where(
            User.agency_id == agency_id, User.role == Role.SUPERVISOR, User.active.is_(True)
        )
    ).all()
    for supervisor_id in supervisors:
        inbox.post(session, agency_id, ACCOUNT_NOTICE, subject, detail, user_id=supervisor_id)
    return len(supervisors)


def create_account(
    session: Session,
    by: User,
    agency: Agency,
    username: str,
    display_name: str,
    role: str,
    password: str,
    email: str | None = None,
) -> User:
    """Create an account as an administrator, within his duties; audited and told to the
    agency's supervisors."""
    check_may_create(session, by, agency, role)
    created = create_user(
        session, actor_of(by), agency, username, display_name, role, password, email
    )
    tell_supervisors(
        session,
        agency.id,
        f"New account {created.username} ({created.role.value}), created by {by.username}",
        {
            "change": "created",
            "user_id": str(created.id),
            "username": created.username,
            "role": created.role.value,
            "by": by.username,
        },
    )
    return created


def _own_account(session: Session, by: User, user_id: uuid.UUID) -> User:
    """An account of the caller's agency; 404 when there is none, 403 for another agency's."""
    target = session.get(User, user_id)
    if target is None:
        raise NotFound("no such account", location="user_id")
    if target.agency_id != by.agency_id:
        raise Forbidden(
            "administrators manage their own agency's accounts only", location="user_id"
        )
    return target


def change_account(
    session: Session,
    by: User,
    user_id: uuid.UUID,
    role: str | None = None,
    active: bool | None = None,
) -> User:
    """Change an account's role or enable/disable it (administrators of its agency only, and
    never their own account); audited and told to the agency's supervisors."""
    require_admin(by)
    new_role = _role(role) if role is not None else None
    target = _own_account(session, by, user_id)
    if target.id == by.id:
        raise Forbidden(
            "administrators do not change their own role or state; another administrator does",
            location="user_id",
        )
    changes: dict[str, list[Any]] = {}
    if new_role is not None and new_role is not target.role:
        changes["role"] = [target.role.value, new_role.value]
        target.role = new_role
    if active is not None and active != target.active:
        changes["active"] = [target.active, active]
        target.active = active
    if not changes:
        return target
    session.flush()
    audit.record(
        session,
        actor_of(by),
        "update",
        "user",
        str(target.id),
        {"username": target.username, **changes},
    )
    what = ", ".join(f"{field} {old} → {new}" for field, (old, new) in changes.items())
    tell_supervisors(
        session,
        target.agency_id,
        f"Account {target.username} changed by {by.username}: {what}",
        {
            "change": "updated",
            "user_id": str(target.id),
            "username": target.username,
            "by": by.username,
            **changes,
        },
    )
    return target


# -- the workspace: language and time zone -----------------------------------------------------
# The languages of the interface (web/locale holds a catalogue of each but English, the source).
INTERFACE_LANGUAGES = ("en", "ru", "de", "nl")


@functools.cache
def time_zone_names() -> frozenset[str]:
    """The IANA zone names a user may choose (this system's zoneinfo)."""
    return frozenset(available_timezones())


def set_preferences(session: Session, user: User, locale: str, time_zone: str) -> User:
    """Save the user's own language and time zone (empty: the browser's language, UTC);
    an unknown one is refused, naming the field, and nothing changes."""
    locale, time_zone = locale.strip(), time_zone.strip()
    if locale and locale not in INTERFACE_LANGUAGES:
        raise InvalidInput(
            f"{locale!r} is not one of {', '.join(INTERFACE_LANGUAGES)}", location="locale"
        )
    if time_zone and time_zone not in time_zone_names():
        raise InvalidInput(f"{time_zone!r} is not an IANA time zone", location="time_zone")
    user.locale = locale or None
    user.time_zone = time_zone or None
    session.flush()
    audit.record(
        session,
        actor_of(user),
        "update",
        "user",
        str(user.id),
        {"username": user.username, "locale": user.locale, "time_zone": user.time_zone},
    )
    return user


# -- password resets ---------------------------------------------------------------------------
@dataclass(frozen=True)
class IssuedReset:
    """A password reset just started: `secret` is shown once and only its hash is stored."""

    reset: PasswordReset
    secret: str


def start_password_reset(session: Session, by: User, user_id: uuid.UUID) -> IssuedReset:
    """A supervisor or administrator resets the password of an account of his agency: the old
    password stops working, the account's sessions and tokens end, and a one-time reset token
    lets its holder set a new password; audited and told to the agency's supervisors."""
    if by.role not in (Role.SUPERVISOR, Role.ADMIN):
        raise Forbidden("only supervisors and administrators reset passwords")
    target = session.get(User, user_id)
    if target is None or target.agency_id != by.agency_id:
        raise NotFound("no such account in your agency", location="user_id")
    if target.id == by.id:
        raise Forbidden(
            "you cannot reset your own password; ask another supervisor or administrator",
            location="user_id",
        )
    if by.role is Role.SUPERVISOR and target.role is Role.ADMIN:
        raise Forbidden("supervisors do not reset administrators' passwords", location="user_id")
    now = clock.now()
    # An earlier reset link of the same account stops working: only the newest one counts.
    session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.user_id == target.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > now,
        )
        .values(expires_at=now)
    )
    secret = RESET_PREFIX + secrets.token_urlsafe(32)
    reset = PasswordReset(
        user_id=target.id,
        token_hash=sha256_hex(secret),
        created_by_id=by.id,
        created_at=now,
        expires_at=now + RESET_LIFETIME,
    )
    session.add(reset)
    target.password_hash = hash_password(secrets.token_urlsafe(32))
    sessions, tokens = close_all_sessions(session, target)
    session.flush()
    audit.record(
        session,
        actor_of(by),
        "password_reset",
        "user",
        str(target.id),
        {
            "username": target.username,
            "reset_id": str(reset.id),
            "sessions_closed": sessions,
            "tokens_revoked": tokens,
        },
    )
    tell_supervisors(
        session,
        target.agency_id,
        f"Password of {target.username} reset by {by.username}",
        {
            "change": "password_reset",
            "user_id": str(target.id),
            "username": target.username,
            "by": by.username,
        },
    )
    return IssuedReset(reset, secret)


def pending_reset(session: Session, secret: str) -> PasswordReset:
    """The unused, unexpired reset behind a token; a clear refusal otherwise."""
    reset = session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == sha256_hex(secret))
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= clock.now():
        raise InvalidInput(
            "this reset link is unknown, used or expired; ask your supervisor for a new one",
            location="token",
        )
    if not (reset.user.active and reset.user.agency.active):
        raise InvalidInput("this account is disabled", location="token")
    return reset


def complete_password_reset(session: Session, secret: str, password: str) -> User:
    """Set a new password with a reset token, once; audited."""
    reset = pending_reset(session, secret)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"at least {MIN_PASSWORD_LENGTH} characters", location="password")
    user = reset.user
    user.password_hash = hash_password(password)
    reset.used_at = clock.now()
    close_all_sessions(session, user)
    session.flush()
    audit.record(
        session, actor_of(user), "password_set", "user", str(user.id), {"reset_id": str(reset.id)}
    )
    return user
