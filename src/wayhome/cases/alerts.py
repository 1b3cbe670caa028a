"""Cross-border alerts: issue to all or named agencies, acknowledge, escalate when ignored.

Issuing an alert shares the case and its missing child with the recipients (a case kept by
its owner becomes shared with the named recipients; RED never goes to all agencies) and
leaves a message in each recipient's inbox. `escalate_due` — run by the server's background
loop and by `wayhome alerts escalate` — re-notifies a recipient that has not acknowledged
after `alert_renotify_minutes`, then tells its supervisors after `alert_escalate_minutes`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wayhome import clock
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import MarkedMixin, Role, User
from wayhome.access.records import Page, Records
from wayhome.access.visibility import READING_ROLES
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.cases.models import (
    Alert,
    AlertRecipient,
    Case,
    CaseStatus,
    Event,
    Person,
    PersonRole,
)
from wayhome.cases.schemas import AlertIn
from wayhome.cases.timeline import record_event, touched
from wayhome.cases.workflow import require_owner, transition
from wayhome.errors import Forbidden, InvalidInput, NotFound
from wayhome.inbox import services as inbox
from wayhome.settings import Settings

SYSTEM_EVENT_KINDS = frozenset(
    {"reported", "alert_sent", "acknowledged", "alert_escalated", "notice", "last_seen"}
)


def _resolve_agencies(records: Records, wanted: list[str]) -> list[Agency]:
    """Agencies named by id or code; each unknown one is an error naming its place."""
    session = records.session
    found: list[Agency] = []
    for index, key in enumerate(wanted):
        location = f"body.agencies[{index}]"
        agency: Agency | None
        try:
            agency = session.get(Agency, uuid.UUID(key))
        except ValueError:
            agency = session.scalar(select(Agency).where(Agency.code == key.strip()))
        if agency is None or not agency.active:
            raise InvalidInput("no such member agency", location=location)
        if agency.id == records.viewer.agency_id:
            raise InvalidInput("an alert goes to other agencies, not your own", location=location)
        if agency not in found:
            found.append(agency)
    if not found:
        raise InvalidInput(
            "name at least one agency, or leave 'agencies' out", location="body.agencies"
        )
    return found


def _extend_shares(records: Records, record: MarkedMixin, agencies: list[uuid.UUID]) -> bool:
    """Share a record with more agencies (owner-only becomes named); True when it changed."""
    if record.scope is Scope.ALL:
        return False
    have = set(records.shares_of(record))
    missing = [a for a in agencies if a not in have and a != record.agency_id]
    if record.scope is Scope.NAMED and not missing:
        return False
    record.scope = Scope.NAMED
    records.share([record], missing)
    return True


def issue_alert(records: Records, case_id: uuid.UUID, data: AlertIn) -> Alert:
    """Alert all member agencies or the named ones about a case; each must acknowledge."""
    records.require_writer()
    case = records.get(Case, case_id)
    require_owner(records, case, "issue an alert about it")
    session = records.session
    to_all = data.agencies is None
    if to_all:
        if case.marking is Marking.RED:
            raise InvalidInput(
                "a RED case is alerted to named agencies only", location="body.agencies"
            )
        agencies = list(
            session.scalars(
                select(Agency)
                .where(Agency.active.is_(True), Agency.id != records.viewer.agency_id)
                .order_by(Agency.country, Agency.name)
            )
        )
        if not agencies:
            raise InvalidInput("there is no other member agency to alert", location="body.agencies")
    else:
        agencies = _resolve_agencies(records, data.agencies or [])
    ids = [a.id for a in agencies]
    # The recipients must be able to read what they are alerted about.
    shared = [case]
    shared += list(
        session.scalars(
            select(Person).where(
                Person.case_id == case.id,
                Person.role == PersonRole.MISSING_CHILD,
                Person.agency_id == case.agency_id,
            )
        )
    )
    shared += list(
        session.scalars(
            select(Event).where(
                Event.case_id == case.id,
                Event.agency_id == case.agency_id,
                Event.kind.in_(SYSTEM_EVENT_KINDS),
            )
        )
    )
    widened = [str(r.id) for r in shared if _extend_shares(records, r, ids)]
    if widened:
        records.changed(case, {"shared_for_alert": widened, "agencies": [str(i) for i in ids]})
    now = clock.now()
    alert = Alert(
        case_id=case.id,
        agency_id=records.viewer.agency_id,
        issued_by=records.viewer.user_id,
        issued_at=now,
        to_all=to_all,
        message=data.message,
        recipients=[AlertRecipient(agency_id=i, notified_at=now) for i in ids],
    )
    session.add(alert)
    session.flush()
    audit.record(
        session,
        records.actor,
        "create",
        "case_alert",
        str(alert.id),
        {"case_id": str(case.id), "agencies": [str(i) for i in ids]},
    )
    issuer = session.get(Agency, records.viewer.agency_id)
    for agency in agencies:
        inbox.post(
            session,
            agency.id,
            "case_alert",
            f"Alert from {issuer.name if issuer else 'a member agency'}: {case.title}"[:300],
            {"case_id": str(case.id), "alert_id": str(alert.id), "message": data.message},
        )
    names = ", ".join(a.code for a in agencies) if not to_all else "all member agencies"
    record_event(session, records.actor, case, "alert_sent", f"Alert sent to {names}"[:5000])
    if case.status is CaseStatus.REPORTED:
        transition(records, case, CaseStatus.ALERT_ISSUED, None, "")
    touched(session, case, records.viewer.agency_id, "Alert issued")
    return alert


def _alert_for(records: Records, alert_id: uuid.UUID) -> tuple[Alert, Case]:
    """An alert about a case the caller may see; otherwise 404, whether hidden or missing."""
    alert = records.session.get(Alert, alert_id)
    if alert is None:
        raise NotFound("no alert with this id")
    try:
        case = records.get(Case, alert.case_id)
    except NotFound:
        raise NotFound("no alert with this id") from None
    return alert, case


def acknowledge(records: Records, alert_id: uuid.UUID) -> AlertRecipient:
    """The caller's agency acknowledges an alert it received (again: nothing changes)."""
    if records.viewer.role not in READING_ROLES:
        raise Forbidden(f"the {records.viewer.role} role does not acknowledge alerts")
    alert, case = _alert_for(records, alert_id)
    mine = next((r for r in alert.recipients if r.agency_id == records.viewer.agency_id), None)
    if mine is None:
        raise Forbidden("your agency was not alerted by this alert", location="path.alert_id")
    if mine.acknowledged_at is not None:
        return mine
    session = records.session
    mine.acknowledged_at = clock.now()
    mine.acknowledged_by = records.viewer.user_id
    session.flush()
    audit.record(
        session,
        records.actor,
        "update",
        "case_alert",
        str(alert.id),
        {"acknowledged_by_agency": str(records.viewer.agency_id)},
    )
    agency = session.get(Agency, records.viewer.agency_id)
    label = f"{agency.name} ({agency.country})" if agency else "a recipient agency"
    record_event(session, records.actor, case, "acknowledged", f"Alert acknowledged by {label}")
    inbox.post(
        session,
        alert.agency_id,
        "alert_acknowledged",
        f"{label} acknowledged your alert: {case.title}"[:300],
        {"case_id": str(case.id), "alert_id": str(alert.id)},
    )
    touched(session, case, records.viewer.agency_id, f"Alert acknowledged by {label}")
    return mine


