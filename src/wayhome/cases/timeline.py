"""Timeline entries the system writes itself: from the workflow and from engines' signals.

`record_event` writes an entry held by the case's agency, audited, that goes only where the
case and every record it was made from go (`access.visibility.common_reach`), and nowhere
when the case's own agency may not see one of them. `on_signals` is a before-commit
subscriber: each signal naming a case becomes a timeline entry whose summary is the signal's
own, made from the signal's record (for an identity link, also from both its ends). A query's
result by another agency (a ranking, a hash match) is that agency's, never the case's, and
adds nothing. The composition root (`wayhome/compose.py`) subscribes it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from wayhome import clock, signals
from wayhome.access.markings import Scope
from wayhome.access.models import MarkedMixin
from wayhome.access.records import share, shares_of
from wayhome.access.visibility import Reach, common_reach
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
# Results of a query: on the timeline only when the case's own agency asked.
QUERY_RESULTS = frozenset({signals.SignalKind.LOCATION_CHANGED, signals.SignalKind.HASH_MATCH})


def _model(kind: str) -> type[MarkedMixin] | None:
    """The marked model whose records are of this kind."""
    for mapper in Base.registry.mappers:
        model = mapper.class_
        if getattr(model, "__record_kind__", None) == kind and issubclass(model, MarkedMixin):
            return model
    return None


def _get(session: Session, kind: str, record_id: Any) -> MarkedMixin | None:
    """A marked record by kind and id (a UUID, an integer or a string), or None."""
    model = _model(kind)
    if model is None:
        return None
    key: Any = record_id
    if isinstance(record_id, str):
        try:
            key = uuid.UUID(record_id)
        except ValueError:
            key = int(record_id) if record_id.isdigit() else record_id
    return session.get(model, key)


def reach_of(session: Session, record: MarkedMixin) -> Reach:
    """Where a record goes; a part (a selector, a bank hash) is shared and silent as its whole."""
    kind, column = type(record).share_key()
    whole_id = getattr(record, column.key)
    shared = shares_of(session, record)
    whole: MarkedMixin | None = record
    if kind != type(record).__record_kind__:
        whole = _get(session, kind, whole_id) if whole_id is not None else None
    silent = bool(getattr(whole, "silent", False))
    return Reach(record.agency_id, record.marking, record.scope, frozenset(shared), silent)


def record_event(
    session: Session,
    actor: audit.Actor,
    case: Case,
    kind: str,
    summary: str,
    *,
    sources: Sequence[MarkedMixin] = (),
    detail: dict[str, Any] | None = None,
) -> Event | None:
    """Write a system timeline entry held by the case's agency, going only where the case and
    every source go, audited; None (nothing written) when that leaves out the case's agency."""
    reach = common_reach(
        case.agency_id, [reach_of(session, case), *(reach_of(session, s) for s in sources)]
    )
    if reach is None:
        return None
    event = Event(
        case_id=case.id,
        at=clock.now(),
        kind=kind,
        summary=summary,
        agency_id=reach.agency_id,
        marking=reach.marking,
        scope=reach.scope,
        created_by=actor.user_id,
    )
    session.add(event)
    session.flush()
    if reach.scope is Scope.NAMED:
        share(session, [event], sorted(reach.shared_with))
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


def _sources(session: Session, signal: signals.Signal) -> list[MarkedMixin] | None:
    """The records a signal's entry is made from; None when one of them is gone (an unmarked
    record, such as a case's own ranking, adds none)."""
    record = _get(session, signal.record_kind, signal.record_id)
    if record is None:
        return [] if _model(signal.record_kind) is None else None
    found = [record]
    for ref in (getattr(record, "left_ref", None), getattr(record, "right_ref", None)):
        if ref is None:
            continue
        kind, _, key = str(ref).partition(":")
        end = _get(session, kind, key)
        if end is None:
            return None
        found.append(end)
    return found


def on_signals(session: Session, batch: list[signals.Signal]) -> None:
    """Add one timeline entry per signal that names a case (CASE_UPDATED excepted), where the
    case and the signal's records all go."""
    for signal in batch:
        kind = SIGNAL_EVENTS.get(signal.kind)
        if kind is None or signal.case_id is None:
            continue
        case = session.get(Case, signal.case_id)
        if case is None:
            continue
        if signal.kind in QUERY_RESULTS and signal.agency_id != case.agency_id:
            continue
        sources = _sources(session, signal)
        if sources is None:
            continue
        record_event(
            session,
            audit.SYSTEM,
            case,
            kind,
            signal.summary,
            sources=sources,
            detail={"signal": signal.kind.value, "record_kind": signal.record_kind},
        )
