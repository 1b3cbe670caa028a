"""JSON API for reports, file imports, selectors, search and export."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import quote, unquote

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile

from wayhome.access.markings import Marking, Scope
from wayhome.cases.models import Case
from wayhome.intake import correlation, exporting, services
from wayhome.intake.correlation import Hit
from wayhome.intake.models import Report
from wayhome.intake.schemas import (
    BulkReportsIn,
    HitOut,
    ImportOut,
    OccurrenceOut,
    RecognisedOut,
    ReportIn,
    ReportList,
    ReportOut,
    SearchOut,
    SelectorLinkOut,
    SelectorOut,
)
from wayhome.intake.search import search_reports
from wayhome.intake.selectors.types import SelectorType
from wayhome.intake.store import Placement
from wayhome.web.deps import RecordsDep, SettingsDep, access
from wayhome.web.errors import problems
from wayhome.web.paging import PagingDep

router = APIRouter(tags=["intake"])


def _out(report: Report) -> ReportOut:
    return ReportOut.model_validate(report, from_attributes=True)


def _hits(hits: list[Hit]) -> list[HitOut]:
    return [HitOut.model_validate(h, from_attributes=True) for h in hits]


@router.post(
    "/reports",
    responses={
        200: {"model": ReportOut, "description": "The same report again: the stored copy."},
        **problems(400, 404, 413),
    },
    response_model=ReportOut,
    status_code=201,
    openapi_extra=access("report"),
)
def submit_report(records: RecordsDep, body: ReportIn, response: Response) -> ReportOut:
    """Submit a report; re-submitting the same report answers 200 with the stored copy."""
    report, created = services.submit_report(records, body)
    if not created:
        response.status_code = 200
    return _out(report)


@router.post(
    "/reports/bulk",
    responses=problems(400, 404, 413),
    response_model=ImportOut,
    status_code=201,
    openapi_extra=access("report"),
)
def submit_bulk(records: RecordsDep, body: BulkReportsIn) -> ImportOut:
    """Submit up to 1,000 reports at once: all are stored, or none."""
    result = services.submit_bulk(records, body.reports)
    return ImportOut(
        import_id=None,
        created=result.created,
        format="api",
        reports=result.report_ids,
        selectors=result.selector_count,
        warnings=[],
    )


@router.post(
    "/imports",
    responses=problems(400, 404, 413),
    response_model=ImportOut,
    status_code=201,
    openapi_extra=access("report"),
)
async def import_file(
    records: RecordsDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="STIX, MISP, CyberTipline XML, CSV or text.")],
    marking: Annotated[Marking, Form()],
    scope: Annotated[Scope, Form()] = Scope.OWNER,
    shared_with: Annotated[list[uuid.UUID] | None, Form()] = None,
    format: Annotated[str | None, Form()] = None,
    silent: Annotated[bool, Form()] = False,
    case_id: Annotated[uuid.UUID | None, Form()] = None,
) -> ImportOut:
    """Import a file all-or-nothing; the same file again stores nothing new."""
    data = await file.read()
    placement = Placement(marking, scope, shared_with or [], silent, case_id)
    result, kind = services.import_file(
        records,
        data,
        placement,
        filename=file.filename or "",
        format_name=format,
        max_bytes=settings.max_import_bytes,
    )
    return ImportOut(
        import_id=result.import_id,
        created=result.created,
        format=kind,
        reports=result.report_ids,
        selectors=result.selector_count,
        warnings=result.warnings,
    )


@router.get("/reports", response_model=ReportList, openapi_extra=access("report"))
def list_reports(
    records: RecordsDep, page: PagingDep, case_id: uuid.UUID | None = None
) -> ReportList:
    """Reports the caller may see."""
    found = services.list_reports(records, case_id, page.limit, page.offset)
    return ReportList(
        items=[_out(r) for r in found.items],
        total=found.total,
        limit=found.limit,
        offset=found.offset,
    )


@router.get(
    "/reports/{report_id}",
    responses=problems(404),
    response_model=ReportOut,
    openapi_extra=access("report"),
)
def get_report(records: RecordsDep, report_id: uuid.UUID) -> ReportOut:
    """One report."""
    return _out(records.get(Report, report_id))


@router.get(
    "/reports/{report_id}/correlations",
    responses=problems(404),
    response_model=list[SelectorLinkOut],
    openapi_extra=access("report"),
)
def report_correlations(
    records: RecordsDep, settings: SettingsDep, report_id: uuid.UUID
) -> list[SelectorLinkOut]:
    """Each selector of the report and where else it appears, within need-to-know."""
    report = records.get(Report, report_id)
    links = correlation.report_correlations(
        records, report, overcommon_threshold=settings.overcommon_threshold
    )
    return [
        SelectorLinkOut(
            type=link.selector.value.kind,
            value=link.selector.value.canonical,
            original=link.selector.original,
            other_reports=link.other_reports,
            other_agencies=link.other_agencies,
            hits=_hits(link.hits),
            warning=link.warning,
            over_common=link.over_common,
        )
        for link in links
    ]


@router.get(
    "/reports/{report_id}/export",
    responses=problems(404),
    response_model=dict[str, Any],
    openapi_extra=access("report"),
)
def export_report(
    records: RecordsDep, report_id: uuid.UUID, format: str = "stix"
) -> dict[str, Any]:
    """The report as a STIX 2.1 bundle or a MISP event."""
    return exporting.export(records, [records.get(Report, report_id)], format)


@router.get(
    "/cases/{case_id}/export",
    responses=problems(404),
    response_model=dict[str, Any],
    openapi_extra=access("case"),
)
def export_case(records: RecordsDep, case_id: uuid.UUID) -> dict[str, Any]:
    """A case's visible reports as one STIX 2.1 bundle."""
    records.get(Case, case_id)
    reports = services.list_reports(records, case_id, limit=1000, offset=0).items
    return exporting.export(records, reports, "stix")