def alerts_of(records: Records, case: Case) -> list[Alert]:
    """A visible case's alerts, newest first."""
    stmt = select(Alert).where(Alert.case_id == case.id).order_by(Alert.issued_at.desc())
    return list(records.session.scalars(stmt))


@dataclass(frozen=True)
class Pending:
    """An alert awaiting the caller's agency's acknowledgement."""

    alert: Alert
    case: Case
    recipient: AlertRecipient
    from_agency: Agency


def pending_for(records: Records) -> list[Pending]:
    """Alerts to the caller's agency that nobody there has acknowledged yet, oldest first."""
    if records.viewer.role not in READING_ROLES:
        return []
    session = records.session
    rows = session.execute(
        select(AlertRecipient, Alert, Agency)
        .join(Alert, Alert.id == AlertRecipient.alert_id)
        .join(Agency, Agency.id == Alert.agency_id)
        .where(
            AlertRecipient.agency_id == records.viewer.agency_id,
            AlertRecipient.acknowledged_at.is_(None),
        )
        .order_by(AlertRecipient.notified_at)
        .limit(200)
    ).all()
    visible = records.visible_ids(Case, {alert.case_id for _, alert, _ in rows})
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(visible)))}
    found = [
        Pending(alert, cases[alert.case_id], recipient, agency)
        for recipient, alert, agency in rows
        if alert.case_id in cases
    ]
    records.audit_listing(Case, [p.case for p in found], {"view": "pending alerts"})
    return found


ALERT_SORTS = ("notified", "case")


