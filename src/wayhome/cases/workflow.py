"""The missing-child workflow: intake, status lifecycle, tasks, notices and portraits.

Every operation goes through the caller's `Records` gate (the case must be visible to him),
records what changed on the timeline and in the audit log, and tells watchers of the case.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from wayhome import clock
from wayhome.access.markings import Marking
from wayhome.access.models import Role, User
from wayhome.access.records import Records
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.cases import services
from wayhome.cases.models import (
    Case,
    CaseKind,
    CaseStatus,
    Notice,
    NoticeVisibility,
    Outcome,
    Person,
    PersonRole,
    Portrait,
    Task,
    TaskKind,
    TaskState,
    Transition,
)
from wayhome.cases.portraits import clean_portrait, new_picture_id
from wayhome.cases.schemas import CaseIn, MissingChildIn, PersonIn, StatusIn, TaskIn, TaskUpdate
from wayhome.cases.timeline import record_event, touched
from wayhome.cases.urgency import Urgency, assess
from wayhome.errors import Forbidden, InvalidInput, NotFound
from wayhome.settings import Settings

# The lifecycle: reported → alert issued → active search → located → reunited/closed.
# ALERT_ISSUED is reached by issuing an alert (alerts.issue_alert), never by a status request.
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.REPORTED: frozenset(
        {CaseStatus.ALERT_ISSUED, CaseStatus.ACTIVE_SEARCH, CaseStatus.LOCATED, CaseStatus.CLOSED}
    ),
    CaseStatus.ALERT_ISSUED: frozenset(
        {CaseStatus.ACTIVE_SEARCH, CaseStatus.LOCATED, CaseStatus.CLOSED}
    ),
    CaseStatus.ACTIVE_SEARCH: frozenset({CaseStatus.LOCATED, CaseStatus.CLOSED}),
    CaseStatus.LOCATED: frozenset(
        {CaseStatus.REUNITED, CaseStatus.ACTIVE_SEARCH, CaseStatus.CLOSED}
    ),
    CaseStatus.REUNITED: frozenset({CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}
# Created when the child is located: (title, hours until due).
SUPPORT_TEMPLATE: tuple[tuple[str, int], ...] = (
    ("Medical examination of the child", 12),
    ("Psychological first aid and assessment", 24),
    ("Family liaison: inform and support the guardians", 6),
)
STATUS_WORDS = {
    CaseStatus.REPORTED: "reported",
    CaseStatus.ALERT_ISSUED: "alert issued",
    CaseStatus.ACTIVE_SEARCH: "active search",
    CaseStatus.LOCATED: "located",
    CaseStatus.REUNITED: "reunited",
    CaseStatus.CLOSED: "closed",
}


def allowed_next(status: CaseStatus) -> list[CaseStatus]:
    """Statuses a case may move to by a status request from `status`."""
    return [s for s in CaseStatus if s in TRANSITIONS[status] and s is not CaseStatus.ALERT_ISSUED]


def require_owner(records: Records, case: Case, what: str) -> None:
    """Only the agency that owns a case changes its status, alerts, notice and portrait."""
    if case.agency_id != records.viewer.agency_id:
        raise Forbidden(f"only the agency that owns the case can {what}", location="path.case_id")


# -- intake -----------------------------------------------------------------------------------
def open_missing_child(
    records: Records, data: MissingChildIn, settings: Settings, portrait: bytes | None = None
) -> Case:
    """Open a missing-child case with the child, the urgency computed, and the portrait."""
    records.require_writer()
    now = clock.now()
    born = data.child.date_of_birth
    if born > now.date():
        raise InvalidInput(
            "the date of birth is in the future", location="body.child.date_of_birth"
        )
    if data.last_seen_at > now + timedelta(minutes=5):
        raise InvalidInput("the last-seen time is in the future", location="body.last_seen_at")
    if data.last_seen_at.date() < born:
        raise InvalidInput(
            "the child was last seen before the date of birth", location="body.last_seen_at"
        )
    if portrait is not None:  # check the picture before anything is written
        cleaned = clean_portrait(
            portrait,
            settings.portrait_max_bytes,
            settings.portrait_max_pixels,
            settings.portrait_max_side,
            "body.portrait",
        )
    urgency = assess(born, data.suspected_abduction, data.online_link, data.last_seen_at, now)
    name = data.child.names[0].full_name
    title = data.title or f"Missing child: {name}, last seen {data.last_seen_place}"
    case = services.open_case(
        records,
        CaseIn(
            title=title[:300],
            summary=data.circumstances[:20000],
            kind=CaseKind.MISSING_CHILD,
            priority=urgency.priority,
            marking=data.marking,
            scope=data.scope,
            shared_with=data.shared_with,
        ),
    )
    case.last_seen_at = data.last_seen_at
    case.last_seen_place = data.last_seen_place
    case.last_seen_country = data.last_seen_country.upper()
    case.circumstances = data.circumstances
    case.suspected_abduction = data.suspected_abduction
    case.online_link = data.online_link
    case.guardians = [g.model_dump() for g in data.guardians]
    child = data.child
    person = services.add_person(
        records,
        case.id,
        PersonIn(
            role=PersonRole.MISSING_CHILD,
            names=child.names,
            date_of_birth=born,
            sex=child.sex,
            nationalities=child.nationalities,
            description=child.description,
            marking=data.marking,
            scope=data.scope,
            shared_with=data.shared_with,
        ),
    )
    person.languages = child.languages
    person.height_cm = child.height_cm
    person.weight_kg = child.weight_kg
    person.eye_colour = child.eye_colour.upper() if child.eye_colour else None
    person.hair_colour = child.hair_colour.upper() if child.hair_colour else None
    person.distinguishing_marks = child.distinguishing_marks
    records.changed(case, {"intake": "missing_child", "urgency": urgency.score})
    if portrait is not None:
        _store_portrait(records, case, person, cleaned)
    touched(records.session, case, records.viewer.agency_id, "Missing-child case opened")
    return case


def missing_child(records: Records, case: Case) -> Person | None:
    """The case's missing child as far as the caller may see him or her."""
    found = records.find(
        Person,
        Person.case_id == case.id,
        Person.role == PersonRole.MISSING_CHILD,
        order_by=[Person.created_at],
        limit=1,
    )
    return found.items[0] if found.items else None


