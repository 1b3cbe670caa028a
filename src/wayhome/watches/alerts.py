"""Turning signals into alerts: who watches what was touched, and what each may learn.

A before-commit subscriber intersects each signal's subjects with the in-process index of
watched subjects (`index.INDEX`); only on a hit does it read the database. For each watcher
it applies the visibility rule to the triggering record: a record he may see gives an alert
that says what; one he may not see gives a hit (which agency, never what); a silent or RED
record tells him nothing and its holder is told instead. Alerts are inbox rows for the
watcher plus outbox rows (e-mail, the agency's webhooks), written in the same transaction.
After commit, the alerts are pushed to the watchers' open pages and the delivery worker is
woken. The composition root (`wayhome/compose.py`) subscribes both.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from wayhome.access import disclosure
from wayhome.access.disclosure import Disclosure
from wayhome.access.markings import Marking
from wayhome.access.models import MarkedMixin, User
from wayhome.access.records import Records, shares_of
from wayhome.access.services import viewer_of
from wayhome.access.visibility import READING_ROLES
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.db.base import Base, new_id, utcnow
from wayhome.inbox.models import Notification
from wayhome.intake.correlation import notify_silent_holders
from wayhome.intake.store import known_value_ids
from wayhome.signals import Signal, SignalKind, Subject, SubjectKind
from wayhome.watches.broker import BROKER, Event, announce_events
from wayhome.watches.index import INDEX
from wayhome.watches.models import Delivery, LocationState, Watch, WebhookEndpoint

ALERT = "watch_alert"  # the watcher may see the record
HIT = "watch_hit"  # he may not: which agency holds something, never what
HOLDER = "watch_silent_hit"  # to the holder of a silent record someone watches
_EVENTS = "wayhome.watches.events"
WAKE = threading.Event()  # set after commit when deliveries were queued


def event_id(note: Notification) -> str:
    """A stream event id that orders by time: microseconds since the epoch, then the id."""
    return f"{int(note.created_at.timestamp() * 1_000_000)}-{note.id.hex}"


def as_event_data(note: Notification) -> dict[str, Any]:
    """What a page and a webhook receive for one alert."""
    return {
        "id": str(note.id),
        "kind": note.kind,
        "subject": note.subject,
        "detail": note.detail,
        "created_at": note.created_at.isoformat(),
    }


def _marked_model(record_kind: str) -> type[MarkedMixin] | None:
    """The mapped intelligence class recorded under a kind (any engine's, found by name)."""
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if issubclass(cls, MarkedMixin) and getattr(cls, "__record_kind__", None) == record_kind:
            return cls
    return None


@dataclass
class _Touched:
    """One record a batch's signals touched, and the watched subjects among them."""

    signal: Signal
    subjects: dict[Subject, None] = field(default_factory=dict)


@dataclass(frozen=True)
class _Record:
    """The triggering record as the rule needs it."""

    record: MarkedMixin | None
    shared_with: set[uuid.UUID]
    silent: bool


def _load(session: Session, signal: Signal) -> _Record:
    model = _marked_model(signal.record_kind)
    if model is None:
        return _Record(None, set(), False)
    try:
        key: Any = uuid.UUID(signal.record_id)
    except ValueError:
        key = int(signal.record_id) if signal.record_id.isdigit() else signal.record_id
    record = session.get(model, key)
    if record is None:
        return _Record(None, set(), False)
    shared = set(shares_of(session, record))
    return _Record(record, shared, bool(getattr(record, "silent", False)))


VERDICTS: dict[Disclosure, str | None] = {
    Disclosure.SHOW: ALERT,
    Disclosure.HIT: HIT,
    Disclosure.TELL_HOLDER: HOLDER,
    Disclosure.NOTHING: None,
}


def decide(found: _Record, signal: Signal, watcher: User) -> str | None:
    """ALERT, HIT or HOLDER (the watcher learns nothing, the holder is told), or None when
    nobody learns anything (the disclosure rule, over the loaded record)."""
    viewer = viewer_of(watcher)
    if viewer.role not in READING_ROLES:
        return None
    if found.record is None:
        # Not a marked record (or gone): only its own agency hears what it is.
        return ALERT if signal.agency_id == viewer.agency_id else HIT
    return VERDICTS[disclosure.decide(viewer, found.record, found.shared_with, silent=found.silent)]


def _location_changed(session: Session, signal: Signal) -> bool:
    """Whether a case's ranking differs from the last one its computing agency saw."""
    if signal.case_id is None:
        return True
    digest = hashlib.sha256(
        json.dumps(signal.detail.get("top", []), sort_keys=True).encode()
    ).hexdigest()
    state = session.get(LocationState, (signal.case_id, signal.agency_id))
    if state is None:
        session.add(
            LocationState(case_id=signal.case_id, agency_id=signal.agency_id, fingerprint=digest)
        )
        return True
    if state.fingerprint == digest:
        return False
    state.fingerprint = digest
    return True


def _subjects_of(signal: Signal) -> tuple[Subject, ...]:
    """What a signal touches: its subjects, and the case its record was filed to."""
    if signal.case_id is None:
        return signal.subjects
    case = Subject(SubjectKind.CASE, str(signal.case_id))
    return signal.subjects if case in signal.subjects else (*signal.subjects, case)


def on_signals(session: Session, batch: list[Signal]) -> None:
    """Before commit: write alerts for the watchers of what this batch touched."""
    INDEX.ensure(session)
    touched: dict[tuple[str, str], _Touched] = {}
    for signal in batch:
        matched = INDEX.matching(_subjects_of(signal))
        if not matched:
            continue
        if signal.kind is SignalKind.LOCATION_CHANGED and not _location_changed(session, signal):
            continue
        entry = touched.setdefault((signal.record_kind, signal.record_id), _Touched(signal))
        entry.subjects.update(dict.fromkeys(matched))
    if touched:
        _alert(session, list(touched.values()))


def _watchers(session: Session, subjects: set[Subject]) -> dict[Subject, list[tuple[Watch, User]]]:
    keys = sorted({s.key for s in subjects})
    found: dict[Subject, list[tuple[Watch, User]]] = defaultdict(list)
    for start in range(0, len(keys), 500):
        stmt = (
            select(Watch, User)
            .join(User, User.id == Watch.user_id)
            .where(Watch.subject_key.in_(keys[start : start + 500]), User.active.is_(True))
        )
        for watch, user in session.execute(stmt):
            subject = Subject(SubjectKind(watch.subject_kind), watch.subject_key)
            if subject in subjects:
                found[subject].append((watch, user))
    return found


def _alert(session: Session, touched: list[_Touched]) -> None:
    watchers = _watchers(session, {s for t in touched for s in t.subjects})
    agencies: dict[uuid.UUID, Agency | None] = {}
    hooks: dict[uuid.UUID, list[WebhookEndpoint]] = {}
    events: list[Event] = session.info.setdefault(_EVENTS, [])
    first = len(events)
    for entry in touched:
        signal = entry.signal
        per_user: dict[uuid.UUID, tuple[User, list[Subject], bool]] = {}
        for subject in entry.subjects:
            for watch, user in watchers.get(subject, []):
                _, subjects, email = per_user.get(user.id, (user, [], False))
                per_user[user.id] = (user, [*subjects, subject], email or watch.email)
        if not per_user:
            continue
        found = _load(session, signal)
        # The holder of the record (a bank's owner when another agency matched it).
        holder_id = found.record.agency_id if found.record is not None else signal.agency_id
        for agency_id in (signal.agency_id, holder_id):
            if agency_id not in agencies:
                agencies[agency_id] = session.get(Agency, agency_id)
        for user, subjects, email in per_user.values():
            verdict = decide(found, signal, user)
            if verdict is None:
                continue
            if verdict == HOLDER:
                _tell_holder(session, signal, holder_id, user, subjects)
                continue
            source = agencies[signal.agency_id if verdict == ALERT else holder_id]
            note = _post(session, verdict, signal, source, user, subjects, found)
            events.append(Event(event_id(note), user.id, as_event_data(note)))
            _queue(session, note, user, email, hooks)
    # The other server processes hear of them at commit (PostgreSQL NOTIFY, broker.py).
    announce_events(session, events[first:])


def _keys(subjects: list[Subject]) -> list[str]:
    return [f"{s.kind.value}:{s.key}" for s in subjects]


def _post(
    session: Session,
    verdict: str,
    signal: Signal,
    source: Agency | None,
    user: User,
    subjects: list[Subject],
    found: _Record,
) -> Notification:
    watched = ", ".join(_keys(subjects))
    agency = {
        "agency_code": source.code if source else None,
        "agency_name": source.name if source else None,
    }
    if verdict == ALERT:
        subject = f"{signal.summary} — watched: {watched}"
        detail: dict[str, Any] = {
            "signal": signal.kind.value,
            "record_kind": signal.record_kind,
            "record_id": signal.record_id,
            "case_id": str(signal.case_id) if signal.case_id else None,
            "watched": _keys(subjects),
            **agency,
            # A ranking is computed from what its agency may see: only that agency hears it.
            "info": signal.detail
            if signal.kind is not SignalKind.LOCATION_CHANGED or user.agency_id == signal.agency_id
            else {},
        }
    else:
        name = source.name if source else "An agency"
        subject = f"{name} holds new intelligence touching {watched} (ask through channels)"
        detail = {"watched": _keys(subjects), **agency}
    note = Notification(
        id=new_id(),
        agency_id=user.agency_id,
        user_id=user.id,
        kind=verdict,
        subject=subject[:300],
        detail=detail,
        created_at=utcnow(),
    )
    session.add(note)
    if verdict == ALERT and found.record is not None and found.record.marking is not Marking.CLEAR:
        actor = audit.Actor(user.id, user.username, user.agency_id, "watch")
        audit.record(session, actor, "watch_alert", signal.record_kind, signal.record_id)
    return note


def _tell_holder(
    session: Session, signal: Signal, holder_id: uuid.UUID, user: User, subjects: list[Subject]
) -> None:
    """A silent (or RED) record: the watcher learns nothing, its holder is told (once per
    watched subject and watching agency)."""
    records = Records(session, viewer_of(user), "watch")
    selectors = [s for s in subjects if s.kind is SubjectKind.SELECTOR]
    if selectors:
        split = (s.key.partition(":") for s in selectors)
        keys = [(kind, canonical) for kind, _, canonical in split]
        values = {vid: key for key, vid in known_value_ids(session, keys).items()}
        notify_silent_holders(records, values, {v: {holder_id} for v in values})
    others = [s for s in subjects if s.kind is not SubjectKind.SELECTOR]
    for subject in others:
        key = f"{subject.kind.value}:{subject.key}:{user.agency_id}"
        watcher_agency = session.get(Agency, user.agency_id)
        disclosure.tell_holder_once(
            session,
            records.actor,
            holder_id,
            kind=HOLDER,
            key=key,
            subject=f"{watcher_agency.name if watcher_agency else 'An agency'} watches a "
            f"{subject.kind.value} that your silent record touches",
            detail={
                "key": key,
                "watched": f"{subject.kind.value}:{subject.key}",
                "record_kind": signal.record_kind,
                "record_id": signal.record_id,
                "watcher_agency": str(user.agency_id),
            },
            record_kind=signal.record_kind,
            record_id=signal.record_id,
        )


def _queue(
    session: Session,
    note: Notification,
    user: User,
    email: bool,
    hooks: dict[uuid.UUID, list[WebhookEndpoint]],
) -> None:
    """Outbox rows: e-mail when the watch asks and the user has an address; each webhook."""
    payload = as_event_data(note)
    if email and user.email:
        session.add(
            Delivery(
                channel="email",
                agency_id=user.agency_id,
                notification_id=note.id,
                user_id=user.id,
                payload={**payload, "to": user.email},
            )
        )
    if user.agency_id not in hooks:
        hooks[user.agency_id] = list(
            session.scalars(
                select(WebhookEndpoint).where(
                    WebhookEndpoint.agency_id == user.agency_id, WebhookEndpoint.active.is_(True)
                )
            )
        )
    for endpoint in hooks[user.agency_id]:
        session.add(
            Delivery(
                channel="webhook",
                agency_id=user.agency_id,
                notification_id=note.id,
                user_id=user.id,
                endpoint_id=endpoint.id,
                payload=payload,
            )
        )


def after_commit(session: Session, batch: list[Signal]) -> None:
    """After commit: push the alerts to open pages and wake the delivery worker."""
    events: list[Event] = session.info.pop(_EVENTS, [])
    if events:
        BROKER.publish(events)
        WAKE.set()


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_EVENTS, None)