def received(
    records: Records,
    *,
    pending_only: bool = False,
    text: str = "",
    sort: str = "notified",
    descending: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> Page[Pending]:
    """The alerts sent to the caller's agency about cases it may see — each with its message —
    filtered (pending only; text in the case's title or reference or the message), sorted and
    paged; the total counts only alerts about visible cases."""
    if records.viewer.role not in READING_ROLES:
        return Page([], 0, limit, offset)
    visible = records.visibility.clause(Case)
    stmt = (
        select(AlertRecipient, Alert, Agency, Case)
        .join(Alert, Alert.id == AlertRecipient.alert_id)
        .join(Agency, Agency.id == Alert.agency_id)
        .join(Case, Case.id == Alert.case_id)
        .where(AlertRecipient.agency_id == records.viewer.agency_id, visible)
    )
    if pending_only:
        stmt = stmt.where(AlertRecipient.acknowledged_at.is_(None))
    words = text.strip()
    if words:
        stmt = stmt.where(
            Case.title.icontains(words, autoescape=True)
            | Case.reference.icontains(words, autoescape=True)
            | Alert.message.icontains(words, autoescape=True)
        )
    total = records.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    column = Case.title if sort == "case" else AlertRecipient.notified_at
    order = column.desc() if descending else column.asc()
    rows = records.session.execute(
        stmt.order_by(order, AlertRecipient.id).limit(limit).offset(offset)
    ).all()
    found = [Pending(alert, case, recipient, agency) for recipient, alert, agency, case in rows]
    records.audit_listing(Case, [p.case for p in found], {"view": "alerts received"})
    return Page(found, int(total), limit, offset)


def pending_seconds(recipient: AlertRecipient, now: datetime) -> int | None:
    """How long a recipient has left an alert unacknowledged (None once acknowledged)."""
    if recipient.acknowledged_at is not None:
        return None
    return max(0, int((now - recipient.notified_at).total_seconds()))


@dataclass(frozen=True)
class Escalation:
    """What one escalation run did."""

    renotified: int
    escalated: int


def escalate_due(session: Session, now: datetime, settings: Settings) -> Escalation:
    """Re-notify recipients silent past T1 and tell their supervisors past T2; never twice."""
    first = now - timedelta(minutes=settings.alert_renotify_minutes)
    second = now - timedelta(minutes=settings.alert_escalate_minutes)
    rows = session.execute(
        select(AlertRecipient, Alert, Case)
        .join(Alert, Alert.id == AlertRecipient.alert_id)
        .join(Case, Case.id == Alert.case_id)
        .where(
            AlertRecipient.acknowledged_at.is_(None),
            AlertRecipient.notified_at <= first,
            (AlertRecipient.renotified_at.is_(None)) | (AlertRecipient.escalated_at.is_(None)),
        )
        .order_by(AlertRecipient.notified_at)
        # Every server process runs this pass: on PostgreSQL a row another pass holds is left
        # to it, so no recipient is reminded or escalated twice (SQLite has one writer).
        .with_for_update(of=AlertRecipient, skip_locked=True)
    ).all()
    renotified = escalated = 0
    for recipient, alert, case in rows:
        detail = {"case_id": str(case.id), "alert_id": str(alert.id)}
        if recipient.renotified_at is None:
            inbox.post(
                session,
                recipient.agency_id,
                "case_alert_reminder",
                f"Reminder: alert not yet acknowledged: {case.title}"[:300],
                detail,
            )
            recipient.renotified_at = now
            renotified += 1
            audit.record(
                session, audit.SYSTEM, "update", "case_alert", str(alert.id), {"renotified": 1}
            )
        if recipient.escalated_at is None and recipient.notified_at <= second:
            supervisors = list(
                session.scalars(
                    select(User).where(
                        User.agency_id == recipient.agency_id,
                        User.role == Role.SUPERVISOR,
                        User.active.is_(True),
                    )
                )
            )
            for supervisor in supervisors:
                note = inbox.post(
                    session,
                    recipient.agency_id,
                    "case_alert_escalated",
                    f"Escalated: your agency has not acknowledged an alert: {case.title}"[:300],
                    {**detail, "supervisor": supervisor.username},
                )
                note.user_id = supervisor.id
            recipient.escalated_at = now
            escalated += 1
            agency = session.get(Agency, recipient.agency_id)
            record_event(
                session,
                audit.SYSTEM,
                case,
                "alert_escalated",
                f"Alert unacknowledged by {agency.name if agency else 'an agency'}: "
                f"escalated to its supervisors",
            )
            audit.record(
                session,
                audit.SYSTEM,
                "update",
                "case_alert",
                str(alert.id),
                {"escalated_to": [s.username for s in supervisors]},
            )
            touched(session, case, alert.agency_id, "Alert escalated")
    session.flush()
    return Escalation(renotified, escalated)