def urgency_of(records: Records, case: Case) -> Urgency:
    """The case's urgency now (it grows with the time elapsed, never below its priority)."""
    child = missing_child(records, case)
    born = child.date_of_birth if child else None
    return assess(
        born,
        case.suspected_abduction,
        case.online_link,
        case.last_seen_at,
        clock.now(),
        case.priority,
    )


# -- status -----------------------------------------------------------------------------------
def change_status(records: Records, case_id: uuid.UUID, data: StatusIn) -> Case:
    """Move a case along its lifecycle; the transition is recorded and put on the timeline."""
    records.require_writer()
    case = records.get(Case, case_id)
    require_owner(records, case, "change its status")
    if data.status is case.status and data.outcome in (None, case.outcome):
        return case  # asking again for the status it has changes nothing
    if data.status is CaseStatus.ALERT_ISSUED:
        raise InvalidInput(
            "issue an alert to move a case to 'alert issued'", location="body.status"
        )
    if data.status not in TRANSITIONS[case.status]:
        allowed = ", ".join(s.value for s in allowed_next(case.status)) or "none (closed)"
        raise InvalidInput(
            f"a case cannot go from {case.status.value} to {data.status.value}; allowed: {allowed}",
            location="body.status",
        )
    outcome = data.outcome
    if data.status is CaseStatus.CLOSED and outcome is None:
        raise InvalidInput("closing a case needs an outcome", location="body.outcome")
    if data.status is CaseStatus.REUNITED:
        outcome = outcome or Outcome.REUNITED
    elif data.status is not CaseStatus.CLOSED and outcome is not None:
        raise InvalidInput(
            "an outcome is given only when reuniting or closing", location="body.outcome"
        )
    previous = case.status
    transition(records, case, data.status, outcome, data.note)
    if data.status is CaseStatus.LOCATED:
        _support_tasks(records, case)
    records.changed(
        case,
        {
            "status": [previous.value, data.status.value],
            "outcome": outcome.value if outcome else None,
        },
    )
    return case


def transition(
    records: Records, case: Case, to: CaseStatus, outcome: Outcome | None, note: str
) -> None:
    """Record one status change on the case, in the history and on the timeline."""
    now = clock.now()
    records.session.add(
        Transition(
            case_id=case.id,
            from_status=case.status,
            to_status=to,
            at=now,
            user_id=records.viewer.user_id,
            agency_id=records.viewer.agency_id,
            outcome=outcome,
            note=note,
        )
    )
    case.status = to
    if outcome is not None:
        case.outcome = outcome
    if to is CaseStatus.CLOSED:
        case.closed_at = now
    summary = f"Status: {STATUS_WORDS[to]}"
    if outcome is not None:
        summary += f" (outcome: {outcome.value.replace('_', ' ')})"
    if note:
        summary += f" — {note}"
    record_event(records.session, records.actor, case, to.value, summary)
    touched(records.session, case, records.viewer.agency_id, summary)


