"""Two requests at once: a transaction that reads and then writes must not fail because
another one committed in between (on SQLite that was "database is locked": WAL refuses to
upgrade a stale read snapshot and skips the busy timeout)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import DatabaseFactory
from tests.threads import run_together
from wayhome.audit import services as audit
from wayhome.audit.models import AuditEntry
from wayhome.db.engine import make_session_factory


@pytest.fixture
def factory(databases: DatabaseFactory) -> Iterator[sessionmaker[Session]]:
    with databases.migrated() as (_, engine):
        made = make_session_factory(engine)
        with made.begin() as session:
            audit.ensure_head(session)
        yield made


def test_a_read_then_write_transaction_survives_a_concurrent_commit(
    factory: sessionmaker[Session],
) -> None:
    """Like a sign-in (read the account, then write the attempt and the audit entry) while
    another page's audited read commits: both succeed and the chain holds."""
    has_read = threading.Event()

    def sign_in() -> None:
        try:
            with factory.begin() as session:
                session.scalar(select(func.count()).select_from(AuditEntry))
                has_read.set()
                time.sleep(0.3)  # the other request would commit here if it could
                audit.record(session, audit.SYSTEM, "sign_in")
        finally:
            has_read.set()

    def other_page() -> None:
        has_read.wait(5)
        with factory.begin() as session:
            audit.record(session, audit.SYSTEM, "read", "case")

    failures = run_together(sign_in, other_page)
    assert failures == []
    with factory() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)).all()
        assert sorted(actions) == ["read", "sign_in"]
        assert audit.verify(session).ok
