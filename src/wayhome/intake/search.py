"""Search over the reports a caller may see: full text in Russian and English word forms,
and, when the query is a selector, the reports that hold it.

A query that reads as a selector (an e-mail, a wallet, `telegram:blue_fox`, a URL) also
finds every visible report holding that value through the selector index, whatever the
report's text looks like: a phone written `8 912 345-67-89`, a wallet longer than the
longest indexed word, a handle read from a structured field. A value that reads as two
types is offered as both: 40 hex digits are a PGP fingerprint and a SHA-1.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from sqlalchemy import (
    Float,
    Integer,
    Select,
    Subquery,
    Uuid,
    func,
    literal,
    select,
    text,
    tuple_,
    union_all,
)

from wayhome.access.records import Records
from wayhome.db.dialect import search_query_sql, search_terms_param
from wayhome.errors import InvalidInput
from wayhome.intake.models import Report, SelectorValue
from wayhome.intake.models import Selector as SelectorRow
from wayhome.intake.selectors.extract import extract_selectors
from wayhome.intake.selectors.normalise import canonical_value
from wayhome.intake.selectors.types import Selector, SelectorType
from wayhome.intake.stemming import stems

MAX_TERMS = 16
# Reports counted per recognised selector, as the look-up's own cap ("1000+").
HOLDER_CAP = 1000
_HEX = re.compile(r"[0-9a-fA-F]+")
# Bare hex digits by length: what each length may be (the extractor wants a label or "0x"
# before a key id, and reads 40 digits as a SHA-1 only).
_HEX_READINGS = {
    16: (SelectorType.PGP_KEY_ID,),
    32: (SelectorType.MD5,),
    40: (SelectorType.PGP_FINGERPRINT, SelectorType.SHA1),
    64: (SelectorType.SHA256,),
}
_LABELLED = (SelectorType.HANDLE, SelectorType.MESSENGER_ID)
_TYPE_NAMES = frozenset(t.value for t in SelectorType)


@dataclass(frozen=True)
class Recognised:
    """A reading of the query as a selector and the visible reports that hold it."""

    selector: Selector
    reports: int = 0

    @property
    def type(self) -> SelectorType:
        """The selector's type (templates read `recognised.type.value`)."""
        return self.selector.type

    @property
    def value(self) -> str:
        """The canonical value."""
        return self.selector.value


@dataclass
class SearchResult:
    """Ranked visible reports, their total, and the selectors the query reads as."""

    reports: list[Report]
    total: int
    recognised: list[Recognised] = field(default_factory=list)

    @property
    def selector(self) -> Selector | None:
        """The first reading of the query as a selector, if any."""
        return self.recognised[0].selector if self.recognised else None


def _covers(query: str, found: Selector) -> bool:
    """Whether the selector is the whole query, but for a label before it (`jabber: x@y`)."""
    if found.start is None or found.end is None:
        return False
    if query[found.end :].strip(" .,;") != "":
        return False
    before = query[: found.start].strip()
    if not before:
        return True
    return found.type in _LABELLED and (before.endswith(":") or len(before.split()) <= 2)


def _explicit(query: str) -> list[Selector]:
    """`type:value` written out, e.g. `pgp_key_id:0123456789ABCDEF` or `url:https://…`."""
    kind, sep, rest = query.partition(":")
    if not sep or kind.lower() not in _TYPE_NAMES:
        return []
    selector_type = SelectorType(kind.lower())
    canonical = canonical_value(selector_type, rest.strip())
    return [] if canonical is None else [Selector(selector_type, canonical, rest.strip())]


def _hex_readings(query: str) -> list[Selector]:
    """Bare hex digits (spaces allowed; `0x` before a key id) read as every type of their
    length. `0x` and 40 digits is an Ethereum address, which the extractor reads."""
    compact = re.sub(r"\s", "", query)
    if compact[:2].lower() == "0x":
        compact = compact[2:] if len(compact) == 18 else ""
    if not _HEX.fullmatch(compact):
        return []
    found = []
    for kind in _HEX_READINGS.get(len(compact), ()):
        canonical = canonical_value(kind, compact)
        if canonical is not None:
            found.append(Selector(kind, canonical, query))
    return found


def recognise_selectors(query: str) -> list[Selector]:
    """Every selector the query may be (an e-mail typed into the search box), best first."""
    query = query.strip()
    readings = _explicit(query) + _hex_readings(query)  # 40 hex: a PGP fingerprint first
    readings += [s for s in extract_selectors(query) if _covers(query, s)]
    unique: dict[tuple[SelectorType, str], Selector] = {}
    for reading in readings:
        unique.setdefault(reading.key, reading)
    return list(unique.values())


