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
from dataclasses import asdict, dataclass, field
from typing import Any, cast

from sqlalchemy import Table, Text, Uuid, column, select, table
from sqlalchemy.orm import Session

from wayhome import signals
from wayhome.access.markings import Marking, Scope, check_marking_scope, strictest
from wayhome.access.records import Records
from wayhome.cases.models import Case, DatePrecision, Person, PersonName, PersonRole, Sex
from wayhome.cases.services import detect_script
from wayhome.db.base import new_id, utcnow
from wayhome.db.dialect import (
    SEARCH_TABLE,
    bind_processor,
    copy_rows,
    driver_value,
    fetch_in_chunks,
    insert_absent,
    insert_many,
    insert_rows,
    is_sqlite,
    merge_keys,
)
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
from wayhome.intake.parsed import ParsedPerson, ParsedReport, ParsedSubmission
from wayhome.intake.selectors.types import SelectorType
from wayhome.intake.serialise import _plain
from wayhome.intake.stemming import index_terms
from wayhome.signals import Signal, SignalKind, Subject, SubjectKind

_search = table(SEARCH_TABLE, column("report_id", Uuid()), column("terms", Text()))


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


def selector_keys(report: ParsedReport) -> list[tuple[str, str]]:
    """(kind, canonical) of each of the report's selectors, in the report's order."""
    return [(_KINDS[i.selector.type], i.selector.value) for i in report.items]


def report_hash(report: ParsedReport, labels: list[str] | None = None) -> str:
    """SHA-256 over what makes two parsed reports the same report (`labels`: the report's
    `kind:canonical` selector labels when the caller has them already)."""
    if labels is None:
        labels = _labels(selector_keys(report))
    fields = {
        "title": report.title,
        "source": report.source,
        "body": report.body,
        "selectors": sorted(labels),
        "extra": _plain(report.extra),
    }
    if report.persons:
        # A person list (CSV) has no title, body or selectors of its own to tell it apart;
        # where in the file a person stood (`origin`) and their order do not.
        persons = [{k: v for k, v in asdict(p).items() if k != "origin"} for p in report.persons]
        fields["persons"] = sorted(json.dumps(_plain(p), sort_keys=True) for p in persons)
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _structured(report: ParsedReport) -> dict[str, Any]:
    plain: dict[str, Any] = {
        "personas": _plain([vars_of(p) for p in report.personas]),
        "persons": _plain([asdict(p) for p in report.persons]),
        "locations": _plain([vars_of(p) for p in report.locations]),
        "file_hashes": _plain([vars_of(p) for p in report.file_hashes]),
        "extra": _plain(report.extra),
    }
    return {k: v for k, v in plain.items() if v}


def vars_of(obj: Any) -> dict[str, Any]:
    """A slotted dataclass as a dict."""
    return {name: getattr(obj, name) for name in obj.__slots__}


def value_ids(
    session: Session, keys: Iterable[tuple[str, str]]
) -> tuple[dict[tuple[str, str], int], set[int]]:
    """Ids of selector values (kind, canonical), inserting the ones not yet held; and the ids
    this call inserted (values nobody else can hold yet)."""
    wanted = list(dict.fromkeys(keys))
    if not is_sqlite(session.get_bind().dialect.name):
        return _merge_value_ids(session, wanted)
    found = known_value_ids(session, wanted)
    missing = [k for k in wanted if k not in found]
    fresh: set[int] = set()
    if missing:
        values = cast(Table, SelectorValue.__table__)
        inserted = insert_absent(session, values, ["kind", "canonical"], missing)
        found.update({(k, c): vid for k, c, vid in inserted})
        fresh = {vid for _, _, vid in inserted}
        # A value another transaction inserted meanwhile was skipped: read its id.
        late = [k for k in missing if k not in found]
        if late:
            found.update(known_value_ids(session, late))
    return found, fresh


def _merge_value_ids(
    session: Session, wanted: list[tuple[str, str]]
) -> tuple[dict[tuple[str, str], int], set[int]]:
    """PostgreSQL: the values looked up and the absent ones added in one statement."""
    found: dict[tuple[str, str], int] = {}
    fresh: set[int] = set()
    if not wanted:
        return found, fresh
    values = cast(Table, SelectorValue.__table__)
    for kind, canonical, vid, added in merge_keys(session, values, ["kind", "canonical"], wanted):
        found[kind, canonical] = vid
        if added:
            fresh.add(vid)
    # A value another transaction inserted meanwhile was skipped: read its id.
    late = [k for k in wanted if k not in found]
    if late:
        found.update(known_value_ids(session, late))
    return found, fresh


