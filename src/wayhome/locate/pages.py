"""The map page: a case's posterior as a heat layer, the ranked places, the clues as toggles."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from wayhome.locate import services
from wayhome.locate.schemas import LocateIn
from wayhome.web.pages import PageRecords, render

router = APIRouter(include_in_schema=False)


@router.get("/cases/{case_id}/map", response_class=HTMLResponse)
def case_map(
    request: Request,
    records: PageRecords,
    case_id: uuid.UUID,
    on: Annotated[list[str] | None, Query(max_length=1_000)] = None,
    toggled: bool = False,
) -> Response:
    """The map of where the case's offender probably lives; unticked clues are left out."""
    body = LocateIn()
    run = services.locate_case(records, case_id, body, only=set(on or []) if toggled else None)
    answer = services.as_output(run, body)
    return render(request, "case_map.html", {"case": run.case, "answer": answer})
