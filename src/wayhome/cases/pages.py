"""The dashboard and case pages."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from starlette.datastructures import QueryParams

from wayhome import clock
from wayhome.access.markings import Marking, Scope
from wayhome.agencies.models import Agency
from wayhome.cases import alerts, missing_form, services, workflow
from wayhome.cases.missing_form import REQUIRED, FieldError, MissingChildForm
from wayhome.cases.models import (
    CaseKind,
    CaseStatus,
    NoticeVisibility,
    Outcome,
    Priority,
    TaskKind,
    TaskState,
)
from wayhome.cases.schemas import (
    AlertIn,
    CaseIn,
    StatusIn,
    TaskIn,
    TaskUpdate,
)
from wayhome.cases.vocabularies import EYE_COLOURS, HAIR_COLOURS
from wayhome.errors import InvalidInput, NotFound, WayhomeError
from wayhome.hashing.matches import deconfliction
from wayhome.inbox import services as inbox
from wayhome.intake import services as intake
from wayhome.leads.services import case_leads
from wayhome.web import listing
from wayhome.web.i18n import request_translations, zone
from wayhome.web.pages import CsrfChecked, PageRecords, PageUser, redirect, render

router = APIRouter(include_in_schema=False)
T = TypeVar("T")


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, records: PageRecords) -> Response:
    """What needs attention: the most urgent open cases, the alerts awaiting the user's
    agency, and the newest intelligence the user may see."""
    urgent, counts = services.most_urgent_open(records, limit=10)
    reports = intake.list_reports(records, None, limit=10, offset=0)
    pending = alerts.pending_for(records)
    return render(
        request,
        "dashboard.html",
        {
            "cases": urgent.items,
            "case_total": urgent.total,
            "counts": counts,
            "levels": list(Priority),
            "reports": reports.items,
            "report_total": reports.total,
            "hash_links": deconfliction(records, limit=10),
            "pending_alerts": pending[:10],
            "pending_total": len(pending),
            "messages": inbox.for_viewer(records.session, records.viewer, limit=10),
            "now": clock.now(),
        },
    )


def case_query(params: QueryParams) -> services.CaseQuery:
    """The case list's filters and sort from its query string; a bad one names the field."""
    statuses = listing.enums_param(params, "status", CaseStatus)
    return services.CaseQuery(
        statuses=statuses,
        open_only=params.get("open", "") == "1",
        urgency=listing.enum_param(params, "urgency", Priority),
        agency=listing.text_param(params, "agency", 40) or None,
        marking=listing.enum_param(params, "marking", Marking),
        kind=listing.enum_param(params, "kind", CaseKind),
        opened_from=listing.date_param(params, "from"),
        opened_to=listing.date_param(params, "to"),
        text=listing.text_param(params, "q"),
        sort=listing.choice_param(params, "sort", services.CASE_SORTS, "urgency"),
        descending=listing.descending_param(params),
    )


@router.get("/cases", response_class=HTMLResponse)
def cases_page(request: Request, records: PageRecords) -> Response:
    """The cases the user may see: filtered, sorted (most urgent first), paged, with totals
    and the user's saved views."""
    params = request.query_params
    query = case_query(params)
    window = listing.window_param(params)
    page = services.search_cases(records, query, window.limit, window.offset)
    agencies = list(records.session.scalars(select(Agency).order_by(Agency.code)))
    return render(
        request,
        "cases.html",
        {
            "page": page,
            "query": query,
            "params": params,
            "pager": listing.pager(params, page.total, window),
            "sort_url": lambda key: listing.sort_url(params, key, query.sort, query.descending),
            "views": listing.views_of(records.session, records.viewer.user_id, "cases"),
            "statuses": list(CaseStatus),
            "agencies": agencies,
            "kinds": list(CaseKind),
            "priorities": list(Priority),
            "markings": list(Marking),
            "scopes": list(Scope),
        },
    )


