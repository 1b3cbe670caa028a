"""The dashboard and case pages."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from wayhome.access.markings import Marking, Scope
from wayhome.cases import services
from wayhome.cases.models import CaseKind, CaseStatus, Priority
from wayhome.cases.schemas import CaseIn
from wayhome.hashing.matches import deconfliction
from wayhome.intake import services as intake
from wayhome.web.pages import CsrfChecked, PageRecords, redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, records: PageRecords) -> Response:
    """What needs attention: open cases and the newest intelligence the user may see."""
    cases = services.list_cases(records, limit=10, offset=0)
    open_cases = [c for c in cases.items if c.status is not CaseStatus.CLOSED]
    reports = intake.list_reports(records, None, limit=10, offset=0)
    return render(
        request,
        "dashboard.html",
        {
            "cases": open_cases,
            "case_total": cases.total,
            "reports": reports.items,
            "report_total": reports.total,
            "hash_links": deconfliction(records, limit=10),
        },
    )


@router.get("/cases", response_class=HTMLResponse)
def cases_page(request: Request, records: PageRecords, offset: int = 0) -> Response:
    """All cases the user may see."""
    page = services.list_cases(records, limit=50, offset=max(offset, 0))
    return render(
        request,
        "cases.html",
        {
            "page": page,
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
    """One case with its persons and timeline."""
    case = services.get_case(records, case_id)
    persons = services.list_persons(records, case_id, limit=100, offset=0)
    events = services.timeline(records, case_id, limit=200, offset=0)
    reports = intake.list_reports(records, case_id, limit=100, offset=0)
    return render(
        request,
        "case.html",
        {"case": case, "persons": persons.items, "events": events.items, "reports": reports.items},
    )
