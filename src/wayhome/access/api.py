"""JSON API for the caller's own account, agencies, users and API tokens."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from sqlalchemy import select

from wayhome.access import accounts, services
from wayhome.access.models import ApiToken, Role, User
from wayhome.access.schemas import (
    AgencyIn,
    AgencyOut,
    PasswordResetOut,
    TokenIn,
    TokenOut,
    UserChangeIn,
    UserIn,
    UserOut,
)
from wayhome.agencies.models import Agency
from wayhome.errors import NotFound
from wayhome.web.deps import CallerDep, CurrentUser, SessionDep, access
from wayhome.web.errors import problems

router = APIRouter(tags=["accounts"])


@router.get("/me", response_model=UserOut, openapi_extra=access("self"))
def me(user: CurrentUser) -> UserOut:
    """The signed-in account."""
    return UserOut.model_validate(user, from_attributes=True)


@router.get("/agencies", response_model=list[AgencyOut], openapi_extra=access("member"))
def list_agencies(session: SessionDep, user: CurrentUser) -> list[AgencyOut]:
    """Member agencies (the directory every member may read)."""
    agencies = session.scalars(select(Agency).order_by(Agency.country, Agency.name))
    return [AgencyOut.model_validate(a, from_attributes=True) for a in agencies]


@router.post(
    "/agencies",
    responses=problems(400, 409, 413),
    response_model=AgencyOut,
    status_code=201,
    openapi_extra=access("admin"),
)
def create_agency(session: SessionDep, user: CurrentUser, body: AgencyIn) -> AgencyOut:
    """Register a member agency (hub administrators only)."""
    services.require_hub_admin(user)
    agency = services.create_agency(
        session, services.actor_of(user), body.code, body.name, body.country, body.kind.value
    )
    return AgencyOut.model_validate(agency, from_attributes=True)


@router.get("/users", response_model=list[UserOut], openapi_extra=access("admin"))
def list_users(session: SessionDep, user: CurrentUser) -> list[UserOut]:
    """Accounts of the administrator's own agency."""
    services.require_admin(user)
    stmt = select(User).where(User.agency_id == user.agency_id).order_by(User.username)
    return [UserOut.model_validate(u, from_attributes=True) for u in session.scalars(stmt)]


@router.post(
    "/users",
    responses=problems(400, 404, 409, 413),
    response_model=UserOut,
    status_code=201,
    openapi_extra=access("admin"),
)
def create_user(session: SessionDep, user: CurrentUser, body: UserIn) -> UserOut:
    """Create an account in the administrator's agency (the hub's administrators: also the
    first administrator of an agency that has none); its supervisors are told."""
    services.require_admin(user)
    agency = session.get(Agency, body.agency_id) if body.agency_id else user.agency
    if agency is None:
        raise NotFound("no such agency", location="body.agency_id")
    created = accounts.create_account(
        session,
        user,
        agency,
        body.username,
        body.display_name,
        body.role.value,
        body.password,
        body.email,
    )
    return UserOut.model_validate(created, from_attributes=True)


@router.patch(
    "/users/{user_id}",
    responses=problems(400, 404, 413),
    response_model=UserOut,
    openapi_extra=access("admin"),
)
def change_user(
    session: SessionDep, user: CurrentUser, user_id: uuid.UUID, body: UserChangeIn
) -> UserOut:
    """Change the role of an account of the administrator's agency, or disable it."""
    role = body.role.value if body.role is not None else None
    changed = accounts.change_account(session, user, user_id, role, body.active)
    return UserOut.model_validate(changed, from_attributes=True)


@router.post(
    "/users/{user_id}/password-reset",
    responses=problems(404),
    response_model=PasswordResetOut,
    status_code=201,
    # Supervisors and administrators of the account's agency (the service checks both).
    openapi_extra=access("member"),
)
def reset_password(session: SessionDep, user: CurrentUser, user_id: uuid.UUID) -> PasswordResetOut:
    """Reset an account's password: its sessions and tokens end, and the one-time reset token
    in this answer (only) lets its owner set a new password at `/password-reset`."""
    issued = accounts.start_password_reset(session, user, user_id)
    return PasswordResetOut(
        user_id=issued.reset.user_id,
        token=issued.secret,
        path=f"/password-reset?token={issued.secret}",
        expires_at=issued.reset.expires_at,
    )


def _token_out(token: ApiToken, secret: str | None = None) -> TokenOut:
    return TokenOut(
        id=token.id,
        name=token.name,
        prefix=token.prefix,
        scopes=token.scopes,
        created_at=token.created_at,
        revoked_at=token.revoked_at,
        secret=secret,
    )


@router.get("/tokens", response_model=list[TokenOut], openapi_extra=access("self"))
def list_tokens(session: SessionDep, user: CurrentUser) -> list[TokenOut]:
    """The caller's own API tokens (never their secrets)."""
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at)
    )
    return [_token_out(t) for t in tokens]


@router.post(
    "/tokens",
    responses=problems(400, 413),
    response_model=TokenOut,
    status_code=201,
    openapi_extra=access("self"),
)
def issue_token(session: SessionDep, caller: CallerDep, body: TokenIn) -> TokenOut:
    """Issue an API token for the caller, with no scope his own credential lacks; the secret
    is in this answer only."""
    user = caller.user
    issued = services.issue_token(
        session, services.actor_of(user), user, body.name, body.scopes, caller.scopes
    )
    return _token_out(issued.token, issued.secret)


@router.delete(
    "/tokens/{token_id}",
    responses=problems(404),
    response_model=TokenOut,
    openapi_extra=access("self"),
)
def revoke_token(session: SessionDep, user: CurrentUser, token_id: uuid.UUID) -> TokenOut:
    """Revoke one of the caller's tokens (administrators may revoke their agency's)."""
    token = session.get(ApiToken, token_id)
    allowed = token is not None and (
        token.user_id == user.id
        or (user.role is Role.ADMIN and token.user.agency_id == user.agency_id)
    )
    if token is None or not allowed:
        raise NotFound("no such token")
    return _token_out(services.revoke_token(session, services.actor_of(user), token.id))