@router.post("/cases", dependencies=[CsrfChecked])
def open_case(
    records: PageRecords,
    title: Annotated[str, Form()],
    kind: Annotated[CaseKind, Form()],
    priority: Annotated[Priority, Form()],
    marking: Annotated[Marking, Form()],
    scope: Annotated[Scope, Form()],
    summary: Annotated[str, Form()] = "",
) -> Response:
    """Open a case from the form."""
    data = CaseIn(
        title=title, summary=summary, kind=kind, priority=priority, marking=marking, scope=scope
    )
    case = services.open_case(records, data)
    return redirect(f"/cases/{case.id}")


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, records: PageRecords, case_id: uuid.UUID) -> Response:
    """One case: status buttons, persons, timeline, tasks, alerts and acknowledgements, notice."""
    case = services.get_case(records, case_id)
    persons = services.list_persons(records, case_id, limit=100, offset=0)
    events = services.timeline(records, case_id, limit=200, offset=0)
    reports = intake.list_reports(records, case_id, limit=100, offset=0)
    now = clock.now()
    agencies = list(records.session.scalars(select(Agency).order_by(Agency.country, Agency.name)))
    return render(
        request,
        "cases/case.html",
        {
            "case": case,
            "persons": persons.items,
            "events": events.items,
            "reports": reports.items,
            "now": now,
            "owner": case.agency_id == records.viewer.agency_id,
            "my_agency": records.viewer.agency_id,
            "urgency": workflow.urgency_of(records, case),
            "allowed": workflow.allowed_next(case.status),
            "outcomes": list(Outcome),
            "transitions": workflow.transitions(records, case),
            "tasks": workflow.tasks_of(records, case),
            "task_kinds": [TaskKind.TASK, TaskKind.OPERATION],
            "task_states": list(TaskState),
            "is_overdue": workflow.is_overdue,
            "alerts": alerts.alerts_of(records, case),
            "pending_seconds": alerts.pending_seconds,
            "agencies": {a.id: a for a in agencies},
            "other_agencies": [
                a for a in agencies if a.id != records.viewer.agency_id and a.active
            ],
            "notice": workflow.notice_of(records, case),
            "visibilities": list(NoticeVisibility),
            "portrait": workflow.portrait_of(records, case),
            "leads": case_leads(records, case_id),
        },
    )


# -- missing-child workflow pages -------------------------------------------------------------
def _checked(build: Callable[[], T]) -> T:
    """Build a schema from form fields; a validation error names the form field."""
    try:
        return build()
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(first["msg"], location=f"form.{where}") from None


@router.get("/cases/missing/new", response_class=HTMLResponse)
def missing_child_form(request: Request, records: PageRecords) -> Response:
    """The intake form for a missing child."""
    return _missing_form(request, MissingChildForm(), {})


def _missing_form(
    request: Request, form: MissingChildForm, errors: dict[str, FieldError], status_code: int = 200
) -> Response:
    """The form, with what was typed and each error, in the reader's language, by its field."""
    catalogue = request_translations(request)
    return render(
        request,
        "cases/missing_form.html",
        {
            "markings": list(Marking),
            "scopes": missing_form.SCOPE_LABELS,
            "sexes": missing_form.SEX_LABELS,
            "eye_colours": EYE_COLOURS,
            "hair_colours": HAIR_COLOURS,
            "required": REQUIRED,
            "values": form.model_dump(),
            "errors": {
                name: catalogue.gettext(error.message) % error.params
                for name, error in errors.items()
            },
        },
        status_code=status_code,
    )


@router.post("/cases/missing", dependencies=[CsrfChecked])
def open_missing_child(
    request: Request,
    records: PageRecords,
    user: PageUser,
    form: Annotated[MissingChildForm, Form()],
    portrait: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Open a missing-child case from the form, with the portrait if one was chosen; a wrong
    field gives the form again (422), its error beside it, what was typed kept."""
    settings = request.app.state.settings
    data, errors = missing_form.read(form, zone(user.time_zone))
    if data is None:
        return _missing_form(request, form, errors, 422)
    picture = None
    if portrait is not None and portrait.filename:
        picture = portrait.file.read(settings.portrait_max_bytes + 1)
    try:
        case = workflow.open_missing_child(records, data, settings, picture)
    except WayhomeError as refused:
        field_error = missing_form.workflow_error(refused)
        if field_error is None:
            raise
        name, error = field_error
        return _missing_form(request, form, {name: error}, refused.status)
    return redirect(f"/cases/{case.id}")


@router.get("/cases/{case_id}/portrait.jpg")
def portrait_image(records: PageRecords, case_id: uuid.UUID, thumbnail: bool = False) -> Response:
    """The case's portrait, for those who may see the case."""
    case = services.get_case(records, case_id)
    portrait = workflow.portrait_of(records, case)
    if portrait is None:
        raise NotFound("this case has no portrait")
    data = portrait.thumbnail if thumbnail else portrait.image
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})


@router.post("/cases/{case_id}/portrait", dependencies=[CsrfChecked])
def upload_portrait(
    request: Request,
    records: PageRecords,
    case_id: uuid.UUID,
    portrait: Annotated[UploadFile, File()],
) -> Response:
    """Replace the case's portrait."""
    settings = request.app.state.settings
    data = portrait.file.read(settings.portrait_max_bytes + 1)
    workflow.store_portrait(records, case_id, data, settings)
    return redirect(f"/cases/{case_id}")


