"""Signals wait for the transaction's commit: a savepoint's release does not deliver them,
and rolling a savepoint back drops only what was queued inside it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from wayhome import signals
from wayhome.signals import Signal, SignalKind


def _signal(name: str) -> Signal:
    return Signal(SignalKind.CASE_UPDATED, uuid.uuid4(), "case", name, name)


@pytest.fixture
def heard() -> Iterator[list[list[str]]]:
    """The record ids of each batch a before-commit subscriber is called with."""
    batches: list[list[str]] = []

    def subscriber(_session: Session, batch: list[Signal]) -> None:
        batches.append([signal.record_id for signal in batch])

    signals.subscribe(subscriber)
    yield batches
    signals.unsubscribe(subscriber)


def test_a_released_savepoint_keeps_its_signals_for_the_commit(
    db: Session, heard: list[list[str]]
) -> None:
    signals.emit(db, _signal("before"))
    with db.begin_nested():
        signals.emit(db, _signal("inside"))
    assert heard == []
    assert [s.record_id for s in signals.pending(db)] == ["before", "inside"]
    db.commit()
    assert heard == [["before", "inside"]]


def test_a_rolled_back_savepoint_drops_only_its_own_signals(
    db: Session, heard: list[list[str]]
) -> None:
    signals.emit(db, _signal("kept"))
    with pytest.raises(RuntimeError), db.begin_nested():
        signals.emit(db, _signal("dropped"))
        with db.begin_nested():
            signals.emit(db, _signal("dropped too"))
        raise RuntimeError("the import failed")
    with db.begin_nested():
        signals.emit(db, _signal("after"))
    db.commit()
    assert heard == [["kept", "after"]]


def test_rolling_back_the_transaction_drops_every_signal(
    db: Session, heard: list[list[str]]
) -> None:
    signals.emit(db, _signal("lost"))
    with db.begin_nested():
        signals.emit(db, _signal("lost too"))
    db.rollback()
    assert signals.pending(db) == []
    db.commit()
    assert heard == []
