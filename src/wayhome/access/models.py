"""Accounts, credentials, and the columns that carry need-to-know on every intelligence record."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wayhome.access.markings import Marking, Scope
from wayhome.agencies.models import Agency
from wayhome.db.base import Base, IdMixin, TimestampMixin, enum_type, utcnow


class Role(StrEnum):
    """What a user does; roles decide actions, agencies and markings decide what he sees."""

    ANALYST = "analyst"
    INVESTIGATOR = "investigator"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class User(IdMixin, TimestampMixin, Base):
    """A person with an account; belongs to exactly one agency."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, 16))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    # The TOTP second factor: a base32 secret (pending until confirmed with a code), and the
    # last time step a code was accepted for, so that one code signs in once.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]
    # The workspace: the UI language chosen (None: the browser's) and an IANA time zone
    # (None: UTC) in which the pages show times.
    locale: Mapped[str | None] = mapped_column(String(8))
    time_zone: Mapped[str | None] = mapped_column(String(64))

    agency: Mapped[Agency] = relationship(lazy="joined")

    @property
    def totp_enrolled(self) -> bool:
        """Whether signing in needs a code from the user's authenticator."""
        return self.totp_secret is not None and self.totp_confirmed_at is not None


class SavedView(IdMixin, Base):
    """A user's named filter of a list page (`page`: "cases", "inbox", ...; `query`: the
    list's query string), offered beside that list."""

    __tablename__ = "saved_views"
    __table_args__ = (UniqueConstraint("user_id", "page", "name"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    page: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(80))
    query: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(IdMixin, Base):
    """A machine client's bearer token; only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class WebSession(Base):
    """A signed-in browser; the cookie holds a random token whose SHA-256 is the key here."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship(lazy="joined")


class PasswordReset(IdMixin, Base):
    """A one-time password reset a supervisor or administrator started; only the SHA-256 of
    its token is stored, the token is shown once."""

    __tablename__ = "password_resets"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined", foreign_keys=[user_id])


class LoginAttempt(IdMixin, Base):
    """One sign-in attempt, kept to throttle guessing per account and per address."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    succeeded: Mapped[bool]


class RecordShare(Base):
    """A named agency that a record with scope NAMED is shared with."""

    __tablename__ = "record_shares"

    record_kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), primary_key=True)


class MarkedMixin:
    """Owner agency, TLP marking and sharing scope: the columns every intelligence record has."""

    __record_kind__: str

    @classmethod
    def share_key(cls) -> tuple[str, Any]:
        """The (kind, id column) its named shares are recorded under; parts use their whole's."""
        return cls.__record_kind__, cls.id  # type: ignore[attr-defined]

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), index=True)
    marking: Mapped[Marking] = mapped_column(enum_type(Marking, 16))
    scope: Mapped[Scope] = mapped_column(enum_type(Scope, 8))
