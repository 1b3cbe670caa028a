"""`wayhome backup` and `wayhome restore` on the engine under test: a round trip keeps every
row and the audit chain, a backup taken during a write holds only what was committed, and a
restore over a database that holds data is refused unless forced, changing nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from tests.conftest import DatabaseFactory, World, engine_name
from wayhome.access import services as access
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.audit.models import AuditEntry
from wayhome.cli.main import app as cli
from wayhome.db import backup as backups
from wayhome.db.dialect import suspend_append_only_ddl
from wayhome.db.engine import make_engine, make_session_factory, session_scope
from wayhome.errors import WayhomeError
from wayhome.settings import get_settings


def wayhome(url: str, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    """Run `wayhome ARGS` with the CLI pointed at the database URL."""
    monkeypatch.setenv("WAYHOME_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(cli, list(args))
    finally:
        get_settings.cache_clear()


def agency_codes(url: str) -> list[str]:
    """The agency codes stored at URL, sorted."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return sorted(session.scalars(select(Agency.code)))
    finally:
        engine.dispose()


def audit_head(url: str) -> tuple[int, str]:
    """The chain's head (sequence number, hash) at URL."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            result = audit.verify(session)
    finally:
        engine.dispose()
    assert result.ok
    return result.head_seq, result.head_hash


@pytest.fixture
def source(databases: DatabaseFactory) -> Iterator[tuple[str, Engine]]:
    """A committed database with three agencies and a user (and their audit entries)."""
    with databases.migrated() as (url, engine):
        with session_scope(make_session_factory(engine)) as session:
            world = World(session)
            first = world.agency("nl-police")
            world.agency("de-bka", "DE")
            world.agency("ua-npu", "UA")
            world.user(first)
        yield url, engine


def test_backup_and_restore_round_trip(
    source: tuple[str, Engine],
    databases: DatabaseFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, _ = source
    out = tmp_path / "saved" / "wayhome.backup"
    made = wayhome(url, monkeypatch, "backup", str(out))
    assert made.exit_code == 0, made.output
    assert f"{engine_name()} database at" in made.output
    assert "the copy's audit log intact: 4 entries, head #4" in made.output
    assert out.is_file() and not list(out.parent.glob(".*partial"))

    target = databases.new_url()  # a database with no tables at all
    restored = wayhome(target, monkeypatch, "restore", str(out))
    assert restored.exit_code == 0, restored.output
    assert "the restored audit log intact: 4 entries, head #4" in restored.output
    assert agency_codes(target) == ["de-bka", "nl-police", "ua-npu"]
    assert audit_head(target) == audit_head(url)
    again = wayhome(target, monkeypatch, "audit", "verify")
    assert again.exit_code == 0 and "intact: 4 entries" in again.output


def test_a_backup_during_a_write_holds_only_what_was_committed(
    source: tuple[str, Engine], tmp_path: Path, databases: DatabaseFactory
) -> None:
    url, engine = source
    out = tmp_path / "during.backup"
    # A writer holds an open transaction (on SQLite: the write lock) while the backup runs.
    with Session(engine) as writer:
        access.create_agency(writer, audit.SYSTEM, "fr-pj", "FR-PJ", "FR", "police_unit")
        writer.flush()
        done = backups.backup(url, out)
        writer.commit()
    assert done.audit.ok and done.audit.head_seq == 4
    target = databases.new_url()
    backups.restore(target, out)
    assert agency_codes(target) == ["de-bka", "nl-police", "ua-npu"]
    assert agency_codes(url) == ["de-bka", "fr-pj", "nl-police", "ua-npu"]


def test_restore_refuses_a_database_holding_data_unless_forced(
    source: tuple[str, Engine],
    databases: DatabaseFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, _ = source
    out = tmp_path / "wayhome.backup"
    assert wayhome(url, monkeypatch, "backup", str(out)).exit_code == 0
    with databases.migrated() as (target, engine):
        migrated_empty = wayhome(target, monkeypatch, "restore", str(out))
        assert migrated_empty.exit_code == 0, migrated_empty.output  # migrated, no rows: empty
    with databases.migrated() as (target, engine):
        with session_scope(make_session_factory(engine)) as session:
            World(session).agency("pl-cbzc", "PL")
        before = audit_head(target)

        refused = wayhome(target, monkeypatch, "restore", str(out))
        assert refused.exit_code == 2
        assert "not empty (table agencies holds rows)" in refused.output
        assert "--force" in refused.output
        assert agency_codes(target) == ["pl-cbzc"] and audit_head(target) == before

        forced = wayhome(target, monkeypatch, "restore", str(out), "--force")
        assert forced.exit_code == 0, forced.output
        assert agency_codes(target) == ["de-bka", "nl-police", "ua-npu"]
        assert audit_head(target) == audit_head(url)


def test_bad_files_are_named_and_change_nothing(
    source: tuple[str, Engine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = source
    before = audit_head(url)
    missing = wayhome(url, monkeypatch, "restore", str(tmp_path / "absent.backup"), "--force")
    assert missing.exit_code == 2 and "IN: no backup file at" in missing.output
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    wrong = wayhome(url, monkeypatch, "restore", str(junk), "--force")
    assert wrong.exit_code == 2
    assert "neither a SQLite database nor a PostgreSQL dump" in wrong.output
    other = tmp_path / "other-engine.backup"
    other.write_bytes(b"PGDMP\x01" if engine_name() == "sqlite" else b"SQLite format 3\x00")
    mismatch = wayhome(url, monkeypatch, "restore", str(other), "--force")
    assert mismatch.exit_code == 2 and "the configured database needs" in mismatch.output
    existing = tmp_path / "taken.backup"
    existing.write_text("keep me")
    taken = wayhome(url, monkeypatch, "backup", str(existing))
    assert taken.exit_code == 2 and "already exists" in taken.output
    assert existing.read_text() == "keep me"
    assert audit_head(url) == before and len(agency_codes(url)) == 3


@pytest.mark.skipif(engine_name() != "sqlite", reason="a SQLite file that is not Wayhome's")
def test_a_missing_or_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    import sqlite3

    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    target = f"sqlite:///{tmp_path / 'target.db'}"
    with pytest.raises(WayhomeError, match="not a Wayhome database"):
        backups.restore(target, foreign)
    assert not (tmp_path / "target.db").exists()
    with pytest.raises(WayhomeError, match="no database file at") as caught:
        backups.backup(target, tmp_path / "out" / "copy.db")
    assert caught.value.location == "WAYHOME_DATABASE_URL"
    assert not (tmp_path / "out").exists()


def test_a_missing_postgresql_program_is_named() -> None:
    with pytest.raises(WayhomeError) as caught:
        backups._tool("pg_no_such_program")
    assert caught.value.location == "pg_no_such_program"
    assert "install PostgreSQL's client programs" in caught.value.detail


def test_a_broken_chain_is_reported_on_the_copy(
    source: tuple[str, Engine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, engine = source
    with engine.begin() as connection:
        for ddl in suspend_append_only_ddl(engine.dialect.name, "audit_entries"):
            connection.exec_driver_sql(ddl)
        table = AuditEntry.__table__
        connection.execute(update(table).where(table.c.seq == 2).values(username="mallory"))
    out = tmp_path / "broken.backup"
    made = wayhome(url, monkeypatch, "backup", str(out))
    assert made.exit_code == 1
    assert "the copy's audit log BROKEN at entry #2" in made.output
    assert out.is_file()  # still a faithful copy, kept as evidence


def test_only_seeded_tables_count_as_empty(databases: DatabaseFactory) -> None:
    with databases.migrated() as (_, engine):
        assert backups.stored_table(engine) is None
        with engine.begin() as connection:
            count = connection.execute(text("SELECT count(*) FROM audit_head")).scalar_one()
        assert count == 1  # the migration's own row does not make it non-empty
