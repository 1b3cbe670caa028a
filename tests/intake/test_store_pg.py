"""The PostgreSQL intake path: selectors by COPY, values merged in one statement, and the
selector tables' references checked once per statement (migration 0014).

Runs on PostgreSQL only (`WAYHOME_TEST_DATABASE_URL`); SQLite keeps its foreign keys and its
own insert path, which the rest of tests/intake covers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tests.conftest import DatabaseFactory, World, engine_name
from wayhome.access import services as access
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import Role, User
from wayhome.access.records import Records
from wayhome.db.engine import make_session_factory
from wayhome.intake.models import Selector, SelectorHolder, SelectorValue
from wayhome.intake.parsed import ParsedItem, ParsedReport, ParsedSubmission
from wayhome.intake.selectors.types import Selector as SelectorRecord
from wayhome.intake.selectors.types import SelectorType
from wayhome.intake.store import Placement, ingest

pytestmark = pytest.mark.skipif(engine_name() != "postgresql", reason="the PostgreSQL intake path")


def _submission(title: str, emails: list[str]) -> ParsedSubmission:
    items = [ParsedItem(SelectorRecord(SelectorType.EMAIL, e, e), "field") for e in emails]
    return ParsedSubmission("api", [ParsedReport(title=title, source="t", body="", items=items)])


def test_copy_path_stores_every_occurrence_value_and_holder(db: Session, world: World) -> None:
    user = world.user(world.agency("pg-a", "NL"), Role.ANALYST)
    records = Records(db, access.viewer_of(user))
    emails = [f"u{n}@pg.example" for n in range(300)] + ["u1@pg.example"]  # one twice
    result = ingest(records, _submission("pg", emails), Placement(Marking.AMBER, Scope.ALL))
    db.flush()
    assert result.selector_count == 301
    assert db.scalar(select(func.count()).select_from(Selector)) == 301
    values = db.scalar(select(func.count()).where(SelectorValue.canonical.like("%@pg.example")))
    assert values == 300
    twice = db.scalar(
        select(SelectorHolder.occurrences)
        .join(SelectorValue, SelectorValue.id == SelectorHolder.value_id)
        .where(SelectorValue.canonical == "u1@pg.example")
    )
    assert twice == 2
    # The same values again from another report: no new value, the ids reused.
    again = ingest(records, _submission("pg 2", emails[:10]), Placement(Marking.AMBER))
    assert again.value_ids <= result.value_ids
    assert (
        db.scalar(select(func.count()).where(SelectorValue.canonical.like("%@pg.example"))) == 300
    )


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("value_id", "-1"),
        # Fixed ids: pytest-xdist's workers must collect the same test names.
        ("report_id", "'00000000-0000-4000-8000-00000000dead'::uuid"),
        ("agency_id", "'00000000-0000-4000-8000-00000000beef'::uuid"),
    ],
)
def test_a_selector_naming_a_missing_row_is_refused(
    db: Session, world: World, column: str, value: str
) -> None:
    user = world.user(world.agency("pg-b", "NL"), Role.ANALYST)
    ingest(
        Records(db, access.viewer_of(user)),
        _submission("ref", ["ref@pg.example"]),
        Placement(Marking.AMBER),
    )
    db.flush()
    # A copy of a stored row with one of its references replaced by one that names nothing.
    refs = {name: name for name in ("value_id", "report_id", "agency_id")}
    refs[column] = value
    sql = (
        "INSERT INTO selectors (value_id, report_id, agency_id, original, origin, marking, "
        f"scope) SELECT {refs['value_id']}, {refs['report_id']}, {refs['agency_id']}, "
        "original, origin, marking, scope FROM selectors LIMIT 1"
    )
    with pytest.raises(IntegrityError) as refused, db.begin_nested():
        db.execute(text(sql))
    assert getattr(refused.value.orig, "sqlstate", None) == "23503"


def test_deleting_a_value_a_selector_names_is_refused(db: Session, world: World) -> None:
    user = world.user(world.agency("pg-c", "NL"), Role.ANALYST)
    ingest(
        Records(db, access.viewer_of(user)),
        _submission("del", ["del@pg.example"]),
        Placement(Marking.AMBER),
    )
    db.flush()
    with pytest.raises(IntegrityError) as refused, db.begin_nested():
        db.execute(text("DELETE FROM selector_holders"))
        db.execute(text("DELETE FROM selector_values WHERE canonical = 'del@pg.example'"))
    assert getattr(refused.value.orig, "sqlstate", None) == "23503"


@pytest.fixture
def own_database(databases: DatabaseFactory) -> Iterator[tuple[Engine, User, User]]:
    with databases.migrated() as (_url, engine):
        with make_session_factory(engine)() as session:
            world = World(session)
            first = world.user(world.agency("pg-d", "NL"), Role.ANALYST)
            second = world.user(world.agency("pg-e", "DE"), Role.ANALYST)
            session.commit()
            session.refresh(first)
            session.refresh(second)
            session.expunge_all()
        yield engine, first, second


def test_a_value_added_meanwhile_by_another_transaction_is_shared(
    own_database: tuple[Engine, User, User],
) -> None:
    """Two transactions add the same new value at once: the second waits on the unique key,
    skips its insert, and reads the first one's id (`_merge_value_ids`'s late values)."""
    engine, first, second = own_database
    factory = make_session_factory(engine)
    shared = "both@pg.example"
    one = factory()
    ingest(
        Records(one, access.viewer_of(first)),
        _submission("one", [shared]),
        Placement(Marking.AMBER),
    )
    one.flush()  # the value is inserted, not committed: the other insert must wait for it
    results: list[set[int]] = []

    def other() -> None:
        with factory() as two:
            got = ingest(
                Records(two, access.viewer_of(second)),
                _submission("two", [shared]),
                Placement(Marking.AMBER),
            )
            two.commit()
            results.append(got.value_ids)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(timeout=1.0)
    assert thread.is_alive(), "the second insert should wait for the first transaction"
    one.commit()
    one.close()
    thread.join(timeout=30)
    with factory() as check:
        [vid] = check.scalars(select(SelectorValue.id).where(SelectorValue.canonical == shared))
        holders = check.scalar(
            select(func.count()).select_from(SelectorHolder).where(SelectorHolder.value_id == vid)
        )
    assert results == [{vid}]
    assert holders == 2
