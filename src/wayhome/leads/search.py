"""One search box for everything a caller may see: cases (by reference, title and the child's
name), persons and register records by name in any script, personas by handle, places, the
selectors the query reads as, and the reports whose text holds it.

Names are compared through linking's cross-script name keys, so "Ivanov" finds "Иванов" and
"Kirul" finds "Кирулищев" (a query word of four letters or more also matches as the start of
a name part). Every group is read through need-to-know: visible records are shown; matching
records the caller may not see are judged by `access/disclosure.py` — a hit names the holding
agency and a count, a silent or RED record says nothing to the caller and tells its holder
once. So a query that matches only hidden records says who to ask, never "no hits".
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from sqlalchemy import ColumnElement, false, func, not_, or_, select

from wayhome.access.disclosure import (
    Disclosure,
    Hit,
    disclosure_clause,
    holder_hits,
    tell_holder_once,
)
from wayhome.access.models import MarkedMixin
from wayhome.access.records import Records
from wayhome.access.visibility import READING_ROLES
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.cases.models import Case, Person, PersonName, PersonRole
from wayhome.cases.vocabularies import N_
from wayhome.errors import InvalidInput
from wayhome.intake import correlation
from wayhome.intake.models import Persona, Report
from wayhome.intake.search import SearchResult, recognise_selectors, report_matches, search_reports
from wayhome.linking.names import name_part, split_name
from wayhome.linking.wording import NameReading, read_name
from wayhome.locate.gazetteer import Place
from wayhome.locate.live import gazetteer
from wayhome.locate.models import RegisterPersonRecord

# The groups, in the order a page shows them, and what each is called.
GROUPS = {
    "selectors": N_("Selectors"),
    "cases": N_("Cases"),
    "persons": N_("Persons"),
    "register": N_("Register records"),
    "personas": N_("Accounts"),
    "places": N_("Places"),
    "reports": N_("Reports"),
}
SHOWN = 20  # rows per group on the page
REPORTS_SHOWN = 20
PLACES_INFLECTED = 3
MIN_PREFIX = 4  # a query word this long also matches the start of a name part
MAX_QUERY = 200
SEARCH_HIT = "search_hit"  # inbox kind: another agency's search matched a silent or RED record


@dataclass(frozen=True)
class Item:
    """One visible result: what it is, how it reads, where it leads, why it matched."""

    kind: str
    ref: str
    url: str
    title: str
    detail: str = ""
    agency: str | None = None
    marking: Any = None
    why: str = ""
    names: tuple[NameReading, ...] = ()
    rank: int = 0  # lower first: 0 exact, 1 by a name part's start, 2 words


@dataclass
class Group:
    """One kind of result: the visible rows (a page of them), their total, and the hits."""

    key: str
    label: str
    items: list[Item] = field(default_factory=list)
    total: int = 0
    hits: list[Hit] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        """How many matching records other agencies hold that the caller may not see."""
        return sum(h.records for h in self.hits)


@dataclass
class Found:
    """A whole search: its groups (only those with something to say), the facets."""

    query: str
    groups: list[Group]
    kind: str | None = None
    readings: list[correlation.Correlation] = field(default_factory=list)
    reports: SearchResult | None = None
    facets: dict[str, int] = field(default_factory=dict)  # visible results per group, all

    @property
    def total(self) -> int:
        """Visible results in every group."""
        return sum(g.total for g in self.groups)

    @property
    def hits(self) -> list[Hit]:
        """Every hit, all groups together."""
        return [h for g in self.groups for h in g.hits]

    def group(self, key: str) -> Group | None:
        """One group by its key, if it has anything."""
        return next((g for g in self.groups if g.key == key), None)


# -- names in any script ----------------------------------------------------------------------
def _word_keys(word: str) -> tuple[frozenset[str], bool]:
    """A word's comparison keys (skeletons and given-name groups) and whether it is a
    patronymic; no keys when it has no usable letters."""
    try:
        part = name_part(word)
    except InvalidInput:
        return frozenset(), False
    return part.skeletons | {"g:" + g for g in part.groups}, part.patronymic


@lru_cache(maxsize=200_000)
def name_keys_of(full_name: str) -> tuple[tuple[frozenset[str], bool], ...]:
    """Each word of a stored name as its comparison keys (cached: names repeat)."""
    try:
        words = split_name(full_name)
    except InvalidInput:
        return ()
    return tuple(k for k in (_word_keys(w) for w in words) if k[0])


_warming = threading.Lock()
_warmed = False


def warm_names(records: Records) -> None:
    """Once per process, read every stored name (two quick queries in the caller's
    transaction) and parse them into `name_keys_of`'s cache on a thread of their own, so the
    first search does not wait for them all (about 5 s over the demo's register). Nothing is
    shown: the search still judges every match through need-to-know."""
    global _warmed
    with _warming:
        if _warmed:
            return
        _warmed = True
    names = list(records.session.scalars(select(PersonName.full_name)))
    names += records.session.scalars(select(RegisterPersonRecord.full_name))

    def run() -> None:
        for name in names:
            name_keys_of(name)

    threading.Thread(target=run, name="search-names", daemon=True).start()


def _is_words(query: str) -> bool:
    """Whether the query is a few words of letters (a name, a place), not a number or value."""
    words = query.split()
    return 0 < len(words) <= 5 and all(w.replace("-", "").replace("'", "").isalpha() for w in words)


def query_name_keys(query: str) -> tuple[frozenset[str], ...]:
    """The query's words as name keys, or () when it is not a name (digits, @, ...)."""
    if not _is_words(query):
        return ()
    try:
        words = split_name(query)
    except InvalidInput:
        return ()
    keys = tuple(_word_keys(w)[0] for w in words)
    return keys if keys and all(keys) else ()


def name_rank(wanted: Sequence[frozenset[str]], full_name: str) -> int | None:
    """0 when every query word is a word of the name (in any script), 1 when some only start
    one (a patronymic is matched whole only), None when a word matches nothing."""
    parts = name_keys_of(full_name)
    if not wanted or not parts:
        return None
    rank = 0
    for keys in wanted:
        if any(keys & part for part, _ in parts):
            continue
        long_keys = [k for k in keys if len(k) >= MIN_PREFIX and not k.startswith("g:")]
        starts = (
            p.startswith(k)
            for k in long_keys
            for part, patronymic in parts
            if not patronymic
            for p in part
        )
        if any(starts):
            rank = 1
            continue
        return None
    return rank


def _matching_names(
    rows: Iterable[tuple[Any, str]], wanted: Sequence[frozenset[str]]
) -> dict[Any, int]:
    """Ids whose name matches, with the best rank of their names."""
    found: dict[Any, int] = {}
    for key, full_name in rows:
        rank = name_rank(wanted, full_name)
        if rank is not None and rank < found.get(key, 9):
            found[key] = rank
    return found


# -- what the caller may not see ----------------------------------------------------------------
def _hidden(
    records: Records,
    model: type[MarkedMixin],
    where: ColumnElement[bool],
    silent: ColumnElement[bool] | None = None,
    join: Any = None,
) -> tuple[dict[uuid.UUID, int], dict[uuid.UUID, list[str]]]:
    """Hidden matching rows of `model` judged by the disclosure rule: counts per holder for
    hits, and the ids per holder to be told (silent or RED)."""
    viewer = records.viewer
    if viewer.role not in READING_ROLES:
        return {}, {}
    said = disclosure_clause(model, viewer.role, viewer.agency_id, silent, hidden=True)
    stmt = select(model.agency_id, said, model.id).where(  # type: ignore[attr-defined]
        where, not_(records.visibility.clause(model))
    )
    if join is not None:
        stmt = stmt.select_from(model).outerjoin(*join)
    hits: dict[uuid.UUID, int] = {}
    tell: dict[uuid.UUID, list[str]] = {}
    for agency_id, disclosed, key in records.session.execute(stmt):
        if disclosed == Disclosure.HIT.value:
            hits[agency_id] = hits.get(agency_id, 0) + 1
        elif disclosed == Disclosure.TELL_HOLDER.value:
            tell.setdefault(agency_id, []).append(str(key))
    return hits, tell


def _tell(records: Records, kind: str, query: str, tell: dict[uuid.UUID, list[str]]) -> None:
    """Tell each holder of a silent or RED match, once per (query, querying agency, records)."""
    asking = records.session.get(Agency, records.viewer.agency_id)
    for holder, ids in tell.items():
        digest = hashlib.sha256("|".join(sorted(ids)).encode()).hexdigest()[:16]
        key = f"{kind}:{records.viewer.agency_id}:{query.casefold()}:{digest}"
        tell_holder_once(
            records.session,
            records.actor,
            holder,
            kind=SEARCH_HIT,
            key=key,
            subject=f"{asking.name if asking else 'An agency'} searched for “{query}”, which "
            f"matches {len(ids)} of your silent or restricted {kind} record"
            f"{'s' if len(ids) != 1 else ''}",
            # One record: the holder's inbox names and links it (watches/pages.py:subjects_of).
            detail={
                "key": key,
                "kind": kind,
                "query": query,
                "ids": sorted(ids),
                **({"record_kind": kind, "record_id": ids[0]} if len(ids) == 1 else {}),
            },
            record_kind=kind,
            record_id=ids[0] if len(ids) == 1 else None,
            audited={"query": query, "records": len(ids)},
        )


def _judged(
    records: Records,
    kind: str,
    query: str,
    model: type[MarkedMixin],
    where: ColumnElement[bool],
    silent: ColumnElement[bool] | None = None,
    join: Any = None,
) -> list[Hit]:
    hits, tell = _hidden(records, model, where, silent, join)
    if tell:
        _tell(records, kind, query, tell)
    return holder_hits(records.session, hits, kind)


def _codes(records: Records) -> dict[uuid.UUID, str]:
    rows = records.session.execute(select(Agency.id, Agency.code))
    return {row[0]: row[1] for row in rows}


# -- the groups ----------------------------------------------------------------------------------
def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _cases(records: Records, query: str, wanted: Sequence[frozenset[str]]) -> Group:
    group = Group("cases", GROUPS["cases"])
    session = records.session
    child_rank: dict[uuid.UUID, int] = {}
    if wanted:
        # Only children the caller may see: a hidden (RED) child's name must neither make a
        # visible case match nor a hidden one a hit (the persons group judges the child).
        rows = session.execute(
            select(Person.case_id, PersonName.full_name)
            .join(PersonName, PersonName.person_id == Person.id)
            .where(
                Person.role == PersonRole.MISSING_CHILD,
                Person.case_id.is_not(None),
                records.visibility.clause(Person),
            )
        )
        child_rank = _matching_names(rows, wanted)
    like = _like(query.casefold())
    by_text = or_(
        func.lower(Case.reference).like(like, escape="\\"),
        func.lower(Case.title).like(like, escape="\\"),
    )
    where = or_(by_text, Case.id.in_(list(child_rank)) if child_rank else false())
    page = records.find(Case, where, order_by=[Case.opened_at.desc()], limit=200)
    folded = query.casefold()
    items = []
    for case in page.items:
        if case.reference.casefold() == folded:
            rank, why = 0, "reference"
        elif case.id in child_rank:
            rank, why = child_rank[case.id], "the missing child's name"
        elif folded in case.reference.casefold():
            rank, why = 1, "reference"
        else:
            rank, why = 2, "title"
        items.append(
            Item(
                "case",
                f"case:{case.id}",
                f"/cases/{case.id}",
                f"{case.reference} · {case.title}",
                f"{case.status.value}, priority {case.priority.value}",
                marking=case,
                why=why,
                rank=rank,
            )
        )
    group.items = sorted(items, key=lambda i: i.rank)[:SHOWN]
    group.total = page.total
    group.hits = _judged(records, "case", query, Case, where)
    return group


def _persons(
    records: Records, query: str, wanted: Sequence[frozenset[str]], codes: dict[uuid.UUID, str]
) -> Group:
    group = Group("persons", GROUPS["persons"])
    if not wanted:
        return group
    session = records.session
    rows = session.execute(select(PersonName.person_id, PersonName.full_name))
    ranks = _matching_names(rows, wanted)
    if not ranks:
        return group
    where = Person.id.in_(list(ranks))
    page = records.find(Person, where, limit=1000)
    items = []
    for person in page.items:
        readings = tuple(read_name(n.full_name) for n in person.names)
        title = " / ".join(n.full_name for n in person.names) or "unnamed person"
        born = f", born {person.date_of_birth.isoformat()}" if person.date_of_birth else ""
        items.append(
            Item(
                "person",
                f"person:{person.id}",
                f"/persons/{person.id}",
                title,
                f"{person.role.value.replace('_', ' ')}{born}",
                agency=codes.get(person.agency_id),
                marking=person,
                why="name",
                names=readings,
                rank=ranks[person.id],
            )
        )
    group.items = sorted(items, key=lambda i: (i.rank, i.title))[:SHOWN]
    group.total = page.total
    silent = func.coalesce(Report.silent, false())
    group.hits = _judged(
        records, "person", query, Person, where, silent, (Report, Report.id == Person.report_id)
    )
    return group


def _register(
    records: Records, query: str, wanted: Sequence[frozenset[str]], codes: dict[uuid.UUID, str]
) -> Group:
    group = Group("register", GROUPS["register"])
    if not wanted:
        return group
    rows = records.session.execute(select(RegisterPersonRecord.id, RegisterPersonRecord.full_name))
    ranks = _matching_names(rows, wanted)
    if not ranks:
        return group
    where = RegisterPersonRecord.id.in_(list(ranks))
    page = records.find(RegisterPersonRecord, where, limit=1000)
    items = [
        Item(
            "register_person",
            f"register_person:{row.id}",
            f"/register-persons/{row.id}",
            row.full_name,
            f"born {row.birth_date.isoformat()}, registered in {row.residence}",
            agency=codes.get(row.agency_id),
            marking=row,
            why="name",
            names=(read_name(row.full_name),),
            rank=ranks[row.id],
        )
        for row in page.items
    ]
    group.items = sorted(items, key=lambda i: (i.rank, i.title))[:SHOWN]
    group.total = page.total
    group.hits = _judged(records, "register_person", query, RegisterPersonRecord, where)
    return group


def _personas(records: Records, query: str, codes: dict[uuid.UUID, str]) -> Group:
    group = Group("personas", GROUPS["personas"])
    handle = query.strip().lstrip("@").casefold()
    if len(handle) < 3 or " " in handle:
        return group
    where = or_(
        func.lower(Persona.handle_canonical).like(_like(handle), escape="\\"),
        func.lower(Persona.display_name).like(_like(handle), escape="\\"),
    )
    page = records.find(Persona, where, order_by=[Persona.handle_canonical], limit=SHOWN)
    group.items = [
        Item(
            "persona",
            f"persona:{p.id}",
            f"/personas/{p.id}",
            f"{p.platform}:{p.handle}",
            p.display_name or "",
            agency=codes.get(p.agency_id),
            marking=p,
            why="handle",
            rank=0 if p.handle_canonical.casefold() == handle else 1,
        )
        for p in page.items
    ]
    group.items.sort(key=lambda i: i.rank)
    group.total = page.total
    silent = func.coalesce(Report.silent, false())
    group.hits = _judged(
        records, "persona", query, Persona, where, silent, (Report, Report.id == Persona.report_id)
    )
    return group


def _place_detail(place: Place) -> str:
    local = f" ({place.local_name})" if place.local_name and place.local_name != place.name else ""
    return f"{local} — {place.region}, {place.country}, population {place.population:,}".strip()


def _places(records: Records, query: str) -> Group:
    group = Group("places", GROUPS["places"])
    if not _is_words(query) or len(query.split()) > 4:
        return group
    places = gazetteer()
    found = places.find(query)
    # A name as written, else its inflected readings (the few most populous): «в Сынтуле».
    found = [m for m in found if not m.inflected] or found[:PLACES_INFLECTED]
    matched = [(match, places.place(match.index)) for match in found]
    if not matched:
        return group
    # The register records the caller may see in each place, in one query.
    counted = records.session.execute(
        select(RegisterPersonRecord.geonameid, func.count())
        .where(
            RegisterPersonRecord.geonameid.in_({place.geonameid for _, place in matched}),
            records.visibility.clause(RegisterPersonRecord),
        )
        .group_by(RegisterPersonRecord.geonameid)
    )
    by_place: dict[int | None, int] = dict(counted.all())
    items = []
    for match, place in matched:
        residents = by_place.get(place.geonameid, 0)
        registered = f"; {residents} register record{'s' if residents != 1 else ''} you may see"
        items.append(
            Item(
                "place",
                f"place:{place.geonameid}",
                "",
                place.name,
                _place_detail(place) + (registered if residents else ""),
                why="inflected name" if match.inflected else "name",
                rank=1 if match.inflected else 0,
            )
        )
    group.items = items
    group.total = len(items)
    return group


def _selectors(
    records: Records, query: str, overcommon_threshold: int
) -> tuple[Group, list[correlation.Correlation]]:
    group = Group("selectors", GROUPS["selectors"])
    readings = []
    for selector in recognise_selectors(query)[:4]:
        found = correlation.correlate(
            records,
            selector.type.value,
            selector.value,
            overcommon_threshold=overcommon_threshold,
        )
        readings.append(found)
    # A reading held by someone first (a PGP fingerprint before the SHA-1 nobody holds).
    readings.sort(key=lambda c: c.visible_reports == 0 and not c.hits)
    held = [c for c in readings if c.visible_reports or c.hits]
    readings = held or readings  # readings nobody holds only when none is held
    for found in readings:
        group.items.append(
            Item(
                "selector",
                f"selector:{found.kind}:{found.canonical}",
                f"/selectors/{found.kind}/{quote(found.canonical, safe='')}",
                found.canonical,
                f"{found.kind.replace('_', ' ')} — in {found.visible_reports} report"
                f"{'s' if found.visible_reports != 1 else ''} you may see",
                why=found.kind,
            )
        )
        group.hits.extend(found.hits)
    group.total = sum(1 for c in readings if c.visible_reports)
    return group, readings


def _reports(
    records: Records, query: str, offset: int, codes: dict[uuid.UUID, str]
) -> tuple[Group, SearchResult]:
    group = Group("reports", GROUPS["reports"])
    result = search_reports(records, query, REPORTS_SHOWN, offset)
    group.items = [
        Item(
            "report",
            f"report:{r.id}",
            f"/reports/{r.id}",
            r.title,
            r.body[:160],
            agency=codes.get(r.agency_id),
            marking=r,
            why="text",
            rank=2,
        )
        for r in result.reports
    ]
    group.total = result.total
    matched = report_matches(records, query)
    if matched is not None:
        group.hits = _judged(
            records, "report", query, Report, Report.id.in_(matched), Report.silent.is_(True)
        )
    return group, result


def search(
    records: Records,
    query: str,
    *,
    kind: str | None = None,
    offset: int = 0,
    overcommon_threshold: int = 1000,
) -> Found:
    """Everything the caller may see that matches the query, grouped and ranked, with the hits
    the disclosure rule allows for what he may not see. `kind` keeps one group (a facet)."""
    query = " ".join(query.split())
    if not query:
        raise InvalidInput(
            "type a name, a reference, a place, a selector or words", location="query.q"
        )
    if len(query) > MAX_QUERY:
        raise InvalidInput(f"at most {MAX_QUERY} characters", location="query.q")
    if kind is not None and kind not in GROUPS:
        raise InvalidInput(f"a kind is one of {', '.join(GROUPS)}", location="query.kind")
    wanted = query_name_keys(query)
    groups: list[Group] = []
    selectors, readings = _selectors(records, query, overcommon_threshold)
    groups.append(selectors)
    groups.append(_cases(records, query, wanted))
    codes = _codes(records)  # the holders' codes the groups name, read once
    groups.append(_persons(records, query, wanted, codes))
    groups.append(_register(records, query, wanted, codes))
    groups.append(_personas(records, query, codes))
    groups.append(_places(records, query))
    reports, result = _reports(records, query, offset, codes)
    groups.append(reports)
    # Exact answers first: a case by its reference, a name in full, then the rest as listed.
    kept = [g for g in groups if g.items or g.hits]
    kept.sort(key=lambda g: min((i.rank for i in g.items), default=9))
    audit.record(
        records.session,
        records.actor,
        "search",
        "search",
        None,
        {
            "query": query,
            "found": {g.key: g.total for g in kept},
            "hits": sorted({h.agency_code for g in kept for h in g.hits}),
        },
    )
    facets = {g.key: g.total for g in kept}
    if kind is not None:
        kept = [g for g in kept if g.key == kind] or [Group(kind, GROUPS[kind])]
    return Found(query, kept, kind, readings, result, facets)