def looked_up_value(request: Request, kind: str, value: str) -> str:
    """The selector value of a `/selectors/{type}/{value}` path, as its client wrote it.

    The value is percent-decoded once from the raw path (so `%2F`, `%3F`, `%23` and `%25` are
    characters of the value, the same behind any server). A URL written as is (its `://`
    not encoded) is taken as written, its own `%XX` escapes and the query string its `?`
    began included; a fragment never reaches a server unless encoded.
    """
    raw = request.scope.get("raw_path")
    if isinstance(raw, bytes):
        path = raw.decode("utf-8", "replace")
        marker = f"/selectors/{kind}/"
        at = path.find(marker)
        if at >= 0:
            written = path[at + len(marker) :]
            as_is = kind == SelectorType.URL and "://" in written
            value = written if as_is else unquote(written)
    query = request.scope.get("query_string", b"")
    if kind == SelectorType.URL and query:
        value = f"{value}?{query.decode('utf-8', 'replace')}"
    return value


def _selector_out(records: RecordsDep, settings: SettingsDep, type: str, value: str) -> SelectorOut:
    kind, canonical = correlation.parse_selector(type, value)
    found = correlation.correlate(
        records, kind, canonical, overcommon_threshold=settings.overcommon_threshold
    )
    return SelectorOut(
        type=found.kind,
        value=found.canonical,
        total_visible=found.total_visible,
        visible_reports=found.visible_reports,
        occurrences=[
            OccurrenceOut(
                report_id=o.report_id,
                report_title=o.report_title,
                agency_code=o.agency_code,
                original=o.original,
                origin=o.origin,
                observed_at=o.observed_at,
                marking=o.marking.value,
            )
            for o in found.occurrences
        ],
        hits=_hits(found.hits),
        warning=found.warning,
        over_common=found.over_common,
    )


@router.get(
    "/selectors/{type}",
    responses=problems(422),
    response_model=SelectorOut,
    openapi_extra=access("selector"),
)
def lookup_selector_by_query(
    records: RecordsDep,
    settings: SettingsDep,
    type: str,
    value: Annotated[str, Query(min_length=1, max_length=2048)],
) -> SelectorOut:
    """Who holds this selector, the value given as `?value=` (the plainest form for URLs)."""
    return _selector_out(records, settings, type, value)


@router.get(
    "/selectors/{type}/{value:path}",
    responses=problems(422),
    response_model=SelectorOut,
    openapi_extra=access("selector"),
)
def lookup_selector(
    request: Request, records: RecordsDep, settings: SettingsDep, type: str, value: str
) -> SelectorOut:
    """Who holds this selector: visible records in full, hit/no-hit for the others.

    Percent-encode the value (`quote(value, safe="")`); a URL may also be written as is,
    its query string included."""
    return _selector_out(records, settings, type, looked_up_value(request, type, value))


@router.get("/search", response_model=SearchOut, openapi_extra=access("report"))
def search(
    records: RecordsDep, page: PagingDep, q: Annotated[str, Query(max_length=500)]
) -> SearchOut:
    """Full-text search (Russian and English word forms) over visible report texts."""
    result = search_reports(records, q, page.limit, page.offset)
    recognised = [
        RecognisedOut(
            type=r.type.value,
            value=r.value,
            reports=r.reports,
            lookup=f"/api/v1/selectors/{r.type.value}/{quote(r.value, safe='')}",
        )
        for r in result.recognised
    ]
    return SearchOut(
        items=[_out(r) for r in result.reports],
        total=result.total,
        limit=page.limit,
        offset=page.offset,
        selector={"type": recognised[0].type, "value": recognised[0].value} if recognised else None,
        selectors=recognised,
    )


@router.get("/search/export", response_model=dict[str, Any], openapi_extra=access("report"))
def export_search(records: RecordsDep, q: Annotated[str, Query(max_length=500)]) -> dict[str, Any]:
    """The first 200 search results as one STIX 2.1 bundle."""
    return exporting.export(records, search_reports(records, q, 200, 0).reports, "stix")