def known_value_ids(session: Session, keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Ids of the selector values (kind, canonical) already held; nothing is inserted."""
    found: dict[tuple[str, str], int] = {}
    if not keys:
        return found
    wanted = set(keys)
    canonicals = list({canonical for _, canonical in keys})
    sql = "SELECT kind, canonical, id FROM selector_values WHERE {in}"
    for kind, canonical, vid in fetch_in_chunks(session, sql, "canonical", "text", canonicals):
        if (kind, canonical) in wanted:
            found[kind, canonical] = vid
    return found


def _labels(keys: list[tuple[str, str]]) -> list[str]:
    """`kind:canonical` of each key: how signals and the content hash name a selector."""
    return [f"{kind}:{canonical}" for kind, canonical in keys]


@dataclass
class _NewReport:
    """A report of the submission that is not yet stored, and what storing it gave."""

    parsed: ParsedReport
    marking: Marking
    digest: str
    keys: list[tuple[str, str]]
    labels: list[str]
    report_id: uuid.UUID | None = None
    held: set[int] = field(default_factory=set)


def ingest(
    records: Records,
    submission: ParsedSubmission,
    placement: Placement,
    *,
    sha256: str | None = None,
    filename: str = "",
) -> IngestResult:
    """Store a parsed submission owned by the caller's agency; idempotent per file and report.

    All reports of a submission are written together: one statement per table for all
    their selectors, values, holders, personas, locations and search terms, and one audit
    entry per report (through `Records.add`).
    """
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
        # A file's own marking is never loosened: the stricter of the placement's and its own.
        marking = strictest(m for m in (placement.marking, report.marking) if m is not None)
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
    new = _new_reports(session, agency_id, submission.reports, markings)
    _add_reports(records, new, placement, submission.format, record)
    fresh = _store_parts(records, new, placement)
    for entry in new:
        assert entry.report_id is not None
        result.report_ids.append(entry.report_id)
        result.selector_count += len(entry.parsed.items)
        result.value_ids |= entry.held
    if record is not None:
        record.report_count = len(result.report_ids)
        record.selector_count = result.selector_count
    session.flush()
    # A value this submission added to the index is held by no other agency: not looked up.
    result.matches = matches_elsewhere(session, result.value_ids - fresh, agency_id)
    _emit_signals(session, agency_id, placement, new, result.matches)
    return result


def _new_reports(
    session: Session,
    agency_id: uuid.UUID,
    reports: Sequence[ParsedReport],
    markings: list[Marking],
) -> list[_NewReport]:
    """The reports not yet held by the agency (by content hash), each once, in file order."""
    keys = [selector_keys(report) for report in reports]
    labels = [_labels(report_keys) for report_keys in keys]
    digests = [report_hash(r, names) for r, names in zip(reports, labels, strict=True)]
    held = _held_hashes(session, agency_id, list(dict.fromkeys(digests)))
    new = []
    for n, (report, marking, digest) in enumerate(zip(reports, markings, digests, strict=True)):
        if digest in held:
            continue
        held.add(digest)
        new.append(_NewReport(report, marking, digest, keys[n], labels[n]))
    return new


def _held_hashes(session: Session, agency_id: uuid.UUID, digests: list[str]) -> set[str]:
    """Which of these content hashes the agency's reports already have."""
    reports = cast(Table, Report.__table__)
    agency = driver_value(session, reports.c.agency_id, agency_id)
    sql = "SELECT content_hash FROM reports WHERE {in} AND agency_id = {p}"
    rows = fetch_in_chunks(session, sql, "content_hash", "text", digests, [agency])
    return {digest for (digest,) in rows}


_KINDS = {kind: kind.value for kind in SelectorType}


def _add_reports(
    records: Records,
    new: list[_NewReport],
    placement: Placement,
    format_name: str,
    source_import: Import | None,
) -> None:
    """The report rows, their named shares and one audit entry per report, in file order,
    through the gate's `add_many`."""
    if not new:
        return
    reports = []
    for entry in new:
        parsed = entry.parsed
        entry.report_id = new_id()
        reports.append(
            Report(
                id=entry.report_id,
                agency_id=records.viewer.agency_id,
                case_id=placement.case_id,
                title=parsed.title[:300] or "(untitled)",
                source=parsed.source[:200] or format_name,
                received_at=parsed.received_at or utcnow(),
                body=parsed.body,
                items=_structured(parsed),
                content_hash=entry.digest,
                marking=entry.marking,
                scope=placement.scope,
                silent=placement.silent,
                format=format_name,
                import_id=source_import.id if source_import else None,
                submitted_by=records.viewer.user_id,
            )
        )
    records.add_many(
        reports,
        placement.shared_with,
        [
            {"title": report.title, "format": format_name, "selectors": len(entry.parsed.items)}
            for report, entry in zip(reports, new, strict=True)
        ],
    )


def _store_parts(records: Records, new: list[_NewReport], placement: Placement) -> set[int]:
    """Selectors, values, holders, personas, persons, locations and search terms of the new
    reports: one statement per table for the whole submission. Returns the ids of the values
    it added to the index."""
    if not new:
        return set()
    session = records.session
    ids, fresh = value_ids(session, [key for entry in new for key in entry.keys])
    selectors = cast(Table, Selector.__table__)
    column = selectors.c
    agency = driver_value(session, column.agency_id, records.viewer.agency_id)
    scope = driver_value(session, column.scope, placement.scope)
    when = bind_processor(session, column.observed_at)
    rows: list[tuple[Any, ...]] = []
    counts: Counter[int] = Counter()
    for entry in new:
        report = driver_value(session, column.report_id, entry.report_id)
        marking = driver_value(session, column.marking, entry.marking)
        held = [ids[key] for key in entry.keys]
        counts.update(held)
        entry.held = set(held)
        for item, vid in zip(entry.parsed.items, held, strict=True):
            selector = item.selector
            observed = item.observed_at
            rows.append(
                (
                    vid,
                    selector.original[:1024],
                    item.origin[:300],
                    selector.start,
                    selector.end,
                    observed if observed is None or when is None else when(observed),
                    item.context[:120] if item.context else None,
                    report,
                    agency,
                    marking,
                    scope,
                )
            )
    copy_rows(session, selectors, SELECTOR_COLUMNS, rows)
    insert_rows(
        session,
        cast(Table, SelectorHolder.__table__),
        ["value_id", "agency_id", "occurrences"],
        [(vid, agency, n) for vid, n in sorted(counts.items())],
        upsert=(["value_id", "agency_id"], "occurrences"),
    )
    _store_personas(records, new, placement)
    _store_locations(records, new, placement)
    persons = []
    for entry in new:
        for parsed_person in entry.parsed.persons:
            assert entry.report_id is not None
            persons.append(
                _person(records, entry.report_id, parsed_person, entry.marking, placement)
            )
    session.add_all(persons)
    if persons and placement.scope is Scope.NAMED:
        session.flush()  # the persons' ids, once for all of them
        records.share(persons, placement.shared_with)
    search_id = _search.c.report_id
    insert_rows(
        session,
        cast(Table, _search),
        ["report_id", "terms"],
        [
            (
                driver_value(session, search_id, entry.report_id),
                index_terms(" ".join([entry.parsed.title, entry.parsed.body])),
            )
            for entry in new
        ],
    )
    return fresh


SELECTOR_COLUMNS = [
    "value_id",
    "original",
    "origin",
    "span_start",
    "span_end",
    "observed_at",
    "context",
    "report_id",
    "agency_id",
    "marking",
    "scope",
]


def _store_personas(records: Records, new: list[_NewReport], placement: Placement) -> None:
    table = cast(Table, Persona.__table__)
    rows = [
        {
            "id": new_id(),
            "report_id": entry.report_id,
            "platform": persona.platform[:120],
            "handle": persona.handle[:300],
            "handle_canonical": persona.handle_canonical[:300],
            "display_name": (persona.display_name or "")[:300] or None,
            "marking": entry.marking,
        }
        for entry in new
        for persona in entry.parsed.personas
    ]
    insert_many(
        records.session,
        table,
        rows,
        {"agency_id": records.viewer.agency_id, "scope": placement.scope},
    )


def _store_locations(records: Records, new: list[_NewReport], placement: Placement) -> None:
    table = cast(Table, Location.__table__)
    rows = [
        {
            "id": new_id(),
            "report_id": entry.report_id,
            "kind": location.kind,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "place_name": (location.place_name or "")[:300] or None,
            "country": _country(location.country),
            "observed_at": location.observed_at,
            "marking": entry.marking,
        }
        for entry in new
        for location in entry.parsed.locations
    ]
    insert_many(
        records.session,
        table,
        rows,
        {
            "case_id": placement.case_id,
            "agency_id": records.viewer.agency_id,
            "scope": placement.scope,
        },
    )


def _emit_signals(
    session: Session,
    agency_id: uuid.UUID,
    placement: Placement,
    stored: list[_NewReport],
    matches: dict[int, int],
) -> None:
    """Tell the timeline and watches what each new report touched, and what matched."""
    for entry in stored:
        selectors = tuple(Subject(SubjectKind.SELECTOR, key) for key in dict.fromkeys(entry.labels))
        personas = tuple(
            {Subject(SubjectKind.PERSONA, p.handle_canonical) for p in entry.parsed.personas}
        )
        signals.emit(
            session,
            Signal(
                SignalKind.REPORT_INGESTED,
                agency_id=agency_id,
                record_kind="report",
                record_id=str(entry.report_id),
                summary=f"new report with {len(selectors)} selectors",
                subjects=selectors + personas,
                case_id=placement.case_id,
            ),
        )
        matched = sorted(vid for vid in entry.held if vid in matches)
        if matched:
            signals.emit(
                session,
                Signal(
                    SignalKind.SELECTOR_MATCH,
                    agency_id=agency_id,
                    record_kind="report",
                    record_id=str(entry.report_id),
                    summary=f"{len(matched)} selectors of a new report are held elsewhere",
                    subjects=selectors,
                    case_id=placement.case_id,
                    detail={"value_ids": matched},
                ),
            )


def matches_elsewhere(
    session: Session, value_ids: Iterable[int], agency_id: uuid.UUID
) -> dict[int, int]:
    """For each value just stored: how many other agencies already hold it (correlation on
    ingest; what each caller may learn of them is decided by `correlation`)."""
    wanted = sorted(value_ids)
    if not wanted:
        return {}
    holders = cast(Table, SelectorHolder.__table__)
    agency = driver_value(session, holders.c.agency_id, agency_id)
    sql = "SELECT value_id, count(*) FROM selector_holders WHERE {in} AND agency_id <> {p}"
    sql += " GROUP BY value_id"
    rows = fetch_in_chunks(session, sql, "value_id", "bigint", wanted, [agency])
    return {vid: int(n) for vid, n in rows}


def _marks(records: Records, marking: Marking, placement: Placement) -> dict[str, Any]:
    return {"agency_id": records.viewer.agency_id, "marking": marking, "scope": placement.scope}


def _person(
    records: Records,
    report_id: uuid.UUID,
    parsed: ParsedPerson,
    marking: Marking,
    placement: Placement,
) -> Person:
    """A report's person as stored: under the report's marking and placement, its birth date
    with its precision, its places and identifiers, its name and aliases as name variants."""
    try:
        role = PersonRole(parsed.role) if parsed.role else PersonRole.SUSPECT
    except ValueError:
        role = PersonRole.SUSPECT
    try:
        sex = Sex(parsed.sex) if parsed.sex else Sex.UNKNOWN
    except ValueError:
        sex = Sex.UNKNOWN
    script = _script_code(parsed.script) or detect_script(parsed.name)
    names = [
        PersonName(
            full_name=parsed.name[:300],
            given_name=(parsed.given_name or "")[:120] or None,
            family_name=(parsed.family_name or "")[:120] or None,
            script=script,
        )
    ]
    names += [
        PersonName(full_name=alias[:300], script=detect_script(alias)) for alias in parsed.aliases
    ]
    return Person(
        report_id=report_id,
        case_id=placement.case_id,
        role=role,
        sex=sex,
        date_of_birth=parsed.date_of_birth,
        birth_date_precision=DatePrecision(parsed.birth_date_precision),
        nationalities=list(parsed.nationalities),
        places=[
            {"kind": p.kind, "name": p.name, "country": _country(p.country)} for p in parsed.places
        ],
        identifiers=list(parsed.identifiers),
        names=names,
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
