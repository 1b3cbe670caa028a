"""Signals: what the engines tell the rest of Wayhome when new intelligence touches something.

An engine (intake, hashing, linking, locating, cases) calls `emit` inside the transaction
that stores the intelligence. Nothing is delivered then: the signals wait on the session
until it commits, so a rolled-back import alerts nobody (a rolled-back savepoint drops the
signals queued inside it; a released one keeps them for the commit). Subscribers (the case
timeline, watches) are called with the session just before commit, so what they write lands
in the same transaction as the intelligence that caused it; `after_commit` subscribers (live
pages) are told once it is durable.

The contract is deliberately small, so every engine can emit without knowing who listens:
a signal names the record it is about (kind and id, and the record's owning agency, so a
subscriber can apply need-to-know through `access.records`) and the objects it touches as
`Subject`s — a selector (`kind:canonical`), a persona, a person, a bank series or a case.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction


class SignalKind(StrEnum):
    """What happened."""

    REPORT_INGESTED = "report_ingested"  # a report's selectors were stored
    SELECTOR_MATCH = "selector_match"  # ... and some were already held by another record
    IDENTITY_LINK = "identity_link"  # an identity assertion was made or decided
    HASH_MATCH = "hash_match"  # seized media matched a bank series
    LOCATION_CHANGED = "location_changed"  # a case's ranked places or suspects changed
    CASE_UPDATED = "case_updated"  # a case's status, alert, notice or tasks changed


class SubjectKind(StrEnum):
    """The kinds of object a user can watch."""

    SELECTOR = "selector"  # key: "<selector kind>:<canonical value>"
    PERSONA = "persona"  # key: the canonical handle selector, "<platform>:<handle>"
    PERSON = "person"  # key: str(person id)
    BANK_SERIES = "bank_series"  # key: str(bank id) + ":" + series name
    CASE = "case"  # key: str(case id)


@dataclass(frozen=True, slots=True)
class Subject:
    """One watchable object a signal touches."""

    kind: SubjectKind
    key: str


@dataclass(frozen=True, slots=True)
class Signal:
    """One thing that happened, about one record, touching some subjects."""

    kind: SignalKind
    agency_id: uuid.UUID  # the agency whose new intelligence caused it
    record_kind: str  # `__record_kind__` of the record, e.g. "report", "hash_match"
    record_id: str
    summary: str  # one line a person can read, with nothing in it the record hides
    subjects: tuple[Subject, ...] = ()
    case_id: uuid.UUID | None = None
    detail: dict[str, Any] = field(default_factory=dict)


Subscriber = Callable[[Session, list[Signal]], None]

_PENDING = "wayhome.signals"
_DELIVERED = "wayhome.signals.delivered"
_MARKS = "wayhome.signals.savepoints"
_before_commit: list[Subscriber] = []
_after_commit: list[Subscriber] = []


def emit(session: Session, signal: Signal) -> None:
    """Queue a signal on the session; it is dispatched when the session commits."""
    pending: list[Signal] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = []
    pending.append(signal)


def pending(session: Session) -> list[Signal]:
    """The signals queued on this session and not yet dispatched (for tests)."""
    return list(session.info.get(_PENDING, ()))


def subscribe(subscriber: Subscriber, *, after_commit: bool = False) -> None:
    """Call `subscriber` with each committing session's signals (once per subscriber)."""
    target = _after_commit if after_commit else _before_commit
    if subscriber not in target:
        target.append(subscriber)


def unsubscribe(subscriber: Subscriber) -> None:
    """Stop calling `subscriber` (tests)."""
    for target in (_before_commit, _after_commit):
        if subscriber in target:
            target.remove(subscriber)


@event.listens_for(Session, "before_commit")
def _dispatch_before_commit(session: Session) -> None:
    # A savepoint's release is not the commit: its signals wait for the transaction's end.
    # (So a session must not commit its transaction while a savepoint of it is still open.)
    if session.in_nested_transaction():
        return
    # Subscribers may emit further signals (a timeline entry is itself a case update), so
    # drain until quiet; each batch goes to every subscriber once.
    delivered: list[Signal] = session.info.setdefault(_DELIVERED, [])
    while batch := session.info.pop(_PENDING, None):
        for subscriber in list(_before_commit):
            subscriber(session, batch)
        delivered.extend(batch)
    if delivered:
        session.flush()


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session: Session) -> None:
    delivered: list[Signal] = session.info.pop(_DELIVERED, [])
    if delivered:
        for subscriber in list(_after_commit):
            subscriber(session, delivered)


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction: SessionTransaction) -> None:
    # Remember how many signals were queued when a savepoint began ...
    if transaction.nested:
        marks = session.info.setdefault(_MARKS, {})
        marks[id(transaction)] = len(session.info.get(_PENDING, ()))


@event.listens_for(Session, "after_soft_rollback")
def _discard(session: Session, transaction: SessionTransaction) -> None:
    # ... so that rolling it back drops only what was queued inside it; rolling back the
    # whole transaction drops everything, and alerts nobody.
    if transaction.nested:
        mark = session.info.get(_MARKS, {}).pop(id(transaction), None)
        pending = session.info.get(_PENDING)
        if mark is not None and pending is not None:
            del pending[mark:]
    elif transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_DELIVERED, None)


@event.listens_for(Session, "after_transaction_end")
def _forget_savepoints(session: Session, transaction: SessionTransaction) -> None:
    # A savepoint's mark is still needed after it ends (SQLAlchemy reports the end before
    # the rollback); they all go with the transaction.
    if transaction.parent is None:
        session.info.pop(_MARKS, None)
