"""Storing reports: idempotent, all-or-nothing, through the caller's `Records` gate."""

from __future__ import annotations

import hashlib
import json
import uuid

from sqlalchemy import select

from wayhome.access.records import Page, Records
from wayhome.cases.models import Case
from wayhome.db.base import utcnow
from wayhome.intake.models import Report
from wayhome.intake.schemas import ReportIn


def content_hash(data: ReportIn) -> str:
    """SHA-256 of what makes two submissions the same report (not who sent it, nor when)."""
    fields = data.model_dump(mode="json", exclude={"received_at"})
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def submit_report(records: Records, data: ReportIn) -> tuple[Report, bool]:
    """Store a report; the same report submitted again returns the first copy and False."""
    records.require_writer()
    records.check_marking(data.marking, data.scope, data.shared_with, "body")
    if data.case_id is not None:
        records.get(Case, data.case_id)
    digest = content_hash(data)
    existing = records.session.scalar(
        select(Report).where(
            Report.agency_id == records.viewer.agency_id, Report.content_hash == digest
        )
    )
    if existing is not None:
        return existing, False
    report = Report(
        case_id=data.case_id,
        title=data.title,
        source=data.source,
        legal_basis=data.legal_basis,
        received_at=data.received_at or utcnow(),
        body=data.body,
        items=data.items,
        content_hash=digest,
        marking=data.marking,
        scope=data.scope,
        submitted_by=records.viewer.user_id,
    )
    records.add(report, data.shared_with, {"title": data.title, "source": data.source})
    return report, True


def list_reports(
    records: Records, case_id: uuid.UUID | None, limit: int, offset: int
) -> Page[Report]:
    """Reports the caller may see, newest first, optionally of one case."""
    where = [Report.case_id == case_id] if case_id else []
    return records.find(
        Report, *where, order_by=[Report.received_at.desc()], limit=limit, offset=offset
    )
