"""JSON API for cases, their persons and timelines."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session

from wayhome import clock
from wayhome.access.markings import Marking
from wayhome.access.records import Records
from wayhome.agencies.models import Agency
from wayhome.cases import alerts, services, workflow
from wayhome.cases.models import Alert, Case, CaseStatus, Priority
from wayhome.cases.schemas import (
    AlertIn,
    AlertOut,
    CaseIn,
    CaseList,
    CaseOut,
    EventIn,
    EventList,
    EventOut,
    MissingChildIn,
    NoticeIn,
    NoticeOut,
    PendingAlertOut,
    PersonIn,
    PersonList,
    PersonOut,
    PortraitOut,
    RecipientOut,
    StatusIn,
    TaskIn,
    TaskOut,
    TaskUpdate,
    TransitionOut,
    UrgencyOut,
    WorkflowOut,
)
from wayhome.leads import services as leads
from wayhome.web.deps import RecordsDep, SettingsDep, access
from wayhome.web.errors import problems
from wayhome.web.paging import PagingDep

router = APIRouter(tags=["cases"])


@router.get("/cases", response_model=CaseList, openapi_extra=access("case"))
def list_cases(
    records: RecordsDep,
    page: PagingDep,
    q: Annotated[str, Query(max_length=200, description="Reference, title or child's name")] = "",
    status: Annotated[list[CaseStatus] | None, Query()] = None,
    urgency: Annotated[Priority | None, Query(description="The urgency level now")] = None,
    agency: Annotated[str | None, Query(max_length=40, description="Owning agency's code")] = None,
    marking: Annotated[Marking | None, Query()] = None,
    opened_from: Annotated[date | None, Query()] = None,
    opened_to: Annotated[date | None, Query()] = None,
    sort: Annotated[
        Literal["opened", "urgency", "reference", "title", "status"], Query()
    ] = "opened",
    descending: Annotated[bool, Query()] = True,
) -> CaseList:
    """Cases the caller may see, filtered and sorted (newest first unless asked); `total`
    counts the visible matches only."""
    query = services.CaseQuery(
        statuses=tuple(status or ()),
        urgency=urgency,
        agency=agency,
        marking=marking,
        opened_from=opened_from,
        opened_to=opened_to,
        text=q,
        sort=sort,
        descending=descending,
    )
    found = services.search_cases(records, query, page.limit, page.offset)
    items = [CaseOut.model_validate(r.case, from_attributes=True) for r in found.items]
    return CaseList(items=items, total=found.total, limit=found.limit, offset=found.offset)


@router.post(
    "/cases",
    responses=problems(400, 413),
    response_model=CaseOut,
    status_code=201,
    openapi_extra=access("case"),
)
def open_case(records: RecordsDep, body: CaseIn) -> CaseOut:
    """Open a case owned by the caller's agency."""
    return CaseOut.model_validate(services.open_case(records, body), from_attributes=True)


@router.get(
    "/cases/{case_id}",
    responses=problems(404),
    response_model=CaseOut,
    openapi_extra=access("case"),
)
def get_case(records: RecordsDep, case_id: uuid.UUID) -> CaseOut:
    """One case."""
    return CaseOut.model_validate(services.get_case(records, case_id), from_attributes=True)


@router.get(
    "/cases/{case_id}/persons",
    responses=problems(404),
    response_model=PersonList,
    openapi_extra=access("person"),
)
def list_persons(records: RecordsDep, case_id: uuid.UUID, page: PagingDep) -> PersonList:
    """Persons in a case."""
    found = services.list_persons(records, case_id, page.limit, page.offset)
    items = [PersonOut.model_validate(p, from_attributes=True) for p in found.items]
    return PersonList(items=items, total=found.total, limit=found.limit, offset=found.offset)


@router.post(
    "/cases/{case_id}/persons",
    responses=problems(400, 404, 413),
    response_model=PersonOut,
    status_code=201,
    openapi_extra=access("person"),
)
def add_person(records: RecordsDep, case_id: uuid.UUID, body: PersonIn) -> PersonOut:
    """Add a person to a case."""
    person = services.add_person(records, case_id, body)
    return PersonOut.model_validate(person, from_attributes=True)


