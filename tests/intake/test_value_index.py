"""The value index: one row per canonical value, new ones appended, concurrent writers
agreeing on one id (and on one copy of a file), and the holders table kept as its own
primary key on SQLite."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from typing import cast

import pytest
from sqlalchemy import Table, func, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import DatabaseFactory, World, engine_name
from tests.threads import run_together
from wayhome.access import services as access
from wayhome.access.markings import Marking
from wayhome.access.models import Role
from wayhome.access.records import Records
from wayhome.audit import services as audit
from wayhome.db import migrate
from wayhome.db.dialect import insert_absent
from wayhome.db.engine import make_engine, make_session_factory
from wayhome.intake.models import Import, Report, SelectorValue
from wayhome.intake.services import import_file
from wayhome.intake.store import IngestResult, Placement, value_ids


def test_new_values_are_appended_and_reported_fresh(db: Session) -> None:
    first, fresh = value_ids(db, [("email", "a@x.example"), ("ipv4", "192.0.2.1")])
    assert fresh == set(first.values())
    top = db.scalar(select(func.max(SelectorValue.id)))
    assert top == max(first.values())

    again, fresh = value_ids(
        db, [("email", "a@x.example"), ("email", "b@x.example"), ("email", "a@x.example")]
    )
    assert again["email", "a@x.example"] == first["email", "a@x.example"]
    new = again["email", "b@x.example"]
    assert fresh == {new}
    assert new > max(first.values())
    stored = db.execute(
        select(SelectorValue.kind, SelectorValue.canonical).where(SelectorValue.id == new)
    ).one()
    assert tuple(stored) == ("email", "b@x.example")
    # The same text under another kind is another value.
    other, fresh = value_ids(db, [("handle", "a@x.example")])
    assert other["handle", "a@x.example"] not in first.values()
    assert len(fresh) == 1


def test_a_value_that_is_not_absent_is_never_stored_twice(db: Session) -> None:
    held, _ = value_ids(db, [("email", "c@x.example")])
    table = cast(Table, SelectorValue.__table__)
    if engine_name() == "sqlite":
        # Under SQLite's write lock nothing can appear between look-up and insert, so a
        # caller that got this wrong is told, not silently given a second id.
        with db.begin_nested(), pytest.raises(sqlite3.IntegrityError):
            insert_absent(db, table, ["kind", "canonical"], [("email", "c@x.example")])
    else:
        assert insert_absent(db, table, ["kind", "canonical"], [("email", "c@x.example")]) == []
    count = db.scalar(select(func.count()).where(SelectorValue.canonical == "c@x.example"))
    assert count == 1
    assert value_ids(db, [("email", "c@x.example")]) == (held, set())


@pytest.fixture
def factory(databases: DatabaseFactory) -> Iterator[sessionmaker[Session]]:
    with databases.migrated() as (_, engine):
        yield make_session_factory(engine)


def test_two_writers_of_one_new_value_agree_on_its_id(factory: sessionmaker[Session]) -> None:
    """The second transaction waits for the first (SQLite's write lock, PostgreSQL's unique
    key) and then reads the id the first one stored instead of adding its own."""
    inserted = threading.Event()
    results: list[tuple[dict[tuple[str, str], int], set[int]]] = []
    key = ("onion", "late.example")

    def first() -> None:
        try:
            with factory.begin() as session:
                results.append(value_ids(session, [key]))
                inserted.set()
                threading.Event().wait(0.4)  # commit while the second one waits
        finally:
            inserted.set()

    def second() -> None:
        inserted.wait(5)
        with factory.begin() as session:
            results.append(value_ids(session, [key]))

    failures = run_together(first, second)
    assert failures == []
    (ids_first, fresh_first), (ids_second, fresh_second) = results
    assert ids_first == ids_second
    assert fresh_first == set(ids_first.values())
    assert fresh_second == set()
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(SelectorValue)) == 1


def _holders_layout(url: str) -> tuple[list[tuple[int, str, int]], list[str], bool]:
    """The holder rows, the primary key's columns and whether SQLite keeps a rowid (False on
    PostgreSQL, which has none)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = [
                (int(v), str(a), int(n))
                for v, a, n in connection.execute(
                    text("SELECT value_id, agency_id, occurrences FROM selector_holders")
                )
            ]
            key = inspect(connection).get_pk_constraint("selector_holders")["constrained_columns"]
            rowid = False
            if engine.dialect.name == "sqlite":
                sql = connection.execute(
                    text("SELECT sql FROM sqlite_master WHERE name = 'selector_holders'")
                ).scalar_one()
                rowid = not sql.rstrip().endswith("WITHOUT ROWID")
    finally:
        engine.dispose()
    return sorted(rows), key, rowid


def test_holders_migration_keeps_every_row(databases: DatabaseFactory) -> None:
    """0009 rebuilds the holders table without a rowid on SQLite (one B-tree per row
    instead of two) and changes nothing on PostgreSQL; both ways keep every row."""
    url = databases.new_url()
    migrate.upgrade(url, "0008")
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            agency = access.create_agency(
                session, audit.SYSTEM, "nl-h", "Holder", "NL", "police_unit"
            )
            ids, _ = value_ids(session, [("email", f"h{n}@x.example") for n in range(3)])
            session.execute(
                text(
                    "INSERT INTO selector_holders (value_id, agency_id, occurrences) "
                    "VALUES (:v, :a, :n)"
                ),
                [{"v": vid, "a": agency.id.hex, "n": n + 1} for n, vid in enumerate(ids.values())],
            )
    finally:
        engine.dispose()
    before, key, rowid = _holders_layout(url)
    assert len(before) == 3 and key == ["value_id", "agency_id"]
    assert rowid is (engine_name() == "sqlite")

    migrate.upgrade(url, "0009")
    after, key, rowid = _holders_layout(url)
    assert after == before and key == ["value_id", "agency_id"]
    assert rowid is False

    migrate.downgrade(url, "0008")
    again, key, rowid = _holders_layout(url)
    assert again == before and key == ["value_id", "agency_id"]
    assert rowid is (engine_name() == "sqlite")


def test_one_file_imported_twice_at_once_is_stored_once(factory: sessionmaker[Session]) -> None:
    """Two investigators of one agency import the same file together: the second waits for
    the first (SQLite's write lock; on PostgreSQL the file's unique key, then one retry) and
    is told it was already imported, with nothing stored twice."""
    with factory.begin() as session:
        world = World(session)
        agency = world.agency()
        viewers = [access.viewer_of(world.user(agency, Role.INVESTIGATOR)) for _ in range(2)]
    data = b"type,value\nemail,twice@x.example\nipv4,198.51.100.7\n"
    first_stored = threading.Event()
    results: list[IngestResult] = []

    def run(turn: int) -> None:
        try:
            if turn:
                first_stored.wait(5)
            with factory.begin() as session:
                result, _ = import_file(
                    Records(session, viewers[turn]),
                    data,
                    Placement(Marking.AMBER),
                    filename="list.csv",
                    max_bytes=1_000_000,
                )
                results.append(result)
                if not turn:
                    first_stored.set()
                    threading.Event().wait(0.4)  # the second one checks meanwhile
        finally:
            first_stored.set()

    failures = run_together(lambda: run(0), lambda: run(1))
    assert failures == []
    first, second = results
    assert (first.created, second.created) == (True, False)
    assert second.import_id == first.import_id and second.report_ids == first.report_ids
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Import)) == 1
        assert session.scalar(select(func.count()).select_from(Report)) == 1
        # the e-mail, its domain (derived) and the address
        assert session.scalar(select(func.count()).select_from(SelectorValue)) == 3
