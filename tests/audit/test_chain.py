"""The audit chain: appends serialise, and any edited, inserted or deleted row is detected."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import DatabaseFactory
from wayhome.audit import services as audit
from wayhome.audit.chain import GENESIS_HASH, ChainLink, entry_digest, verify_chain
from wayhome.cli.main import app as cli
from wayhome.db.dialect import suspend_append_only_ddl
from wayhome.db.engine import make_session_factory, session_scope


def _links(n: int) -> list[ChainLink]:
    links, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        fields = {"seq": seq, "action": "read"}
        digest = entry_digest(prev, fields)
        links.append(ChainLink(seq, fields, prev, digest))
        prev = digest
    return links


def test_pure_chain_verifies_and_detects_an_edit() -> None:
    links = _links(5)
    assert verify_chain(links, 5, links[-1].entry_hash) == (5, None)
    edited = list(links)
    edited[2] = ChainLink(3, {"seq": 3, "action": "write"}, links[2].prev_hash, links[2].entry_hash)
    _, broken = verify_chain(edited, 5, links[-1].entry_hash)
    assert broken is not None and broken.seq == 3 and "changed" in broken.reason


@pytest.fixture
def audited(databases: DatabaseFactory) -> Iterator[tuple[str, Engine]]:
    """A committed database with ten audit entries."""
    with databases.migrated() as (url, engine):
        with session_scope(make_session_factory(engine)) as session:
            for i in range(10):
                audit.record(session, audit.SYSTEM, "read", "case", f"case-{i}")
        yield url, engine


def _tamper(engine: Engine, statement: str) -> None:
    with engine.begin() as connection:
        for ddl in suspend_append_only_ddl(engine.dialect.name, "audit_entries"):
            connection.exec_driver_sql(ddl)
        connection.execute(text(statement))


def _verify_cli(url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    from wayhome.settings import get_settings

    monkeypatch.setenv("WAYHOME_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["audit", "verify"])
    finally:
        get_settings.cache_clear()
    return result.exit_code, result.output


def test_intact_log_verifies(audited: tuple[str, Engine], monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = _verify_cli(audited[0], monkeypatch)
    assert code == 0 and "intact: 10 entries" in output


@pytest.mark.parametrize(
    ("statement", "seq", "reason"),
    [
        ("UPDATE audit_entries SET object_id = 'case-x' WHERE seq = 4", 4, "changed"),
        ("DELETE FROM audit_entries WHERE seq = 6", 7, "#6 deleted"),
        ("DELETE FROM audit_entries WHERE seq = 10", 10, "deleted from the end"),
        (
            "INSERT INTO audit_entries (seq, at, action, detail, prev_hash, entry_hash) "
            "SELECT 11, at, 'read', detail, entry_hash, entry_hash FROM audit_entries "
            "WHERE seq = 10",
            11,
            "changed",
        ),
        ("UPDATE audit_entries SET seq = 99 WHERE seq = 5", 6, "#5 deleted"),
    ],
    ids=["edit", "delete-middle", "delete-last", "insert", "move"],
)
def test_tampering_is_named(
    audited: tuple[str, Engine],
    monkeypatch: pytest.MonkeyPatch,
    statement: str,
    seq: int,
    reason: str,
) -> None:
    url, engine = audited
    _tamper(engine, statement)
    code, output = _verify_cli(url, monkeypatch)
    assert code == 1
    assert f"BROKEN at entry #{seq}" in output and reason in output


def test_database_refuses_updates_and_deletes(audited: tuple[str, Engine]) -> None:
    _, engine = audited
    for statement in ("UPDATE audit_entries SET action = 'x'", "DELETE FROM audit_entries"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))


def test_records_chain_inside_the_callers_transaction(db: Session) -> None:
    first = audit.record(db, audit.SYSTEM, "create", "case", "a")
    second = audit.record(db, audit.SYSTEM, "update", "case", "a", {"status": "located"})
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.entry_hash
    assert audit.verify(db).ok


def test_many_entries_chain_one_by_one_in_a_few_statements(db: Session) -> None:
    first = audit.record(db, audit.SYSTEM, "create", "case", "a")
    batch = audit.record_many(
        db,
        audit.SYSTEM,
        [audit.Pending("create", "report", f"r{n}", {"n": n}) for n in range(3)],
    )
    last = audit.record(db, audit.SYSTEM, "read", "report", "r0")
    chain = [first, *batch, last]
    assert [e.seq for e in chain] == list(range(first.seq, first.seq + 5))
    for before, after in itertools.pairwise(chain):
        assert after.prev_hash == before.entry_hash
    assert [e.object_id for e in batch] == ["r0", "r1", "r2"] and batch[2].detail == {"n": 2}
    assert audit.record_many(db, audit.SYSTEM, []) == []
    assert audit.verify(db).ok
