"""Report submission and file import through the caller's `Records` gate."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from wayhome.access.records import Page, Records
from wayhome.agencies.models import Agency
from wayhome.db.dialect import is_unique_violation
from wayhome.errors import NotFound
from wayhome.intake.formats.submission import parse_submission
from wayhome.intake.models import Report
from wayhome.intake.parsed import ParsedItem, ParsedReport, ParsedSubmission
from wayhome.intake.schemas import ReportIn
from wayhome.intake.selectors.extract import extract_selectors
from wayhome.intake.selectors.normalise import make_selector
from wayhome.intake.store import IngestResult, Placement, ingest, report_hash

T = TypeVar("T")


def _once(records: Records, store: Callable[[], T]) -> T:
    """Run `store` in a savepoint; when a unique key refuses it because a concurrent request
    stored the same report or file first (PostgreSQL makes our insert wait for theirs, then
    refuses it), run it once more: it now finds theirs, stores nothing and says so, as a
    re-import does. SQLite runs writers one after the other, so it never gets here."""
    try:
        with records.session.begin_nested():
            return store()
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
    return store()


def _region(records: Records, given: str | None) -> str | None:
    if given:
        return given.upper()
    agency = records.session.get(Agency, records.viewer.agency_id)
    return agency.country if agency else None


def to_parsed(records: Records, data: ReportIn, location: str = "body") -> ParsedReport:
    """An API report as a parsed report: structured selectors validated, body extracted."""
    region = _region(records, data.region)
    items = [
        ParsedItem(
            make_selector(
                s.type,
                s.value,
                region=region,
                platform=s.platform,
                location=f"{location}.selectors[{i}]",
            ),
            f"selectors[{i}]",
        )
        for i, s in enumerate(data.selectors)
    ]
    items += [ParsedItem(s, "body") for s in extract_selectors(data.body, region=region)]
    return ParsedReport(
        title=data.title,
        source=data.source,
        body=data.body,
        received_at=data.received_at,
        items=items,
        extra=data.items,
    )


def _placement(data: ReportIn) -> Placement:
    return Placement(data.marking, data.scope, data.shared_with, data.silent, data.case_id)


def submit_report(records: Records, data: ReportIn) -> tuple[Report, bool]:
    """Store a report; the same report submitted again returns the first copy and False."""
    parsed = to_parsed(records, data)
    submission = ParsedSubmission("api", [parsed])
    result = _once(records, lambda: ingest(records, submission, _placement(data)))
    if result.report_ids:
        return records.get(Report, result.report_ids[0]), True
    # The agency's own copy, read through the gate like a new one (and audited the same way).
    existing = records.find(
        Report,
        Report.agency_id == records.viewer.agency_id,
        Report.content_hash == report_hash(parsed),
        limit=1,
    )
    if not existing.items:
        raise NotFound("no report with this content")
    return existing.items[0], False


def submit_bulk(records: Records, reports: list[ReportIn]) -> IngestResult:
    """Store several reports all together or not at all (each keeps its own marking)."""
    parsed = [to_parsed(records, r, f"body.reports[{i}]") for i, r in enumerate(reports)]

    def store() -> IngestResult:
        total = IngestResult(None, True)
        for data, report in zip(reports, parsed, strict=True):
            part = ingest(records, ParsedSubmission("api", [report]), _placement(data))
            total.report_ids += part.report_ids
            total.selector_count += part.selector_count
            total.value_ids |= part.value_ids
        total.created = bool(total.report_ids)
        return total

    return _once(records, store)


def import_file(
    records: Records,
    data: bytes,
    placement: Placement,
    *,
    filename: str = "",
    format_name: str | None = None,
    max_bytes: int,
    region: str | None = None,
) -> tuple[IngestResult, str]:
    """Parse and store a file all-or-nothing; the same file again stores nothing new."""
    records.require_writer()
    submission = parse_submission(
        data,
        filename=filename,
        format=format_name,
        max_bytes=max_bytes,
        region=_region(records, region),
    )
    digest = hashlib.sha256(data).hexdigest()
    result = _once(
        records, lambda: ingest(records, submission, placement, sha256=digest, filename=filename)
    )
    return result, submission.format


def list_reports(
    records: Records, case_id: uuid.UUID | None, limit: int, offset: int
) -> Page[Report]:
    """Reports the caller may see, newest first, optionally of one case."""
    where = [Report.case_id == case_id] if case_id else []
    return records.find(
        Report, *where, order_by=[Report.received_at.desc()], limit=limit, offset=offset
    )