def transitions(records: Records, case: Case) -> list[Transition]:
    """A visible case's status history, oldest first."""
    stmt = select(Transition).where(Transition.case_id == case.id).order_by(Transition.at)
    return list(records.session.scalars(stmt))


# -- tasks ------------------------------------------------------------------------------------
def _support_tasks(records: Records, case: Case) -> None:
    """After the child is found: medical, psychological and family-liaison tasks, once."""
    have = records.session.scalar(
        select(Task.id).where(Task.case_id == case.id, Task.kind == TaskKind.SUPPORT).limit(1)
    )
    if have is not None:
        return
    now = clock.now()
    for title, hours in SUPPORT_TEMPLATE:
        task = Task(
            case_id=case.id,
            agency_id=records.viewer.agency_id,
            kind=TaskKind.SUPPORT,
            title=title,
            assignee_agency_id=case.agency_id,
            due_at=now + timedelta(hours=hours),
            created_by=records.viewer.user_id,
        )
        records.session.add(task)
        records.session.flush()
        audit.record(
            records.session, records.actor, "create", "case_task", str(task.id), {"template": title}
        )


def add_task(records: Records, case_id: uuid.UUID, data: TaskIn) -> Task:
    """Assign work on a visible case to an agency (default: the caller's) or one of its users."""
    records.require_writer()
    case = records.get(Case, case_id)
    session = records.session
    agency_id = data.assignee_agency_id or records.viewer.agency_id
    if session.get(Agency, agency_id) is None:
        raise InvalidInput("no such agency", location="body.assignee_agency_id")
    if data.assignee_user_id is not None:
        user = session.get(User, data.assignee_user_id)
        if user is None or user.agency_id != agency_id:
            raise InvalidInput(
                "no such user in the assigned agency", location="body.assignee_user_id"
            )
    task = Task(
        case_id=case.id,
        agency_id=records.viewer.agency_id,
        kind=data.kind,
        title=data.title.strip(),
        assignee_agency_id=agency_id,
        assignee_user_id=data.assignee_user_id,
        due_at=data.due_at,
        created_by=records.viewer.user_id,
    )
    session.add(task)
    session.flush()
    audit.record(
        session, records.actor, "create", "case_task", str(task.id), {"case_id": str(case.id)}
    )
    if task.kind is TaskKind.OPERATION:
        record_event(session, records.actor, case, "operation", f"Operation planned: {task.title}")
    touched(session, case, records.viewer.agency_id, f"Task added: {task.title}")
    return task


def update_task(records: Records, case_id: uuid.UUID, task_id: uuid.UUID, data: TaskUpdate) -> Task:
    """Move a task along (by its creating or assigned agency); an operation ends with an outcome."""
    records.require_writer()
    case = records.get(Case, case_id)
    session = records.session
    task = session.get(Task, task_id)
    if task is None or task.case_id != case.id:
        raise NotFound("no task with this id")
    if records.viewer.agency_id not in (task.agency_id, task.assignee_agency_id):
        raise Forbidden(
            "only the creating or the assigned agency updates a task", location="path.task_id"
        )
    if data.state is task.state and data.outcome in ("", task.outcome):
        return task
    if (
        task.kind is TaskKind.OPERATION
        and data.state is TaskState.DONE
        and not (data.outcome or task.outcome).strip()
    ):
        raise InvalidInput("an operation is done only with its outcome", location="body.outcome")
    before = task.state
    task.state = data.state
    if data.outcome:
        task.outcome = data.outcome
    session.flush()
    audit.record(
        session,
        records.actor,
        "update",
        "case_task",
        str(task.id),
        {"state": [before.value, task.state.value]},
    )
    if task.kind is TaskKind.OPERATION and task.state is TaskState.DONE:
        record_event(
            session, records.actor, case, "operation", f"Operation {task.title}: {task.outcome}"
        )
    touched(session, case, records.viewer.agency_id, f"Task {task.title}: {task.state.value}")
    return task


def tasks_of(records: Records, case: Case) -> list[Task]:
    """A visible case's tasks, by due time."""
    stmt = select(Task).where(Task.case_id == case.id).order_by(Task.created_at)
    found = list(records.session.scalars(stmt))
    return sorted(found, key=lambda t: (t.due_at is None, t.due_at or t.created_at))


