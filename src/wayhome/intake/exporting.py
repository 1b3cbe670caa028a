"""Stored reports back into parsed form, for STIX and MISP export."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from wayhome.access.records import Records
from wayhome.agencies.models import Agency
from wayhome.errors import InvalidInput
from wayhome.intake.export.misp_export import export_misp
from wayhome.intake.export.stix_export import Holder, export_stix
from wayhome.intake.models import Report, Selector
from wayhome.intake.parsed import ParsedItem, ParsedReport
from wayhome.intake.selectors.types import Selector as ParsedSelector
from wayhome.intake.selectors.types import SelectorType

FORMATS = ("stix", "misp")


def to_parsed(records: Records, report: Report) -> ParsedReport:
    """A stored, visible report with its selectors as a `ParsedReport`."""
    selectors = records.session.scalars(
        select(Selector).where(Selector.report_id == report.id).order_by(Selector.id)
    )
    items = [
        ParsedItem(
            ParsedSelector(
                SelectorType(s.value.kind), s.value.canonical, s.original, s.span_start, s.span_end
            ),
            s.origin,
            s.observed_at,
            s.context,
        )
        for s in selectors
    ]
    return ParsedReport(
        title=report.title,
        source=report.source,
        body=report.body,
        received_at=report.received_at,
        marking=report.marking,
        items=items,
    )


def export(records: Records, reports: Sequence[Report], format_name: str) -> dict[str, Any]:
    """Visible reports as one STIX 2.1 bundle, or (one report) as a MISP event."""
    if format_name not in FORMATS:
        raise InvalidInput(f"format must be one of {', '.join(FORMATS)}", location="query.format")
    agencies = {
        a.id: a.name
        for a in records.session.scalars(
            select(Agency).where(Agency.id.in_({r.agency_id for r in reports}))
        )
    }
    # The stored ids keep an export's ids stable: the same report exported twice is one.
    parsed = [
        (to_parsed(records, r), Holder(agencies[r.agency_id], r.agency_id, r.id)) for r in reports
    ]
    if format_name == "stix":
        return export_stix(parsed)
    if len(parsed) != 1:
        raise InvalidInput(
            "a MISP event holds one report; export a case as STIX", location="query.format"
        )
    report, holder = parsed[0]
    return export_misp(report, agency=holder)
