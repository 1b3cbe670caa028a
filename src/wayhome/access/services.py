"""Sign-in with throttling, browser sessions, API tokens, and account administration."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wayhome.access import passwords
from wayhome.access.models import ApiToken, LoginAttempt, Role, User, WebSession
from wayhome.access.passwords import (
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from wayhome.access.visibility import Viewer
from wayhome.agencies.models import Agency, AgencyKind
from wayhome.audit import services as audit
from wayhome.db.base import utcnow
from wayhome.errors import Conflict, Forbidden, InvalidInput, TooManyRequests, Unauthenticated
from wayhome.settings import Settings

TOKEN_PREFIX = "wh_"  # noqa: S105 - a prefix, not a secret
TOKEN_SCOPES = frozenset({"read", "write"})


def sha256_hex(value: str) -> str:
    """Hex SHA-256 of a string; how tokens and session keys are stored."""
    return hashlib.sha256(value.encode()).hexdigest()


def viewer_of(user: User) -> Viewer:
    """The visibility facts of a user."""
    return Viewer(user.id, user.username, user.agency_id, user.role)


def actor_of(user: User, purpose: str | None = None) -> audit.Actor:
    """The audit identity of a user."""
    return audit.Actor(user.id, user.username, user.agency_id, purpose)


# -- sign-in ---------------------------------------------------------------------------------
def _recent_failures(session: Session, settings: Settings, username: str, address: str) -> int:
    since = utcnow() - timedelta(seconds=settings.login_window_seconds)
    by_user = session.scalar(
        select(func.count()).where(
            LoginAttempt.username == username,
            LoginAttempt.at >= since,
            LoginAttempt.succeeded.is_(False),
        )
    )
    by_address = session.scalar(
        select(func.count()).where(
            LoginAttempt.address == address,
            LoginAttempt.at >= since,
            LoginAttempt.succeeded.is_(False),
        )
    )
    # An address is allowed more failures than one account: many users share a NAT.
    return max(int(by_user or 0), int(by_address or 0) // 4)


def authenticate(
    session: Session, settings: Settings, username: str, password: str, address: str
) -> User:
    """Check a username and password, throttling guessing; the attempt is recorded either way."""
    username = username.strip().lower()
    if _recent_failures(session, settings, username, address) >= settings.login_max_failures:
        raise TooManyRequests(
            "too many failed sign-ins; wait a few minutes and try again", location="username"
        )
    user = session.scalar(select(User).where(User.username == username))
    ok = verify_password(user.password_hash if user else passwords.DUMMY_HASH, password)
    ok = ok and user is not None and user.active and user.agency.active
    session.add(LoginAttempt(username=username, address=address, succeeded=ok))
    if not ok or user is None:
        session.flush()
        raise Unauthenticated("unknown username or wrong password", location="password")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(session, actor_of(user), "sign_in", "user", str(user.id), {"address": address})
    return user


def open_session(session: Session, settings: Settings, user: User) -> str:
    """Start a browser session; returns the cookie value (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=sha256_hex(token),
            user_id=user.id,
            expires_at=utcnow() + timedelta(hours=settings.session_hours),
        )
    )
    session.flush()
    return token


def user_for_session(session: Session, token: str) -> User | None:
    """The active user behind a session cookie, or None when it is unknown or expired."""
    found = session.get(WebSession, sha256_hex(token))
    if found is None or found.expires_at <= utcnow():
        return None
    user = found.user
    return user if user.active and user.agency.active else None


def close_session(session: Session, token: str) -> None:
    """End a browser session."""
    found = session.get(WebSession, sha256_hex(token))
    if found is not None:
        audit.record(session, actor_of(found.user), "sign_out", "user", str(found.user_id))
        session.delete(found)
        session.flush()


