"""Report, selector and import pages (the search box is leads/pages.py: it searches
every engine)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from wayhome.access.markings import Marking, Scope
from wayhome.errors import WayhomeError
from wayhome.intake import correlation, services
from wayhome.intake.api import looked_up_value
from wayhome.intake.models import Report
from wayhome.intake.selectors.types import SelectorType
from wayhome.intake.store import Placement
from wayhome.web.deps import SettingsDep
from wayhome.web.pages import CsrfChecked, PageRecords, render

router = APIRouter(include_in_schema=False)


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(
    request: Request, records: PageRecords, settings: SettingsDep, report_id: uuid.UUID
) -> Response:
    """A report with each selector and where else it appears."""
    report = records.get(Report, report_id)
    links = correlation.report_correlations(
        records, report, overcommon_threshold=settings.overcommon_threshold
    )
    return render(request, "report.html", {"report": report, "links": links})


@router.get("/selectors/{kind}/{value:path}", response_class=HTMLResponse)
def selector_page(
    request: Request, records: PageRecords, settings: SettingsDep, kind: str, value: str
) -> Response:
    """Who holds a selector, within need-to-know (the value as the API's look-up reads it)."""
    kind, canonical = correlation.parse_selector(kind, looked_up_value(request, kind, value))
    found = correlation.correlate(
        records, kind, canonical, overcommon_threshold=settings.overcommon_threshold
    )
    return render(request, "selector.html", {"found": found})


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request, records: PageRecords) -> Response:
    """The file import form."""
    return render(
        request,
        "import.html",
        {"markings": list(Marking), "scopes": list(Scope), "types": list(SelectorType)},
    )


@router.post("/import", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def import_upload(
    request: Request,
    records: PageRecords,
    settings: SettingsDep,
    file: Annotated[UploadFile, File()],
    marking: Annotated[Marking, Form()],
    scope: Annotated[Scope, Form()] = Scope.OWNER,
    format: Annotated[str, Form()] = "",
    silent: Annotated[bool, Form()] = False,
) -> Response:
    """Import an uploaded file and show what was stored, or the error that stopped it."""
    data = await file.read()
    context = {"markings": list(Marking), "scopes": list(Scope), "types": list(SelectorType)}
    try:
        result, kind = services.import_file(
            records,
            data,
            Placement(marking, scope, (), silent),
            filename=file.filename or "",
            format_name=format or None,
            max_bytes=settings.max_import_bytes,
        )
    except WayhomeError as error:
        records.session.rollback()
        return render(request, "import.html", {**context, "error": error}, error.status)
    return render(request, "import.html", {**context, "result": result, "format": kind})