def is_overdue(task: Task, now: datetime) -> bool:
    """Whether an unfinished task is past its due time."""
    open_states = (TaskState.OPEN, TaskState.IN_PROGRESS)
    return task.state in open_states and task.due_at is not None and task.due_at < now


# -- notices ----------------------------------------------------------------------------------
def _entity_id(records: Records) -> str:
    year = clock.now().year
    while True:
        candidate = f"{year}/{secrets.randbelow(90000) + 10000}"
        taken = records.session.scalar(select(Notice.id).where(Notice.entity_id == candidate))
        if taken is None:
            return candidate


def set_notice(records: Records, case_id: uuid.UUID, visibility: NoticeVisibility) -> Notice:
    """Give a case a yellow notice (restricted or public), change it, or withdraw it."""
    records.require_writer()
    case = records.get(Case, case_id)
    require_owner(records, case, "issue or change its notice")
    child = missing_child(records, case)
    if visibility is NoticeVisibility.PUBLIC:
        if records.viewer.role not in (Role.INVESTIGATOR, Role.SUPERVISOR):
            raise Forbidden("only investigators and supervisors make a notice public")
        if case.marking is Marking.RED:
            raise InvalidInput(
                "a RED case cannot carry a public notice", location="body.visibility"
            )
        if child is None or not child.names:
            raise InvalidInput(
                "a public notice needs the missing child's name", location="body.visibility"
            )
    session = records.session
    notice = session.scalar(select(Notice).where(Notice.case_id == case.id))
    if notice is not None and notice.visibility is visibility:
        return notice
    if notice is None:
        if visibility is NoticeVisibility.WITHDRAWN:
            raise InvalidInput("the case has no notice to withdraw", location="body.visibility")
        notice = Notice(
            case_id=case.id,
            person_id=child.id if child else None,
            entity_id=_entity_id(records),
            visibility=visibility,
            issued_by=records.viewer.user_id,
        )
        session.add(notice)
    else:
        notice.visibility = visibility
        if child is not None:
            notice.person_id = child.id
    if visibility is NoticeVisibility.PUBLIC and notice.published_at is None:
        notice.published_at = clock.now()
    session.flush()
    audit.record(
        session,
        records.actor,
        "update",
        "notice",
        notice.entity_id,
        {"case_id": str(case.id), "visibility": visibility.value},
    )
    summary = f"Yellow notice {notice.entity_id}: {visibility.value}"
    record_event(session, records.actor, case, "notice", summary)
    touched(session, case, records.viewer.agency_id, summary)
    return notice


def notice_of(records: Records, case: Case) -> Notice | None:
    """A visible case's notice, if it has one."""
    return records.session.scalar(select(Notice).where(Notice.case_id == case.id))


# -- portrait ---------------------------------------------------------------------------------
def _store_portrait(records: Records, case: Case, person: Person | None, cleaned: Any) -> Portrait:
    session = records.session
    session.execute(delete(Portrait).where(Portrait.case_id == case.id))
    portrait = Portrait(
        case_id=case.id,
        person_id=person.id if person else None,
        picture_id=new_picture_id(),
        media_type="image/jpeg",
        width=cleaned.width,
        height=cleaned.height,
        image=cleaned.image,
        thumbnail=cleaned.thumbnail,
        uploaded_by=records.viewer.user_id,
    )
    session.add(portrait)
    session.flush()
    audit.record(
        session,
        records.actor,
        "create",
        "portrait",
        portrait.picture_id,
        {"case_id": str(case.id), "bytes": len(cleaned.image)},
    )
    return portrait


def store_portrait(
    records: Records, case_id: uuid.UUID, data: bytes, settings: Settings
) -> Portrait:
    """Check, clean and store the family's portrait of the missing child (replacing any)."""
    records.require_writer()
    case = records.get(Case, case_id)
    require_owner(records, case, "store its portrait")
    cleaned = clean_portrait(
        data,
        settings.portrait_max_bytes,
        settings.portrait_max_pixels,
        settings.portrait_max_side,
        "body.file",
    )
    portrait = _store_portrait(records, case, missing_child(records, case), cleaned)
    touched(records.session, case, records.viewer.agency_id, "Portrait added")
    return portrait


def portrait_of(records: Records, case: Case) -> Portrait | None:
    """A visible case's portrait."""
    return records.session.scalar(select(Portrait).where(Portrait.case_id == case.id))
