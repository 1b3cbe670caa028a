"""What every CLI command shares: a transaction, error exits, and resolving the acting user,
the marking and the named agencies from options."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from wayhome.access.markings import Marking, Scope
from wayhome.access.models import User
from wayhome.agencies.models import Agency
from wayhome.db.engine import make_engine, make_session_factory, session_scope
from wayhome.errors import WayhomeError
from wayhome.settings import get_settings


@contextmanager
def transaction() -> Iterator[Session]:
    """A session on the configured database, committed on success; the engine is disposed."""
    engine = make_engine(get_settings().effective_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def fail(error: WayhomeError) -> typer.Exit:
    """Print an error naming its place and return the exit to raise (status 2)."""
    typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=2)


def marking_and_scope(marking: str, scope: str) -> tuple[Marking, Scope]:
    """The marking and scope options, checked."""
    try:
        return Marking(marking.upper()), Scope(scope)
    except ValueError as error:
        raise WayhomeError(str(error), location="--marking/--scope") from None


def acting_user(session: Session, username: str, agency_code: str | None = None) -> User:
    """The user named by --user (and, when given, checked against --agency)."""
    account = session.scalar(select(User).where(User.username == username.lower()))
    if account is None:
        raise WayhomeError(f"no user {username!r}", location="--user")
    if agency_code and account.agency.code != agency_code.lower():
        raise WayhomeError(f"{username} belongs to {account.agency.code}", location="--agency")
    return account


def agency_ids(session: Session, codes: Sequence[str] | None) -> list[uuid.UUID]:
    """The ids of the agencies named by --share."""
    found = []
    for code in codes or []:
        agency = session.scalar(select(Agency).where(Agency.code == code.lower()))
        if agency is None:
            raise WayhomeError(f"no agency {code!r}", location="--share")
        found.append(agency.id)
    return found
