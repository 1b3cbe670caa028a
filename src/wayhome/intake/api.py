"""JSON API for reports."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from wayhome.intake import services
from wayhome.intake.models import Report
from wayhome.intake.schemas import ReportIn, ReportList, ReportOut
from wayhome.web.deps import RecordsDep, access
from wayhome.web.paging import PagingDep

router = APIRouter(tags=["reports"])


@router.post("/reports", response_model=ReportOut, status_code=201, openapi_extra=access("report"))
def submit_report(records: RecordsDep, body: ReportIn, response: Response) -> ReportOut:
    """Submit a report; re-submitting the same report answers 200 with the stored copy."""
    report, created = services.submit_report(records, body)
    if not created:
        response.status_code = 200
    return ReportOut.model_validate(report, from_attributes=True)


@router.get("/reports", response_model=ReportList, openapi_extra=access("report"))
def list_reports(
    records: RecordsDep, page: PagingDep, case_id: uuid.UUID | None = None
) -> ReportList:
    """Reports the caller may see."""
    found = services.list_reports(records, case_id, page.limit, page.offset)
    items = [ReportOut.model_validate(r, from_attributes=True) for r in found.items]
    return ReportList(items=items, total=found.total, limit=found.limit, offset=found.offset)


@router.get("/reports/{report_id}", response_model=ReportOut, openapi_extra=access("report"))
def get_report(records: RecordsDep, report_id: uuid.UUID) -> ReportOut:
    """One report."""
    return ReportOut.model_validate(records.get(Report, report_id), from_attributes=True)
