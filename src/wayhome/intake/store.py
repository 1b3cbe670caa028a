"""Storing parsed submissions: all-or-nothing, idempotent, bulk selector writes, search index.

Everything happens in the caller's transaction: when any part fails, nothing of the
submission stays. The same file imported twice by the same agency is recognised by its
SHA-256 and creates nothing; the same report twice is recognised by its content hash.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, Uuid, column, func, insert, select, table
from sqlalchemy.orm import Session

from wayhome import signals
from wayhome.access.markings import Marking, Scope, check_marking_scope
from wayhome.access.models import RecordShare
from wayhome.access.records import Records
from wayhome.cases.models import Case, Person, PersonName, PersonRole, Sex
from wayhome.cases.services import detect_script
from wayhome.db.base import utcnow
from wayhome.db.dialect import SEARCH_TABLE, add_counts, insert_many
from wayhome.errors import InvalidInput
from wayhome.intake.models import (
    Import,
    Location,
    Persona,
    Report,
    Selector,
    SelectorHolder,
    SelectorValue,
)
from wayhome.intake.parsed import MARKING_ORDER, ParsedReport, ParsedSubmission
from wayhome.intake.serialise import _plain
from wayhome.intake.stemming import index_terms
from wayhome.signals import Signal, SignalKind, Subject, SubjectKind

CHUNK = 500
_search = table(SEARCH_TABLE, column("report_id", Uuid()), column("terms"))


@dataclass(frozen=True)
class Placement:
    """How a submission is marked and shared, and whether its hits stay silent."""

    marking: Marking
    scope: Scope = Scope.OWNER
    shared_with: Sequence[uuid.UUID] = ()
    silent: bool = False
    case_id: uuid.UUID | None = None


@dataclass
class IngestResult:
    """What an ingest stored."""

    import_id: uuid.UUID | None
    created: bool
    report_ids: list[uuid.UUID] = field(default_factory=list)
    selector_count: int = 0
    value_ids: set[int] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    matches: dict[int, int] = field(default_factory=dict)


def stricter(a: Marking, b: Marking | None) -> Marking:
    """The more restrictive of two markings: a file's own marking is never loosened."""
    if b is None:
        return a
    return max(a, b, key=MARKING_ORDER.index)


def report_hash(report: ParsedReport) -> str:
    """SHA-256 over what makes two parsed reports the same report."""
    fields = {
        "title": report.title,
        "source": report.source,
        "body": report.body,
        "selectors": sorted(f"{s.type.value}:{s.value}" for s in report.selectors),
        "extra": _plain(report.extra),
    }
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _structured(report: ParsedReport) -> dict[str, Any]:
    plain: dict[str, Any] = {
        "personas": _plain([vars_of(p) for p in report.personas]),
        "persons": _plain([vars_of(p) for p in report.persons]),
        "locations": _plain([vars_of(p) for p in report.locations]),
        "file_hashes": _plain([vars_of(p) for p in report.file_hashes]),
        "extra": _plain(report.extra),
    }
    return {k: v for k, v in plain.items() if v}


def vars_of(obj: Any) -> dict[str, Any]:
    """A slotted dataclass as a dict."""
    return {name: getattr(obj, name) for name in obj.__slots__}


