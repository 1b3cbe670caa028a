"""Case, person and timeline operations, all through the caller's `Records` gate."""

from __future__ import annotations

import secrets
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, or_, select

from wayhome import clock
from wayhome.access.markings import Marking
from wayhome.access.records import Page, Records
from wayhome.agencies.models import Agency
from wayhome.cases.models import (
    Case,
    CaseKind,
    CaseStatus,
    Event,
    Person,
    PersonName,
    PersonRole,
    Priority,
)
from wayhome.cases.schemas import CaseIn, EventIn, NameIn, PersonIn
from wayhome.cases.urgency import RANK, Urgency, assess
from wayhome.errors import InvalidInput

SCRIPT_CODES = {
    "LATIN": "Latn",
    "CYRILLIC": "Cyrl",
    "GREEK": "Grek",
    "ARABIC": "Arab",
    "HEBREW": "Hebr",
    "CJK": "Hani",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "HANGUL": "Hang",
    "GEORGIAN": "Geor",
    "ARMENIAN": "Armn",
    "DEVANAGARI": "Deva",
    "THAI": "Thai",
}


def detect_script(text: str) -> str:
    """ISO 15924 code of the first letter's script ('Zyyy' when there is no letter)."""
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            for prefix, code in SCRIPT_CODES.items():
                if name.startswith(prefix):
                    return code
            return "Zzzz"
    return "Zyyy"


def new_reference() -> str:
    # Random, not sequential: a reference must not reveal how many cases an agency holds.
    year = clock.now().year
    return f"WH-{year}-{secrets.token_hex(3).upper()}"


def open_case(records: Records, data: CaseIn) -> Case:
    """Open a case owned by the caller's agency, with its first timeline entry."""
    records.require_writer()
    records.check_marking(data.marking, data.scope, data.shared_with, "body")
    case = Case(
        reference=new_reference(),
        title=data.title.strip(),
        summary=data.summary,
        kind=data.kind,
        priority=data.priority,
        opened_at=clock.now(),
        marking=data.marking,
        scope=data.scope,
    )
    records.add(case, data.shared_with, {"title": case.title})
    records.add(opening_entry(case, records.viewer.user_id), data.shared_with)
    return case


def opening_entry(case: Case, created_by: uuid.UUID) -> Event:
    """A case's first timeline entry ("reported"), marked and shared as the case."""
    return Event(
        case_id=case.id,
        at=case.opened_at,
        kind="reported",
        summary=f"Case opened: {case.title}",
        marking=case.marking,
        scope=case.scope,
        created_by=created_by,
    )


# -- the case list: filters, sorting, paging ------------------------------------------------------
# Statuses of a case still being worked ("open" in the list's status filter).
OPEN_STATUSES = frozenset(
    {CaseStatus.REPORTED, CaseStatus.ALERT_ISSUED, CaseStatus.ACTIVE_SEARCH, CaseStatus.LOCATED}
)
CASE_SORTS = ("urgency", "opened", "reference", "title", "status")
_COLUMNS: dict[str, Any] = {
    "opened": Case.opened_at,
    "reference": Case.reference,
    "title": Case.title,
    "status": Case.status,
}


@dataclass(frozen=True)
class CaseQuery:
    """What the case list is asked for; every field optional (None: no filter)."""

    statuses: tuple[CaseStatus, ...] = ()
    open_only: bool = False
    urgency: Priority | None = None
    agency: str | None = None  # an agency's code
    marking: Marking | None = None
    kind: CaseKind | None = None
    opened_from: date | None = None
    opened_to: date | None = None
    text: str = ""  # reference, title or a visible missing child's name
    sort: str = "urgency"
    descending: bool = True


@dataclass(frozen=True)
class CaseRow:
    """One listed case and its urgency now."""

    case: Case
    urgency: Urgency


@dataclass
class CaseCounts:
    """How many visible cases are open, per urgency level."""

    open: int = 0
    by_urgency: dict[Priority, int] = field(default_factory=dict)