def csrf_token(settings: Settings, session_token: str) -> str:
    """The CSRF token bound to one browser session (HMAC of the session key)."""
    key = settings.secret_key.encode()
    return hmac.new(key, b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()


def csrf_matches(settings: Settings, session_token: str, presented: str | None) -> bool:
    """Constant-time check of a presented CSRF token."""
    return presented is not None and hmac.compare_digest(
        csrf_token(settings, session_token), presented
    )


# -- API tokens ------------------------------------------------------------------------------
@dataclass(frozen=True)
class IssuedToken:
    """A newly issued token: `secret` is shown once and never stored."""

    token: ApiToken
    secret: str


def issue_token(
    session: Session, actor: audit.Actor, user: User, name: str, scopes: list[str]
) -> IssuedToken:
    """Create an API token for a user with the given scopes."""
    unknown = sorted(set(scopes) - TOKEN_SCOPES)
    if unknown or not scopes:
        raise InvalidInput(
            f"scopes must be a non-empty subset of {sorted(TOKEN_SCOPES)}; got {unknown or scopes}",
            location="scopes",
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=secret[:10],
        token_hash=sha256_hex(secret),
        scopes=sorted(set(scopes)),
    )
    session.add(token)
    session.flush()
    audit.record(session, actor, "token_issue", "api_token", str(token.id), {"user": user.username})
    return IssuedToken(token, secret)


def user_for_token(session: Session, secret: str) -> tuple[User, ApiToken] | None:
    """The user and token behind a bearer secret, or None when unknown or revoked."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == sha256_hex(secret)))
    if token is None or token.revoked_at is not None:
        return None
    user = token.user
    if not (user.active and user.agency.active):
        return None
    token.last_used_at = utcnow()
    return user, token


def revoke_token(session: Session, actor: audit.Actor, token_id: uuid.UUID) -> ApiToken:
    """Revoke a token; it stops working at once."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise InvalidInput("no such token", location="token_id")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(session, actor, "token_revoke", "api_token", str(token.id))
    return token


# -- accounts ----------------------------------------------------------------------------------
def create_agency(
    session: Session, actor: audit.Actor, code: str, name: str, country: str, kind: str
) -> Agency:
    """Register a member agency."""
    country = country.strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise InvalidInput("country must be an ISO 3166-1 alpha-2 code", location="country")
    try:
        agency_kind = AgencyKind(kind)
    except ValueError:
        raise InvalidInput(
            f"kind must be one of {[k.value for k in AgencyKind]}", location="kind"
        ) from None
    code = code.strip().lower()
    if not code or session.scalar(select(Agency).where(Agency.code == code)):
        raise Conflict(f"agency code {code!r} is empty or taken", location="code")
    agency = Agency(code=code, name=name.strip(), country=country, kind=agency_kind)
    session.add(agency)
    session.flush()
    audit.record(session, actor, "create", "agency", str(agency.id), {"code": code})
    return agency


def create_user(
    session: Session,
    actor: audit.Actor,
    agency: Agency,
    username: str,
    display_name: str,
    role: str,
    password: str,
    email: str | None = None,
) -> User:
    """Create an account in an agency."""
    username = username.strip().lower()
    if not username or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise InvalidInput("letters, digits, '.', '_' and '-' only", location="username")
    try:
        user_role = Role(role)
    except ValueError:
        raise InvalidInput(
            f"role must be one of {[r.value for r in Role]}", location="role"
        ) from None
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"at least {MIN_PASSWORD_LENGTH} characters", location="password")
    if session.scalar(select(User).where(User.username == username)):
        raise Conflict(f"username {username!r} is taken", location="username")
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        email=email,
        agency_id=agency.id,
        role=user_role,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    audit.record(
        session, actor, "create", "user", str(user.id), {"username": username, "role": role}
    )
    return user


def is_hub_admin(user: User) -> bool:
    """Administrators of the hub agency manage every agency."""
    return user.role is Role.ADMIN and user.agency.kind is AgencyKind.HUB


def require_admin(user: User, agency: Agency | None = None) -> None:
    """Admins manage their own agency; admins of the hub manage every agency."""
    if user.role is not Role.ADMIN:
        raise Forbidden("only administrators manage accounts")
    if agency is not None and agency.id != user.agency_id and not is_hub_admin(user):
        raise Forbidden("administrators manage their own agency only")


def require_hub_admin(user: User) -> None:
    """Only the hub's administrators register agencies."""
    if not is_hub_admin(user):
        raise Forbidden("only the hub's administrators register agencies")
