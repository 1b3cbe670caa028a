"""API shapes for markings, accounts and tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from wayhome.access.markings import Marking, Scope
from wayhome.access.models import Role
from wayhome.agencies.models import AgencyKind


class Strict(BaseModel):
    """Input models refuse unknown fields, so a typo is reported rather than ignored."""

    model_config = ConfigDict(extra="forbid")


class MarkingIn(Strict):
    """Marking and sharing of a new record."""

    marking: Marking = Field(description="TLP 2.0 label: CLEAR, GREEN, AMBER, AMBER+STRICT, RED.")
    scope: Scope = Field(Scope.OWNER, description="owner, named or all member agencies.")
    shared_with: list[uuid.UUID] = Field(
        default_factory=list, description="Agency ids, for scope 'named'."
    )


class MarkingOut(BaseModel):
    """Marking and sharing of a record as the caller sees it."""

    model_config = ConfigDict(from_attributes=True)

    agency_id: uuid.UUID
    marking: Marking
    scope: Scope


class AgencyIn(Strict):
    """A new member agency."""

    code: str = Field(min_length=2, max_length=32)
    name: str = Field(min_length=2, max_length=200)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2.")
    kind: AgencyKind


class AgencyOut(BaseModel):
    """A member agency."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    name: str
    country: str
    kind: AgencyKind
    active: bool


class UserIn(Strict):
    """A new account."""

    username: str = Field(min_length=2, max_length=80)
    display_name: str = Field(max_length=200, default="")
    email: str | None = Field(default=None, max_length=320)
    role: Role
    password: str = Field(min_length=1, max_length=200)
    agency_id: uuid.UUID | None = Field(
        default=None,
        description="The caller's agency by default; hub administrators may name another "
        "agency that has no administrator, for its first administrator.",
    )


class UserChangeIn(Strict):
    """A change to an account: a new role, or enabling/disabling it."""

    role: Role | None = None
    active: bool | None = None


class PasswordResetOut(BaseModel):
    """A started password reset; `token` is shown in this answer only."""

    user_id: uuid.UUID
    token: str
    path: str
    expires_at: datetime


class UserOut(BaseModel):
    """An account, without secrets."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    username: str
    display_name: str
    agency_id: uuid.UUID
    role: Role
    active: bool


class TokenIn(Strict):
    """A token request."""

    name: str = Field(min_length=1, max_length=120)
    scopes: list[str] = Field(default_factory=lambda: ["read"])


class TokenOut(BaseModel):
    """A token's metadata; `secret` is only present in the answer that created it."""

    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    revoked_at: datetime | None
    secret: str | None = None
