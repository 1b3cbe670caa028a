"""Timeline entries the system writes itself: from the workflow and from engines' signals.

`record_event` writes an entry marked and shared exactly as its case (owned by the case's
agency), audited. `on_signals` is a before-commit subscriber: each signal naming a case
becomes a timeline entry whose summary is the signal's own (which discloses nothing its
record hides); it is registered when this module is imported (by `wayhome.cases`).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wayhome import clock, signals
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import MarkedMixin, RecordShare
from wayhome.audit import services as audit
from wayhome.cases.models import Case, Event
from wayhome.db.base import Base

# Signal kind → timeline entry kind.
SIGNAL_EVENTS: dict[signals.SignalKind, str] = {
    signals.SignalKind.REPORT_INGESTED: "tip_received",
    signals.SignalKind.SELECTOR_MATCH: "selector_match",
    signals.SignalKind.IDENTITY_LINK: "identity_link",
    signals.SignalKind.HASH_MATCH: "hash_match",
    signals.SignalKind.LOCATION_CHANGED: "location_narrowed",
}
MARKING_ORDER = list(Marking)


def stricter(first: Marking, second: Marking) -> Marking:
    """The stricter of two TLP markings."""
    return max(first, second, key=MARKING_ORDER.index)


def case_shares(session: Session, case: Case) -> list[uuid.UUID]:
    """The named agencies a case is shared with."""
    stmt = select(RecordShare.agency_id).where(
        RecordShare.record_kind == "case", RecordShare.record_id == case.id
    )
    return list(session.scalars(stmt))


def record_event(
    session: Session,
    actor: audit.Actor,
    case: Case,
    kind: str,
    summary: str,
    *,
    marking: Marking | None = None,
    detail: dict[str, Any] | None = None,
) -> Event:
    """Write a system timeline entry, marked and shared as its case (or stricter), audited."""
    mark = stricter(case.marking, marking) if marking else case.marking
    scope = case.scope
    if mark is Marking.RED and scope is Scope.ALL:
        scope = Scope.OWNER
    event = Event(
        case_id=case.id,
        at=clock.now(),
        kind=kind,
        summary=summary,
        agency_id=case.agency_id,
        marking=mark,
        scope=scope,
        created_by=actor.user_id,
    )
    session.add(event)
    session.flush()
    if scope is Scope.NAMED:
        for agency_id in case_shares(session, case):
            session.add(RecordShare(record_kind="event", record_id=event.id, agency_id=agency_id))
    audit.record(
        session,
        actor,
        "create",
        "event",
        str(event.id),
        {"case_id": str(case.id), **(detail or {})},
    )
    return event


def touched(session: Session, case: Case, agency_id: uuid.UUID, summary: str) -> None:
    """Tell watchers of the case that it changed (a CASE_UPDATED signal)."""
    signals.emit(
        session,
        signals.Signal(
            kind=signals.SignalKind.CASE_UPDATED,
            agency_id=agency_id,
            record_kind="case",
            record_id=str(case.id),
            summary=summary,
            subjects=(signals.Subject(signals.SubjectKind.CASE, str(case.id)),),
            case_id=case.id,
        ),
    )


def _record_marking(session: Session, kind: str, record_id: str) -> Marking | None:
    """The marking of the record a signal is about, when it is a marked record."""
    for mapper in Base.registry.mappers:
        model = mapper.class_
        if getattr(model, "__record_kind__", None) == kind and issubclass(model, MarkedMixin):
            try:
                key: Any = uuid.UUID(record_id)
            except ValueError:
                key = int(record_id) if record_id.isdigit() else record_id
            found = session.get(model, key)
            return found.marking if found is not None else None
    return None


def on_signals(session: Session, batch: list[signals.Signal]) -> None:
    """Add one timeline entry per signal that names a case (CASE_UPDATED excepted)."""
    for signal in batch:
        kind = SIGNAL_EVENTS.get(signal.kind)
        if kind is None or signal.case_id is None:
            continue
        case = session.get(Case, signal.case_id)
        if case is None:
            continue
        record_event(
            session,
            audit.SYSTEM,
            case,
            kind,
            signal.summary,
            marking=_record_marking(session, signal.record_kind, signal.record_id),
            detail={"signal": signal.kind.value, "record_kind": signal.record_kind},
        )


signals.subscribe(on_signals)
