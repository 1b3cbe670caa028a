"""Dependencies declared once and shared by every router (`SessionDep`, `CurrentUser`, ...)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

import anyio
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from wayhome.access import services as access_services
from wayhome.access.models import Role, User
from wayhome.access.records import Records
from wayhome.errors import Forbidden, Unauthenticated
from wayhome.settings import Settings

SESSION_COOKIE = "wayhome_session"
PURPOSE_HEADER = "X-Wayhome-Purpose"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Every API route states what it returns under this OpenAPI extension key:
# an intelligence record kind ("case", "report", ...) or one of ACCESS_CLASSES.
ACCESS_KEY = "x-wayhome-access"
ACCESS_CLASSES = frozenset({"public", "self", "member", "admin", "supervisor"})


def access(kind: str) -> dict[str, str]:
    """The `openapi_extra` declaring a route's access class, read by the authorization test."""
    return {ACCESS_KEY: kind}


async def get_settings_dep(request: Request) -> Settings:
    """The application's settings."""
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A database session for one request, committed when the route returns normally (before
    the response is sent: see `SessionDep`).

    Made on the event loop (a session touches the database only at its first statement);
    commit, rollback and close run on a worker thread, shielded from cancellation so that a
    client who hangs up never leaves a transaction (and SQLite's write slot) behind.
    """
    factory = request.app.state.session_factory
    session: Session = factory()
    try:
        yield session
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(session.commit)
    except BaseException:
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(session.rollback)
        raise
    finally:
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(session.close)


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
# Function scope: the session commits when the route returns, before the answer is sent. The
# default ("request") ends the dependency after the response: a client could hold a 201 or the
# sign-in redirect for a row not yet committed, and never hear of a commit that failed.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


@dataclass(frozen=True)
class Caller:
    """The authenticated user and how he authenticated."""

    user: User
    via_token: bool
    scopes: frozenset[str]
    session_token: str | None


def _authenticate(request: Request, session: Session, settings: Settings) -> Caller | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        found = access_services.user_for_token(session, header[7:].strip())
        if found is None:
            raise Unauthenticated("the API token is unknown or revoked", location="Authorization")
        user, token = found
        scopes = frozenset(token.scopes)
        if request.method not in SAFE_METHODS and "write" not in scopes:
            # Every route that changes anything, whatever it changes (records, tokens,
            # accounts, the inbox): a read token only reads.
            raise Forbidden(
                "this API token has no 'write' scope; it may only read", location="Authorization"
            )
        return Caller(user, True, scopes, None)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        user_or_none = access_services.user_for_session(session, cookie)
        if user_or_none is not None:
            unsafe = request.method not in SAFE_METHODS and request.url.path.startswith("/api/")
            presented = request.headers.get(CSRF_HEADER)
            if unsafe and not access_services.csrf_matches(settings, cookie, presented):
                raise Forbidden("missing or wrong CSRF token", location=CSRF_HEADER)
            return Caller(user_or_none, False, frozenset({"read", "write"}), cookie)
    return None


def optional_caller(request: Request, session: SessionDep, settings: SettingsDep) -> Caller | None:
    """The caller when signed in, else None (pages that also serve anonymous visitors)."""
    caller = _authenticate(request, session, settings)
    request.state.caller = caller
    request.state.username = caller.user.username if caller else None  # the access log's
    return caller


async def require_caller(caller: Annotated[Caller | None, Depends(optional_caller)]) -> Caller:
    """The signed-in caller; 401 otherwise."""
    if caller is None:
        raise Unauthenticated("sign in or present an API token")
    return caller


CallerDep = Annotated[Caller, Depends(require_caller)]
OptionalCallerDep = Annotated[Caller | None, Depends(optional_caller)]


async def current_user(caller: CallerDep) -> User:
    """The signed-in user."""
    return caller.user


CurrentUser = Annotated[User, Depends(current_user)]


async def records_for(request: Request, session: SessionDep, caller: CallerDep) -> Records:
    """The visibility-checked, audited gate to intelligence for this caller (the write scope
    is checked for every route when the caller authenticates)."""
    purpose = request.headers.get(PURPOSE_HEADER) or request.query_params.get("purpose")
    return Records(session, access_services.viewer_of(caller.user), purpose)


RecordsDep = Annotated[Records, Depends(records_for)]


def require_role(*roles: Role) -> object:
    """A dependency admitting only the given roles."""

    async def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise Forbidden(f"this needs the role {' or '.join(r.value for r in roles)}")
        return user

    return Depends(check)