def _case_filters(records: Records, query: CaseQuery) -> list[ColumnElement[bool]]:
    """The SQL conditions of a query (visibility is added by the caller's select)."""
    where: list[ColumnElement[bool]] = []
    if query.statuses:
        where.append(Case.status.in_(query.statuses))
    if query.open_only:
        where.append(Case.status.in_(OPEN_STATUSES))
    if query.agency:
        owner = select(Agency.id).where(Agency.code == query.agency.strip().lower())
        where.append(Case.agency_id.in_(owner))
    if query.marking is not None:
        where.append(Case.marking == query.marking)
    if query.kind is not None:
        where.append(Case.kind == query.kind)
    if query.opened_from is not None:
        where.append(Case.opened_at >= datetime.combine(query.opened_from, time(), UTC))
    if query.opened_to is not None:
        end = datetime.combine(query.opened_to + timedelta(days=1), time(), UTC)
        where.append(Case.opened_at < end)
    text = query.text.strip()
    if text:
        # A child's name counts only where the caller may see that person: a hidden record
        # must not make a case match.
        named = (
            select(Person.case_id)
            .join(PersonName, PersonName.person_id == Person.id)
            .where(
                records.visibility.clause(Person),
                Person.role == PersonRole.MISSING_CHILD,
                PersonName.full_name.icontains(text, autoescape=True),
            )
        )
        where.append(
            or_(
                Case.reference.icontains(text, autoescape=True),
                Case.title.icontains(text, autoescape=True),
                Case.id.in_(named),
            )
        )
    return where


def _births(records: Records, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, date]:
    """The visible missing children's dates of birth, per case."""
    born: dict[uuid.UUID, date] = {}
    for first in range(0, len(case_ids), 900):
        stmt = (
            select(Person.case_id, Person.date_of_birth)
            .where(
                records.visibility.clause(Person),
                Person.role == PersonRole.MISSING_CHILD,
                Person.case_id.in_(case_ids[first : first + 900]),
                Person.date_of_birth.is_not(None),
            )
            .order_by(Person.created_at.desc())
        )
        for case_id, day in records.session.execute(stmt):
            if case_id is not None and day is not None:
                born[case_id] = day
    return born


def _urgencies(records: Records, rows: list[Any], now: datetime) -> dict[uuid.UUID, Urgency]:
    """The urgency of each (id, priority, abduction, online, last seen) row now."""
    born = _births(records, [row[0] for row in rows])
    return {
        case_id: assess(born.get(case_id), abduction, online, seen, now, priority)
        for case_id, priority, abduction, online, seen, *_ in rows
    }


def search_cases(records: Records, query: CaseQuery, limit: int, offset: int) -> Page[CaseRow]:
    """A page of the cases the caller may see that match `query`, sorted, with the total of
    visible matches; sorted by urgency, open cases come first, then the most urgent."""
    if limit < 1 or offset < 0:
        records.find(Case, limit=limit, offset=offset)  # the gate's own error
    if query.sort not in CASE_SORTS:
        raise InvalidInput(f"sort by one of {', '.join(CASE_SORTS)}", location="query.sort")
    now = clock.now()
    where = _case_filters(records, query)
    if query.sort != "urgency" and query.urgency is None:
        column = _COLUMNS[query.sort]
        order = [column.desc() if query.descending else column.asc(), Case.id]
        found = records.find(Case, *where, order_by=order, limit=limit, offset=offset)
        levels = _urgencies(records, [_light(c) for c in found.items], now)
        items = [CaseRow(c, levels[c.id]) for c in found.items]
        return Page(items, found.total, limit, offset)
    rows, levels = _assessed(records, where, now)
    return _ranked_page(records, query, rows, levels, limit, offset)


def _assessed(
    records: Records, where: list[ColumnElement[bool]], now: datetime
) -> tuple[list[Any], dict[uuid.UUID, Urgency]]:
    """Every visible case matching `where` as a light row, and the urgency of each now."""
    stmt = select(
        Case.id, Case.priority, Case.suspected_abduction, Case.online_link, Case.last_seen_at,
        Case.status, Case.opened_at, Case.reference, Case.title,
    ).where(records.visibility.clause(Case), *where)  # fmt: skip
    rows = list(records.session.execute(stmt))
    return rows, _urgencies(records, rows, now)


def _ranked_page(
    records: Records,
    query: CaseQuery,
    rows: list[Any],
    levels: dict[uuid.UUID, Urgency],
    limit: int,
    offset: int,
) -> Page[CaseRow]:
    """The page of assessed rows that `query` asks for (urgency filter, sort), loaded and
    audited as listed."""
    if query.urgency is not None:
        rows = [row for row in rows if levels[row[0]].priority is query.urgency]
    rows = sorted(rows, key=lambda row: _sort_key(query.sort, row, levels[row[0]]), reverse=True)
    if not query.descending:
        rows.reverse()
    chosen = [row[0] for row in rows[offset : offset + limit]]
    loaded = {c.id: c for c in records.session.scalars(select(Case).where(Case.id.in_(chosen)))}
    cases = [loaded[i] for i in chosen]
    records.audit_listing(Case, cases, {"view": "case list"})
    return Page([CaseRow(c, levels[c.id]) for c in cases], len(rows), limit, offset)