@router.get(
    "/persons/{person_id}",
    responses=problems(404),
    response_model=PersonOut,
    openapi_extra=access("person"),
)
def get_person(records: RecordsDep, person_id: uuid.UUID) -> PersonOut:
    """One person."""
    return PersonOut.model_validate(services.get_person(records, person_id), from_attributes=True)


@router.get(
    "/cases/{case_id}/events",
    responses=problems(404),
    response_model=EventList,
    openapi_extra=access("event"),
)
def timeline(records: RecordsDep, case_id: uuid.UUID, page: PagingDep) -> EventList:
    """A case's timeline."""
    found = services.timeline(records, case_id, page.limit, page.offset)
    items = [EventOut.model_validate(e, from_attributes=True) for e in found.items]
    return EventList(items=items, total=found.total, limit=found.limit, offset=found.offset)


@router.post(
    "/cases/{case_id}/events",
    responses=problems(400, 404, 413),
    response_model=EventOut,
    status_code=201,
    openapi_extra=access("event"),
)
def add_event(records: RecordsDep, case_id: uuid.UUID, body: EventIn) -> EventOut:
    """Add an entry to a case's timeline."""
    return EventOut.model_validate(services.add_event(records, case_id, body), from_attributes=True)


# -- missing-child workflow -------------------------------------------------------------------
def _alert_out(alert: Alert, session: Session, now: datetime) -> AlertOut:
    agencies = {a.id: a for a in session.scalars(select(Agency))}
    return AlertOut(
        id=alert.id,
        case_id=alert.case_id,
        issued_at=alert.issued_at,
        to_all=alert.to_all,
        message=alert.message,
        recipients=[
            RecipientOut(
                agency_id=r.agency_id,
                agency=agencies[r.agency_id].name,
                country=agencies[r.agency_id].country,
                notified_at=r.notified_at,
                acknowledged_at=r.acknowledged_at,
                renotified_at=r.renotified_at,
                escalated_at=r.escalated_at,
                pending_seconds=alerts.pending_seconds(r, now),
            )
            for r in alert.recipients
        ],
    )


def workflow_out(records: Records, case: Case) -> WorkflowOut:
    """Where a visible case stands, in one answer."""
    now = clock.now()
    urgency = workflow.urgency_of(records, case)
    notice = workflow.notice_of(records, case)
    portrait = workflow.portrait_of(records, case)
    return WorkflowOut(
        case_id=case.id,
        status=case.status,
        outcome=case.outcome,
        urgency=UrgencyOut(priority=urgency.priority, score=urgency.score, reasons=urgency.reasons),
        transitions=[TransitionOut.model_validate(t) for t in workflow.transitions(records, case)],
        allowed=workflow.allowed_next(case.status),
        tasks=[
            TaskOut.model_validate(t).model_copy(update={"overdue": workflow.is_overdue(t, now)})
            for t in workflow.tasks_of(records, case)
        ],
        alerts=[_alert_out(a, records.session, now) for a in alerts.alerts_of(records, case)],
        notice=NoticeOut.model_validate(notice) if notice else None,
        portrait=PortraitOut.model_validate(portrait) if portrait else None,
    )


@router.post(
    "/cases/missing-child",
    responses=problems(400, 413),
    response_model=CaseOut,
    status_code=201,
    openapi_extra=access("case"),
)
def open_missing_child(records: RecordsDep, settings: SettingsDep, body: MissingChildIn) -> CaseOut:
    """Intake of a missing-child case (the portrait is uploaded separately)."""
    case = workflow.open_missing_child(records, body, settings)
    return CaseOut.model_validate(case, from_attributes=True)


@router.get(
    "/cases/{case_id}/workflow",
    responses=problems(404),
    response_model=WorkflowOut,
    openapi_extra=access("case"),
)
def get_workflow(records: RecordsDep, case_id: uuid.UUID) -> WorkflowOut:
    """Status, urgency, history, tasks, alerts with acknowledgements, notice and portrait."""
    return workflow_out(records, services.get_case(records, case_id))