def _known_values(session: Session, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    wanted = set(keys)
    canonicals = sorted({canonical for _, canonical in keys})
    for start in range(0, len(canonicals), CHUNK):
        rows = session.execute(
            select(SelectorValue.kind, SelectorValue.canonical, SelectorValue.id).where(
                SelectorValue.canonical.in_(canonicals[start : start + CHUNK])
            )
        )
        found.update({(k, c): vid for k, c, vid in rows if (k, c) in wanted})
    return found


def value_ids(session: Session, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Ids of selector values, inserting the ones not yet held."""
    wanted = list(dict.fromkeys(keys))
    found = _known_values(session, wanted)
    missing = [k for k in wanted if k not in found]
    if missing:
        session.execute(insert(SelectorValue), [{"kind": k, "canonical": c} for k, c in missing])
        found.update(_known_values(session, missing))
    return found


def ingest(
    records: Records,
    submission: ParsedSubmission,
    placement: Placement,
    *,
    sha256: str | None = None,
    filename: str = "",
) -> IngestResult:
    """Store a parsed submission owned by the caller's agency; idempotent per file and report."""
    records.require_writer()
    session = records.session
    records.check_marking(placement.marking, placement.scope, placement.shared_with, "placement")
    if placement.case_id is not None:
        records.get(Case, placement.case_id)
    agency_id = records.viewer.agency_id
    if sha256 is not None:
        existing = session.scalar(
            select(Import).where(Import.agency_id == agency_id, Import.sha256 == sha256)
        )
        if existing is not None:
            ids = list(session.scalars(select(Report.id).where(Report.import_id == existing.id)))
            return IngestResult(existing.id, False, ids, existing.selector_count)
    # Validate every report's marking before writing anything.
    markings = []
    for index, report in enumerate(submission.reports):
        marking = stricter(placement.marking, report.marking)
        problem = check_marking_scope(marking, placement.scope)
        if problem:
            raise InvalidInput(
                f"the file marks this report {marking.value}: {problem}",
                location=f"reports[{index}]",
            )
        markings.append(marking)
    record = None
    if sha256 is not None:
        record = Import(
            agency_id=agency_id,
            user_id=records.viewer.user_id,
            sha256=sha256,
            filename=filename[:300],
            format=submission.format,
            report_count=0,
            selector_count=0,
        )
        session.add(record)
        session.flush()
    result = IngestResult(record.id if record else None, True, warnings=list(submission.warnings))
    stored_reports: list[tuple[uuid.UUID, ParsedReport, set[int]]] = []
    for report, marking in zip(submission.reports, markings, strict=True):
        stored = _store_report(records, report, marking, placement, submission.format, record)
        if stored is None:
            continue
        report_id, count, held = stored
        result.report_ids.append(report_id)
        result.selector_count += count
        result.value_ids |= held
        stored_reports.append((report_id, report, held))
    if record is not None:
        record.report_count = len(result.report_ids)
        record.selector_count = result.selector_count
    session.flush()
    result.matches = matches_elsewhere(session, result.value_ids, agency_id)
    _emit_signals(session, agency_id, placement, stored_reports, result.matches)
    return result


def _emit_signals(
    session: Session,
    agency_id: uuid.UUID,
    placement: Placement,
    stored: list[tuple[uuid.UUID, ParsedReport, set[int]]],
    matches: dict[int, int],
) -> None:
    """Tell the timeline and watches what each new report touched, and what matched."""
    for report_id, parsed, held in stored:
        selectors = tuple(
            {
                Subject(SubjectKind.SELECTOR, f"{i.selector.type.value}:{i.selector.value}")
                for i in parsed.items
            }
        )
        personas = tuple(
            {
                Subject(SubjectKind.PERSONA, f"{p.platform}:{p.handle_canonical}")
                for p in parsed.personas
            }
        )
        matched = sorted(vid for vid in held if vid in matches)
        for kind, summary, subjects, detail in (
            (
                SignalKind.REPORT_INGESTED,
                f"new report with {len(selectors)} selectors",
                selectors + personas,
                {},
            ),
            (
                SignalKind.SELECTOR_MATCH,
                f"{len(matched)} selectors of a new report are held elsewhere",
                selectors,
                {"value_ids": matched},
            ),
        ):
            if kind is SignalKind.SELECTOR_MATCH and not matched:
                continue
            signals.emit(
                session,
                Signal(
                    kind,
                    agency_id=agency_id,
                    record_kind="report",
                    record_id=str(report_id),
                    summary=summary,
                    subjects=subjects,
                    case_id=placement.case_id,
                    detail=detail,
                ),
            )


def matches_elsewhere(
    session: Session, value_ids: Iterable[int], agency_id: uuid.UUID
) -> dict[int, int]:
    """For each value just stored: how many other agencies already hold it (correlation on
    ingest; what each caller may learn of them is decided by `correlation`)."""
    wanted = list(value_ids)
    found: dict[int, int] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        stmt = (
            select(SelectorHolder.value_id, func.count())
            .where(SelectorHolder.value_id.in_(chunk), SelectorHolder.agency_id != agency_id)
            .group_by(SelectorHolder.value_id)
        )
        found.update({vid: int(n) for vid, n in session.execute(stmt)})
    return found


def _store_report(
    records: Records,
    parsed: ParsedReport,
    marking: Marking,
    placement: Placement,
    format_name: str,
    source_import: Import | None,
) -> tuple[uuid.UUID, int, set[int]] | None:
    session = records.session
    digest = report_hash(parsed)
    duplicate = session.scalar(
        select(Report.id).where(
            Report.agency_id == records.viewer.agency_id, Report.content_hash == digest
        )
    )
    if duplicate is not None:
        return None
    report = Report(
        case_id=placement.case_id,
        title=parsed.title[:300] or "(untitled)",
        source=parsed.source[:200] or format_name,
        received_at=parsed.received_at or utcnow(),
        body=parsed.body,
        items=_structured(parsed),
        content_hash=digest,
        marking=marking,
        scope=placement.scope,
        silent=placement.silent,
        format=format_name,
        import_id=source_import.id if source_import else None,
        submitted_by=records.viewer.user_id,
    )
    records.add(
        report,
        placement.shared_with,
        {"title": report.title, "format": format_name, "selectors": len(parsed.items)},
    )
    ids = value_ids(session, [(i.selector.type.value, i.selector.value) for i in parsed.items])
    marks = {
        "agency_id": records.viewer.agency_id,
        "marking": marking,
        "scope": placement.scope,
        "report_id": report.id,
    }
    rows = [
        {
            "value_id": ids[(item.selector.type.value, item.selector.value)],
            "original": item.selector.original[:1024],
            "origin": item.origin[:300],
            "span_start": item.selector.start,
            "span_end": item.selector.end,
            "observed_at": item.observed_at,
            "context": (item.context or None) and item.context[:120],
        }
        for item in parsed.items
    ]
    if rows:
        insert_many(session, cast(Table, Selector.__table__), rows, marks)
        counts = Counter(ids[(i.selector.type.value, i.selector.value)] for i in parsed.items)
        holders = cast(Table, SelectorHolder.__table__)
        add_counts(
            session,
            holders,
            ["value_id", "agency_id"],
            "occurrences",
            [
                {"value_id": vid, "agency_id": records.viewer.agency_id, "occurrences": n}
                for vid, n in counts.items()
            ],
        )
    for persona in parsed.personas:
        session.add(
            Persona(
                report_id=report.id,
                platform=persona.platform[:120],
                handle=persona.handle[:300],
                handle_canonical=persona.handle_canonical[:300],
                display_name=(persona.display_name or "")[:300] or None,
                **_marks(records, marking, placement),
            )
        )
    for parsed_person in parsed.persons:
        person = _person(records, report.id, parsed_person, marking, placement)
        session.add(person)
        if placement.scope is Scope.NAMED:
            session.flush()
            for agency_id in dict.fromkeys(placement.shared_with):
                session.add(
                    RecordShare(record_kind="person", record_id=person.id, agency_id=agency_id)
                )
    for location in parsed.locations:
        session.add(
            Location(
                report_id=report.id,
                case_id=placement.case_id,
                kind=location.kind,
                latitude=location.latitude,
                longitude=location.longitude,
                place_name=(location.place_name or "")[:300] or None,
                country=_country(location.country),
                observed_at=location.observed_at,
                **_marks(records, marking, placement),
            )
        )
    text = " ".join([parsed.title, parsed.body])
    session.execute(insert(_search), [{"report_id": report.id, "terms": index_terms(text)}])
    return report.id, len(rows), set(ids.values())


def _marks(records: Records, marking: Marking, placement: Placement) -> dict[str, Any]:
    return {"agency_id": records.viewer.agency_id, "marking": marking, "scope": placement.scope}


def _person(
    records: Records, report_id: uuid.UUID, parsed: Any, marking: Marking, placement: Placement
) -> Person:
    try:
        role = PersonRole(parsed.role) if parsed.role else PersonRole.SUSPECT
    except ValueError:
        role = PersonRole.SUSPECT
    try:
        sex = Sex(parsed.sex) if parsed.sex else Sex.UNKNOWN
    except ValueError:
        sex = Sex.UNKNOWN
    return Person(
        report_id=report_id,
        case_id=placement.case_id,
        role=role,
        sex=sex,
        date_of_birth=parsed.date_of_birth,
        nationalities=list(parsed.nationalities),
        names=[
            PersonName(
                full_name=parsed.name[:300],
                script=_script_code(parsed.script) or detect_script(parsed.name),
            )
        ],
        **_marks(records, marking, placement),
    )


SCRIPT_NAMES = {"latin": "Latn", "cyrillic": "Cyrl", "greek": "Grek", "arabic": "Arab"}


def _script_code(script: str | None) -> str | None:
    """An ISO 15924 code from a code or a script's English name; None when unknown."""
    if not script:
        return None
    if len(script) == 4 and script.isalpha():
        return script.title()
    return SCRIPT_NAMES.get(script.lower())


def _country(code: str | None) -> str | None:
    """An ISO 3166 alpha-2 code, upper case, or None."""
    return code.upper() if code and len(code) == 2 and code.isalpha() else None