def _light(case: Case) -> tuple[Any, ...]:
    return (case.id, case.priority, case.suspected_abduction, case.online_link, case.last_seen_at)


def _sort_key(sort: str, row: Any, urgency: Urgency) -> tuple[Any, ...]:
    """Descending sort key of a light row: open first, then the level, score and age."""
    if sort == "urgency":
        is_open = row[5] in OPEN_STATUSES
        return (is_open, RANK[urgency.priority], urgency.score, row[6], str(row[0]))
    column = {"opened": 6, "reference": 7, "title": 8, "status": 5}[sort]
    return (str(row[column]), str(row[0]))


def _counted(levels: dict[uuid.UUID, Urgency]) -> CaseCounts:
    counts = CaseCounts(open=len(levels))
    for urgency in levels.values():
        counts.by_urgency[urgency.priority] = counts.by_urgency.get(urgency.priority, 0) + 1
    return counts


_OPEN_BY_URGENCY = CaseQuery(open_only=True, sort="urgency")


def open_case_counts(records: Records) -> CaseCounts:
    """The visible open cases, counted per urgency level now."""
    where = _case_filters(records, _OPEN_BY_URGENCY)
    _, levels = _assessed(records, where, clock.now())
    return _counted(levels)


def most_urgent_open(records: Records, limit: int) -> tuple[Page[CaseRow], CaseCounts]:
    """The dashboard's cases: the `limit` most urgent open cases and the open cases counted
    per urgency level — from one reading of the open cases and one assessment of each
    (`search_cases` with open_only and `open_case_counts` in one pass)."""
    where = _case_filters(records, _OPEN_BY_URGENCY)
    rows, levels = _assessed(records, where, clock.now())
    return _ranked_page(records, _OPEN_BY_URGENCY, rows, levels, limit, 0), _counted(levels)


def get_case(records: Records, case_id: uuid.UUID) -> Case:
    """One case the caller may see."""
    return records.get(Case, case_id)


def _name(data: NameIn) -> PersonName:
    return PersonName(
        full_name=data.full_name,
        given_name=data.given_name,
        family_name=data.family_name,
        patronymic=data.patronymic,
        script=data.script or detect_script(data.full_name),
        language=data.language,
    )


def add_person(records: Records, case_id: uuid.UUID, data: PersonIn) -> Person:
    """Add a person to a case the caller can see."""
    records.require_writer()
    case = records.get(Case, case_id)
    records.check_marking(data.marking, data.scope, data.shared_with, "body")
    person = Person(
        case_id=case.id,
        role=data.role,
        date_of_birth=data.date_of_birth,
        age_min=data.age_min,
        age_max=data.age_max,
        sex=data.sex,
        nationalities=data.nationalities,
        description=data.description,
        marking=data.marking,
        scope=data.scope,
        names=[_name(n) for n in data.names],
    )
    return records.add(person, data.shared_with, {"case_id": str(case.id), "role": data.role})


def list_persons(records: Records, case_id: uuid.UUID, limit: int, offset: int) -> Page[Person]:
    """Persons of a case, as far as the caller may see them."""
    records.get(Case, case_id)
    return records.find(
        Person, Person.case_id == case_id, order_by=[Person.created_at], limit=limit, offset=offset
    )


def get_person(records: Records, person_id: uuid.UUID) -> Person:
    """One person the caller may see."""
    return records.get(Person, person_id)


def add_event(records: Records, case_id: uuid.UUID, data: EventIn) -> Event:
    """Add an investigator's entry to a case timeline."""
    records.require_writer()
    case = records.get(Case, case_id)
    records.check_marking(data.marking, data.scope, data.shared_with, "body")
    event = Event(
        case_id=case.id,
        at=data.at or clock.now(),
        kind=data.kind,
        summary=data.summary,
        marking=data.marking,
        scope=data.scope,
        created_by=records.viewer.user_id,
    )
    return records.add(event, data.shared_with, {"case_id": str(case.id)})


def timeline(records: Records, case_id: uuid.UUID, limit: int, offset: int) -> Page[Event]:
    """Timeline entries of a case the caller may see, oldest first."""
    records.get(Case, case_id)
    return records.find(
        Event, Event.case_id == case_id, order_by=[Event.at], limit=limit, offset=offset
    )
