"""Sign-in with throttling and a second factor, browser sessions, API tokens, and accounts."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from wayhome import clock
from wayhome.access import passwords, totp
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
    session: Session,
    settings: Settings,
    username: str,
    password: str,
    address: str,
    code: str | None = None,
) -> User:
    """Check a username, password and (when enrolled) TOTP code, throttling guessing; the
    attempt is recorded either way, and a missing or wrong code counts as a failure."""
    username = username.strip().lower()
    if _recent_failures(session, settings, username, address) >= settings.login_max_failures:
        raise TooManyRequests(
            "too many failed sign-ins; wait a few minutes and try again", location="username"
        )
    user = session.scalar(select(User).where(User.username == username))
    ok = verify_password(user.password_hash if user else passwords.dummy_hash(), password)
    ok = ok and user is not None and user.active and user.agency.active
    refusal = Unauthenticated("unknown username or wrong password", location="password")
    if ok and user is not None and user.totp_enrolled:
        if not code or not code.strip():
            ok = False
            refusal = Unauthenticated(
                "this account needs the code from its authenticator app", location="code"
            )
        elif not accept_totp_code(session, user, code):
            ok = False
            refusal = Unauthenticated("wrong or already used authenticator code", location="code")
    session.add(LoginAttempt(username=username, address=address, succeeded=ok))
    if not ok or user is None:
        session.flush()
        raise refusal
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


def close_all_sessions(session: Session, user: User) -> tuple[int, int]:
    """End every browser session of a user and revoke his API tokens; returns both counts."""
    closed = session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    revoked = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(closed.rowcount or 0), int(revoked.rowcount or 0)  # type: ignore[attr-defined]


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


# -- the TOTP second factor ------------------------------------------------------------------
@dataclass(frozen=True)
class TotpEnrolment:
    """A pending second factor: the secret and its otpauth URI are shown once."""

    secret: str
    uri: str


def accept_totp_code(session: Session, user: User, code: str) -> bool:
    """True when the code is right for the user's secret now and was not used before (one
    code signs in once); remembers its time step."""
    if user.totp_secret is None:
        return False
    step = totp.code_step(user.totp_secret, code, clock.now())
    if step is None:
        return False
    # A conditional update, so that of two sign-ins racing with one code only one wins (on
    # PostgreSQL the second waits for the first's row lock, then matches no row).
    claimed = session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def start_totp(session: Session, user: User) -> TotpEnrolment:
    """Give the user a new, unconfirmed TOTP secret; sign-in asks for codes once confirmed."""
    if user.totp_enrolled:
        raise Conflict("the second factor is already on; turn it off first", location="totp")
    secret = totp.new_secret()
    user.totp_secret = secret
    user.totp_confirmed_at = None
    user.totp_last_step = None
    session.flush()
    return TotpEnrolment(secret, totp.provisioning_uri(secret, user.username))


def confirm_totp(session: Session, user: User, code: str) -> None:
    """Turn the second factor on once the user shows a code from his authenticator."""
    if user.totp_secret is None or user.totp_enrolled:
        raise Conflict("start setting up the second factor first", location="code")
    if not accept_totp_code(session, user, code):
        raise InvalidInput(
            "the code does not match; check the phone's clock and type the current code",
            location="code",
        )
    user.totp_confirmed_at = utcnow()
    audit.record(session, actor_of(user), "totp_enrol", "user", str(user.id))


def remove_totp(session: Session, user: User, code: str) -> None:
    """Turn the second factor off; it takes a current code, so a stolen session cannot."""
    if not user.totp_enrolled:
        raise Conflict("the second factor is not on", location="code")
    if not accept_totp_code(session, user, code):
        raise InvalidInput("wrong or already used authenticator code", location="code")
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    audit.record(session, actor_of(user), "totp_remove", "user", str(user.id))


# -- API tokens ------------------------------------------------------------------------------
@dataclass(frozen=True)
class IssuedToken:
    """A newly issued token: `secret` is shown once and never stored."""

    token: ApiToken
    secret: str


def issue_token(
    session: Session,
    actor: audit.Actor,
    user: User,
    name: str,
    scopes: list[str],
    held: frozenset[str] = TOKEN_SCOPES,
) -> IssuedToken:
    """Create an API token for a user with the given scopes, which must be among the `held`
    scopes of the credential asking (a token never mints more than it has)."""
    unknown = sorted(set(scopes) - TOKEN_SCOPES)
    if unknown or not scopes:
        raise InvalidInput(
            f"scopes must be a non-empty subset of {sorted(TOKEN_SCOPES)}; got {unknown or scopes}",
            location="scopes",
        )
    beyond = sorted(set(scopes) - held)
    if beyond:
        raise Forbidden(
            f"a token may only issue scopes it holds ({sorted(held)}); not {beyond}",
            location="body.scopes",
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
    """Administrators of the hub agency register agencies and their first administrators."""
    return user.role is Role.ADMIN and user.agency.kind is AgencyKind.HUB


def require_admin(user: User) -> None:
    """Only administrators manage accounts (which ones: `access/accounts.py`)."""
    if user.role is not Role.ADMIN:
        raise Forbidden("only administrators manage accounts")


def require_hub_admin(user: User) -> None:
    """Only the hub's administrators register agencies."""
    if not is_hub_admin(user):
        raise Forbidden("only the hub's administrators register agencies")