@router.post("/cases/{case_id}/status", dependencies=[CsrfChecked])
def change_status(
    records: PageRecords,
    case_id: uuid.UUID,
    status: Annotated[CaseStatus, Form()],
    outcome: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """A status button."""
    data = _checked(
        lambda: StatusIn(status=status, outcome=Outcome(outcome) if outcome else None, note=note)
    )
    workflow.change_status(records, case_id, data)
    return redirect(f"/cases/{case_id}")


@router.post("/cases/{case_id}/tasks", dependencies=[CsrfChecked])
def add_task(
    records: PageRecords,
    user: PageUser,
    case_id: uuid.UUID,
    title: Annotated[str, Form()],
    kind: Annotated[TaskKind, Form()] = TaskKind.TASK,
    assignee_agency_id: Annotated[str, Form()] = "",
    due_at: Annotated[str, Form()] = "",
) -> Response:
    """Add a task or an operation; its due time is typed in the user's own zone."""
    due = datetime.fromisoformat(due_at) if due_at else None
    if due is not None and due.tzinfo is None:
        due = due.replace(tzinfo=zone(user.time_zone))
    agency = uuid.UUID(assignee_agency_id) if assignee_agency_id else None
    data = _checked(lambda: TaskIn(title=title, kind=kind, assignee_agency_id=agency, due_at=due))
    workflow.add_task(records, case_id, data)
    return redirect(f"/cases/{case_id}#tasks")


@router.post("/cases/{case_id}/tasks/{task_id}", dependencies=[CsrfChecked])
def update_task(
    records: PageRecords,
    case_id: uuid.UUID,
    task_id: uuid.UUID,
    state: Annotated[TaskState, Form()],
    outcome: Annotated[str, Form()] = "",
) -> Response:
    """Move a task along."""
    workflow.update_task(records, case_id, task_id, TaskUpdate(state=state, outcome=outcome))
    return redirect(f"/cases/{case_id}#tasks")


@router.post("/cases/{case_id}/alerts", dependencies=[CsrfChecked])
def issue_alert(
    records: PageRecords,
    case_id: uuid.UUID,
    agencies: Annotated[list[str] | None, Form()] = None,
    message: Annotated[str, Form()] = "",
) -> Response:
    """Issue an alert to all member agencies or the ticked ones."""
    chosen = [a for a in (agencies or []) if a]
    alerts.issue_alert(records, case_id, AlertIn(agencies=chosen or None, message=message))
    return redirect(f"/cases/{case_id}#alerts")


@router.post("/cases/{case_id}/notice", dependencies=[CsrfChecked])
def set_notice(
    records: PageRecords, case_id: uuid.UUID, visibility: Annotated[NoticeVisibility, Form()]
) -> Response:
    """The notice toggle."""
    workflow.set_notice(records, case_id, visibility)
    return redirect(f"/cases/{case_id}#notice")


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, records: PageRecords) -> Response:
    """Alerts awaiting this agency's acknowledgement, and every alert it received with its
    message: filtered, sorted, paged."""
    params = request.query_params
    state = listing.choice_param(params, "state", ("all", "pending"), "all")
    sort = listing.choice_param(params, "sort", alerts.ALERT_SORTS, "notified")
    descending = listing.descending_param(params)
    text = listing.text_param(params, "q")
    window = listing.window_param(params)
    page = alerts.received(
        records,
        pending_only=state == "pending",
        text=text,
        sort=sort,
        descending=descending,
        limit=window.limit,
        offset=window.offset,
    )
    pending = alerts.pending_for(records)
    return render(
        request,
        "cases/alerts.html",
        {
            "pending": pending,
            "received": page,
            "state": state,
            "text": text,
            "sort": sort,
            "descending": descending,
            "params": params,
            "pager": listing.pager(params, page.total, window),
            "views": listing.views_of(records.session, records.viewer.user_id, "alerts"),
            "now": clock.now(),
        },
    )


@router.post("/alerts/{alert_id}/acknowledge", dependencies=[CsrfChecked])
def acknowledge(
    records: PageRecords, alert_id: uuid.UUID, back: Annotated[str, Form()] = ""
) -> Response:
    """Acknowledge an alert on behalf of the user's agency."""
    recipient = alerts.acknowledge(records, alert_id)
    target = back if back.startswith("/") and not back.startswith("//") else "/alerts"
    del recipient
    return redirect(target)