@router.post(
    "/cases/{case_id}/status",
    responses=problems(400, 404, 413),
    response_model=WorkflowOut,
    openapi_extra=access("case"),
)
def change_status(records: RecordsDep, case_id: uuid.UUID, body: StatusIn) -> WorkflowOut:
    """Move the case along reported → alert issued → active search → located → reunited/closed."""
    return workflow_out(records, workflow.change_status(records, case_id, body))


@router.post(
    "/cases/{case_id}/tasks",
    responses=problems(400, 404, 413),
    response_model=TaskOut,
    status_code=201,
    openapi_extra=access("case"),
)
def add_task(records: RecordsDep, case_id: uuid.UUID, body: TaskIn) -> TaskOut:
    """Assign a task or an operation on the case."""
    return TaskOut.model_validate(workflow.add_task(records, case_id, body))


@router.post(
    "/cases/{case_id}/tasks/{task_id}",
    responses=problems(400, 404, 413),
    response_model=TaskOut,
    openapi_extra=access("case"),
)
def update_task(
    records: RecordsDep, case_id: uuid.UUID, task_id: uuid.UUID, body: TaskUpdate
) -> TaskOut:
    """Change a task's state (an operation is done with its outcome)."""
    return TaskOut.model_validate(workflow.update_task(records, case_id, task_id, body))


@router.post(
    "/cases/{case_id}/alerts",
    responses=problems(400, 404, 413),
    response_model=AlertOut,
    status_code=201,
    openapi_extra=access("case"),
)
def issue_alert(records: RecordsDep, case_id: uuid.UUID, body: AlertIn) -> AlertOut:
    """Alert all member agencies (no `agencies`) or the named ones; each must acknowledge."""
    alert = alerts.issue_alert(records, case_id, body)
    return _alert_out(alert, records.session, clock.now())


@router.post(
    "/cases/{case_id}/notice",
    responses=problems(400, 404, 409, 413),
    response_model=NoticeOut,
    openapi_extra=access("case"),
)
def set_notice(records: RecordsDep, case_id: uuid.UUID, body: NoticeIn) -> NoticeOut:
    """Give the case a yellow notice (restricted or public), or withdraw it."""
    return NoticeOut.model_validate(workflow.set_notice(records, case_id, body.visibility))


@router.post(
    "/cases/{case_id}/portrait",
    responses=problems(400, 404, 413),
    response_model=PortraitOut,
    status_code=201,
    openapi_extra=access("case"),
)
def upload_portrait(
    records: RecordsDep, settings: SettingsDep, case_id: uuid.UUID, file: UploadFile
) -> PortraitOut:
    """The family's portrait of the missing child (re-encoded, metadata stripped)."""
    data = file.file.read(settings.portrait_max_bytes + 1)
    portrait = workflow.store_portrait(records, case_id, data, settings)
    return PortraitOut.model_validate(portrait)


@router.get("/cases/{case_id}/leads", responses=problems(404), openapi_extra=access("case"))
def case_leads(records: RecordsDep, case_id: uuid.UUID) -> dict[str, Any]:
    """Ranked suspects (with their evidence paths), places, known series and alerts."""
    return dataclasses.asdict(leads.case_leads(records, case_id))


@router.get("/alerts/pending", response_model=list[PendingAlertOut], openapi_extra=access("member"))
def pending_alerts(records: RecordsDep) -> list[PendingAlertOut]:
    """Alerts awaiting the caller's agency's acknowledgement, oldest first."""
    now = clock.now()
    return [
        PendingAlertOut(
            alert_id=p.alert.id,
            case_id=p.case.id,
            case_title=p.case.title,
            from_agency=p.from_agency.name,
            notified_at=p.recipient.notified_at,
            pending_seconds=alerts.pending_seconds(p.recipient, now) or 0,
        )
        for p in alerts.pending_for(records)
    ]


@router.post(
    "/alerts/{alert_id}/acknowledge",
    responses=problems(404),
    response_model=AlertOut,
    openapi_extra=access("member"),
)
def acknowledge(records: RecordsDep, alert_id: uuid.UUID) -> AlertOut:
    """The caller's agency acknowledges an alert it received."""
    recipient = alerts.acknowledge(records, alert_id)
    return _alert_out(recipient.alert, records.session, clock.now())
