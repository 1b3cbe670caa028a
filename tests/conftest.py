"""Shared fixtures: a migrated database per run on the engine under test, a rolled-back
transaction per test, the application wired to it, factories, and no network."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import settings as settings_profiles
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from wayhome.access import passwords
from wayhome.access import services as access
from wayhome.access.models import ApiToken, Role, User
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.cli.main import app as cli
from wayhome.compose import install_engines
from wayhome.db import migrate
from wayhome.db.engine import make_engine, make_session_factory, session_scope
from wayhome.settings import Environment, Settings, get_settings
from wayhome.web.app import create_app

TEST_PASSWORD = "correct horse battery"
PG_ENV = "WAYHOME_TEST_DATABASE_URL"


# -- no network --------------------------------------------------------------------------------
_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        if host not in ("127.0.0.1", "::1", "localhost"):
            raise RuntimeError(f"tests may not reach the network (tried {address!r})")
    return _real_connect(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]

# CI runs Hypothesis derandomized: the same generated cases every run, so a red build always
# means a change broke something (locally, `HYPOTHESIS_PROFILE=explore` searches afresh).
settings_profiles.register_profile("ci", derandomize=True, deadline=None)
settings_profiles.register_profile("explore", deadline=None)
settings_profiles.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Argon2 at production strength costs ~0.1-0.5 s a hash; tests create hundreds of accounts.
passwords.use_cheapest_parameters()

# The test process is a composition root like the app and the CLI: every test, with or without
# an app, hears the engines' signals as the server does (compose.py).
install_engines()


# -- databases -----------------------------------------------------------------------------------
def engine_name() -> str:
    """'postgresql' when the suite runs against PostgreSQL, else 'sqlite'."""
    return "postgresql" if os.environ.get(PG_ENV) else "sqlite"


class DatabaseFactory:
    """Creates empty databases on the engine under test and drops them at the end."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.created: list[str] = []
        self.base = os.environ.get(PG_ENV)

    def new_url(self) -> str:
        """The URL of a new, empty database."""
        name = f"wh_test_{uuid.uuid4().hex[:12]}"
        if self.base is None:
            return f"sqlite:///{self.tmp / name}.db"
        admin = create_engine(self.base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.created.append(name)
        return make_url(self.base).set(database=name).render_as_string(hide_password=False)

    @contextmanager
    def migrated(self) -> Iterator[tuple[str, Engine]]:
        """A new database at the latest schema and an engine on it, disposed afterwards."""
        url = self.new_url()
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            yield url, engine
        finally:
            engine.dispose()

    def drop_all(self) -> None:
        """Drop every database this factory created."""
        if self.base is None:
            return
        admin = create_engine(self.base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(tmp_path_factory.mktemp("db"))
    yield factory
    factory.drop_all()


@pytest.fixture(scope="session")
def database_url(databases: DatabaseFactory) -> str:
    url = databases.new_url()
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


def _bound_session(connection: Connection) -> Session:
    return Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def db(connection: Connection) -> Iterator[Session]:
    """A session inside the test's transaction; everything is rolled back afterwards."""
    session = _bound_session(connection)
    yield session
    session.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(environment=Environment.TEST, data_dir=tmp_path, max_body_bytes=64 * 1024)


@pytest.fixture
def app(settings: Settings, connection: Connection) -> Any:
    return create_app(settings, session_factory=lambda: _bound_session(connection))  # type: ignore[arg-type]


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


# -- factories -----------------------------------------------------------------------------------
class World:
    """Builds agencies, users and tokens inside the test's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def agency(
        self, code: str | None = None, country: str = "NL", kind: str = "police_unit"
    ) -> Agency:
        code = code or f"ag-{uuid.uuid4().hex[:8]}"
        return access.create_agency(self.session, audit.SYSTEM, code, code.upper(), country, kind)

    def user(
        self, agency: Agency, role: Role | str = Role.ANALYST, username: str | None = None
    ) -> User:
        role_value = role.value if isinstance(role, Role) else role
        username = username or f"u{uuid.uuid4().hex[:10]}"
        return access.create_user(
            self.session, audit.SYSTEM, agency, username, username, role_value, TEST_PASSWORD
        )

    def token(self, user: User, scopes: tuple[str, ...] = ("read", "write")) -> str:
        issued = access.issue_token(self.session, audit.SYSTEM, user, "test", list(scopes))
        self.session.commit()
        return issued.secret

    def headers(self, user: User, scopes: tuple[str, ...] = ("read", "write")) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user, scopes)}"}


@pytest.fixture
def world(db: Session) -> World:
    return World(db)


@pytest.fixture
def count_rows(db: Session) -> Callable[[str], int]:
    """Number of rows in a table, to prove that a refused request wrote nothing."""

    def count(table: str) -> int:
        return int(db.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())

    return count


class CliDatabase:
    """A committed, migrated database that the `wayhome` CLI is pointed at for one test."""

    def __init__(self, url: str) -> None:
        self.url = url

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A committed session on it, for setting up what the command needs."""
        engine = make_engine(self.url)
        try:
            with session_scope(make_session_factory(engine)) as session:
                yield session
        finally:
            engine.dispose()

    def invoke(self, args: list[str]) -> Result:
        """Run `wayhome ARGS` against this database."""
        return CliRunner().invoke(cli, args)


@pytest.fixture
def cli_database(
    databases: DatabaseFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliDatabase]:
    """A fresh migrated database, with WAYHOME_DATABASE_URL pointing the CLI at it."""
    url = databases.new_url()
    migrate.upgrade(url)
    monkeypatch.setenv("WAYHOME_DATABASE_URL", url)
    get_settings.cache_clear()
    yield CliDatabase(url)
    get_settings.cache_clear()


__all__ = ["TEST_PASSWORD", "ApiToken", "World", "engine_name"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests and slow tests (Spark's JVM, whole-world loads) share one xdist group,
    so they run one after another on one worker: a browser test starved of CPU by a Spark run
    on the other worker timed out in CI. Used with `--dist loadgroup` (see ./dev)."""
    for item in items:
        if "tests/browser/" in item.nodeid or item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.xdist_group("heavy"))