def recognise_selector(query: str) -> Selector | None:
    """The first selector the query may be, if any."""
    found = recognise_selectors(query)
    return found[0] if found else None


def _value_ids(records: Records, selectors: list[Selector]) -> dict[tuple[str, str], int]:
    """The index ids of the values that are held at all, by (kind, canonical)."""
    if not selectors:
        return {}
    keys = [(s.type.value, s.value) for s in selectors]
    rows = records.session.execute(
        select(SelectorValue.kind, SelectorValue.canonical, SelectorValue.id).where(
            tuple_(SelectorValue.kind, SelectorValue.canonical).in_(keys)
        )
    )
    return {(kind, canonical): int(vid) for kind, canonical, vid in rows}


def _holding_reports(records: Records, value_id: int) -> int:
    """How many visible reports hold the value (counted up to HOLDER_CAP + 1)."""
    capped = (
        select(SelectorRow.report_id)
        .where(SelectorRow.value_id == value_id, records.visibility.clause(SelectorRow))
        .distinct()
        .limit(HOLDER_CAP + 1)
        .subquery()
    )
    return int(records.session.scalar(select(func.count()).select_from(capped)) or 0)


def _words(records: Records, terms: list[str]) -> Subquery:
    """The full-text match of the terms: report ids and their rank (negative, best lowest)."""
    dialect = records.session.get_bind().dialect.name
    return (
        text(search_query_sql(dialect))
        .bindparams(terms=search_terms_param(dialect, terms))
        .columns(report_id=Uuid(), rank=Float())
        .subquery("words")
    )


def report_matches(records: Records, query: str) -> Select[tuple[uuid.UUID]] | None:
    """The ids of every report, seen or not, whose text holds every word of the query (for the
    disclosure rule to judge the hidden ones); None when the query has no words."""
    terms = list(dict.fromkeys(stems(query.strip())))[:MAX_TERMS]
    if not terms:
        return None
    words = _words(records, terms)
    return select(words.c.report_id)


def search_reports(records: Records, query: str, limit: int, offset: int) -> SearchResult:
    """Reports that hold the selector the query is, then those whose text holds every word
    of the query (in any word form), best first."""
    query = query.strip()
    if not query:
        raise InvalidInput("type at least one word", location="query.q")
    readings = recognise_selectors(query)
    values = _value_ids(records, readings)
    recognised = [
        Recognised(s, _holding_reports(records, values[key]) if key in values else 0)
        for s in readings
        for key in [(s.type.value, s.value)]
    ]
    # The reading that holds records first (a fingerprint before the SHA-1 no one holds).
    recognised.sort(key=lambda r: r.reports == 0)
    terms = list(dict.fromkeys(stems(query)))[:MAX_TERMS]
    words = None
    parts = []
    if terms:
        words = _words(records, terms)
        parts.append(select(words.c.report_id, literal(0, Integer).label("held")))
    if values:
        parts.append(
            select(SelectorRow.report_id, literal(1, Integer).label("held")).where(
                SelectorRow.value_id.in_(list(values.values()))
            )
        )
    if not parts:
        return SearchResult([], 0, recognised)
    # Which reports match, and whether they hold the selector, come first; the words' rank
    # is joined after: FTS5's bm25() may not run inside a compound or grouped query.
    found = union_all(*parts).subquery("found")
    matches = (
        select(found.c.report_id, func.max(found.c.held).label("held"))
        .group_by(found.c.report_id)
        .subquery("matches")
    )
    visible = records.visibility.clause(Report)
    base = select(Report).join(matches, matches.c.report_id == Report.id).where(visible)
    total = records.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    ordered = base.order_by(matches.c.held.desc())
    if words is not None:
        ranked = select(words.c.report_id, words.c.rank).subquery("ranked")
        # Both engines' ranks are negative, best lowest: a report without the words is last.
        ordered = ordered.outerjoin(ranked, ranked.c.report_id == Report.id).order_by(
            func.coalesce(ranked.c.rank, 0.0)
        )
    ordered = ordered.order_by(Report.received_at.desc())
    rows = list(records.session.scalars(ordered.limit(limit).offset(offset)))
    if rows:
        records.audit_listing(Report, rows, {"query": query})
    return SearchResult(rows, int(total), recognised)
