"""`wayhome backup` and `wayhome restore`: a consistent copy of the database, checked by its
own audit chain.

SQLite is copied with its online backup API, in one step: the copy is one snapshot, and in WAL
mode the server keeps writing meanwhile. PostgreSQL is dumped with `pg_dump -Fc` and loaded
with `pg_restore` in one transaction. A backup's chain is verified on what was copied (the
copy itself on SQLite; on PostgreSQL the very snapshot `pg_dump` reads), a restore's on the
restored database. The audit signing key is a file outside the database: back it up apart.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, create_engine, inspect, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from wayhome.audit import services as audit
from wayhome.db.dialect import is_sqlite
from wayhome.db.engine import make_engine
from wayhome.db.models import Base
from wayhome.errors import WayhomeError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# Filled by the migrations themselves, so a freshly migrated database counts as empty.
SEEDED_TABLES = frozenset({"audit_head", "alembic_version"})


@dataclass(frozen=True)
class Outcome:
    """What a backup or restore did: the file, the engine, the schema revision and the chain."""

    path: Path
    engine: str
    revision: str | None
    audit: audit.VerifyResult


def backup(url: str, out: Path) -> Outcome:
    """Copy the database at URL into the new file OUT and verify the copy's audit chain."""
    if out.exists():
        raise WayhomeError(f"{out} already exists; choose a new file name", location="OUT")
    if is_sqlite(url) and not _sqlite_path(url).is_file():
        raise WayhomeError(
            f"no database file at {_sqlite_path(url)}", location="WAYHOME_DATABASE_URL"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if is_sqlite(url):
            outcome = _backup_sqlite(_sqlite_path(url), partial)
        else:
            outcome = _backup_postgres(url, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(out)
    return Outcome(out, outcome.engine, outcome.revision, outcome.audit)


def restore(url: str, source: Path, *, force: bool = False) -> Outcome:
    """Replace the database at URL with the backup SOURCE and verify the restored chain.

    A database that holds anything is refused unless `force`; a refused or failed restore
    changes nothing."""
    if not source.is_file():
        raise WayhomeError(f"no backup file at {source}", location="IN")
    with source.open("rb") as stream:
        magic = stream.read(len(SQLITE_MAGIC))
    if is_sqlite(url):
        if not magic.startswith(SQLITE_MAGIC):
            raise WayhomeError(_wrong_kind(magic, "a SQLite backup"), location="IN")
        target = _sqlite_path(url)
        _check_sqlite_backup(source)
        if target.exists():
            _refuse_unless_empty(url, force)
        _restore_sqlite(source, target)
    else:
        if not magic.startswith(PG_DUMP_MAGIC):
            raise WayhomeError(_wrong_kind(magic, "a pg_dump archive (-Fc)"), location="IN")
        _run(_tool("pg_restore"), "--list", str(source))
        clean = _refuse_unless_empty(url, force)
        _restore_postgres(url, source, clean)
    engine = make_engine(url)
    try:
        return Outcome(source, engine.dialect.name, *_revision_and_chain(engine))
    finally:
        engine.dispose()


# -- SQLite -------------------------------------------------------------------------------------
def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise WayhomeError(
            "an in-memory SQLite database has no file to back up or restore",
            location="WAYHOME_DATABASE_URL",
        )
    return Path(database)


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def _backup_sqlite(source: Path, partial: Path) -> Outcome:
    with (
        contextlib.closing(sqlite3.connect(source)) as live,
        contextlib.closing(sqlite3.connect(partial)) as copy,
    ):
        # pages=-1: the whole file in one step under one read snapshot; a writer on the WAL
        # goes on meanwhile (stepwise copying restarts whenever another connection writes).
        live.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    engine = create_engine("sqlite://", creator=lambda: _read_only(partial))
    try:
        return Outcome(partial, "sqlite", *_revision_and_chain(engine))
    finally:
        engine.dispose()


def _check_sqlite_backup(source: Path) -> None:
    """Refuse a file that is not a readable Wayhome database, before touching the target."""
    try:
        with contextlib.closing(_read_only(source)) as copy:
            (verdict,) = copy.execute("PRAGMA quick_check").fetchone()
            has_schema = copy.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
    except sqlite3.DatabaseError as error:
        raise WayhomeError(f"unreadable SQLite file: {error}", location="IN") from None
    if verdict != "ok":
        raise WayhomeError(f"the backup is damaged: {verdict}", location="IN")
    if has_schema is None:
        raise WayhomeError("not a Wayhome database (it has no schema revision)", location="IN")


def _restore_sqlite(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        contextlib.closing(_read_only(source)) as copy,
        contextlib.closing(sqlite3.connect(target, timeout=30)) as live,
    ):
        # The backup API replaces every page of the target under its write lock, at once for
        # every other connection; the append-only triggers do not fire on pages.
        copy.backup(live, pages=-1)


# -- PostgreSQL ---------------------------------------------------------------------------------
def _tool(name: str) -> str:
    """A PostgreSQL client program: on the PATH, else the newest under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if installed:
        return installed[-1]
    raise WayhomeError(
        f"{name} not found: install PostgreSQL's client programs (the server's version or "
        "newer) or put them on the PATH",
        location=name,
    )


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The libpq connection URL for a SQLAlchemy URL, and the environment carrying the
    password (kept off the command line, where other users could read it)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    conninfo = parsed.set(drivername="postgresql", password=None)
    return conninfo.render_as_string(hide_password=False), env


def _run(*command: str, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(  # noqa: S603 - a PostgreSQL program and our own arguments
        command, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        program = Path(command[0]).name
        detail = done.stderr.strip() or f"exit status {done.returncode}"
        raise WayhomeError(f"{program} failed: {detail}", location=program)


def _backup_postgres(url: str, partial: Path) -> Outcome:
    pg_dump = _tool("pg_dump")
    conninfo, env = _libpq(url)
    engine = make_engine(url)
    try:
        with _exported_snapshot(engine) as (connection, snapshot):
            _run(
                pg_dump,
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={partial}",
                f"--dbname={conninfo}",
                env=env,
            )
            # The chain as pg_dump saw it: the same snapshot, still open on this connection.
            revision = _revision(connection)
            with Session(bind=connection) as session:
                result = audit.verify(session)
    finally:
        engine.dispose()
    _run(_tool("pg_restore"), "--list", str(partial))  # the archive reads back
    return Outcome(partial, "postgresql", revision, result)


@contextmanager
def _exported_snapshot(engine: Engine) -> Iterator[tuple[Connection, str]]:
    """A repeatable-read transaction and the id other sessions (pg_dump) can share it by."""
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            yield connection, str(snapshot)


def _restore_postgres(url: str, source: Path, clean: bool) -> None:
    conninfo, env = _libpq(url)
    options = ["--clean", "--if-exists"] if clean else []
    # One transaction: an error anywhere leaves the database as it was. Owners and grants
    # are not restored; the restoring role owns what it creates.
    _run(
        _tool("pg_restore"),
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-acl",
        *options,
        f"--dbname={conninfo}",
        str(source),
        env=env,
    )


# -- both ---------------------------------------------------------------------------------------
def _wrong_kind(magic: bytes, wanted: str) -> str:
    if magic.startswith(SQLITE_MAGIC):
        found = "a SQLite database"
    elif magic.startswith(PG_DUMP_MAGIC):
        found = "a PostgreSQL dump"
    else:
        found = "neither a SQLite database nor a PostgreSQL dump"
    return f"this file is {found}; the configured database needs {wanted}"


def stored_table(engine: Engine) -> str | None:
    """The first Wayhome table holding a row, or None when the database holds nothing."""
    present = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name not in present or table.name in SEEDED_TABLES:
                continue
            if connection.execute(select(text("1")).select_from(table).limit(1)).first():
                return table.name
    return None


def _refuse_unless_empty(url: str, force: bool) -> bool:
    """Refuse a target holding data unless forced; True when it holds any table at all."""
    engine = make_engine(url)
    try:
        holding = stored_table(engine)
        has_tables = bool(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    if holding is not None and not force:
        raise WayhomeError(
            f"the database is not empty (table {holding} holds rows); restoring would replace "
            "it: give --force to do so",
            location="WAYHOME_DATABASE_URL",
        )
    return has_tables


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _revision_and_chain(engine: Engine) -> tuple[str | None, audit.VerifyResult]:
    with engine.connect() as connection:
        revision = _revision(connection)
        with Session(bind=connection) as session:
            return revision, audit.verify(session)
