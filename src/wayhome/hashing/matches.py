"""Matching submitted hashes against every bank, within need-to-know, and deconfliction.

For each submitted hash the caller gets the bank hashes he may see (bank, series, distance,
victim identification) and, for those he may not, hit/no-hit per holding agency — *that* it
holds a match, never what. A silent bank (or a RED one) tells the querier nothing; its holder
is told instead, once per set of matched hashes, querying agency and subject (the disclosure
rule and its one inbox path, `access/disclosure.py`). Every match is recorded as a link from
the submitting agency (and its report or case) to the bank hash, so both agencies'
dashboards show it; a match filed to another agency's case adds nothing to that case's
timeline.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from wayhome import signals
from wayhome.access.disclosure import Disclosure, Hit, judge, tell_holder_once
from wayhome.access.records import Records
from wayhome.access.visibility import READING_ROLES
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.cases.models import Case
from wayhome.errors import InvalidInput
from wayhome.hashing.bits import hamming_distance
from wayhome.hashing.live import LivePdqIndex
from wayhome.hashing.matching import MatchSettings
from wayhome.hashing.models import Bank, BankHash, HashMatch
from wayhome.hashing.pdq import Orientation, dihedral_from_hash
from wayhome.hashing.records import (
    EXACT_KINDS,
    UNRELIABLE_PDQ_QUALITY,
    HashKind,
    HashRecord,
)
from wayhome.intake.models import Report
from wayhome.signals import Signal, SignalKind, Subject, SubjectKind

CHUNK = 500
SILENT_HIT = "hash_silent_hit"  # inbox kind: a silent or RED bank's holder is told of a match


@dataclass(frozen=True)
class BankMatch:
    """A bank hash the caller may see that matches a submitted hash."""

    bank: Bank
    agency: Agency
    bank_hash: BankHash
    kind: HashKind
    distance: int
    orientation: Orientation | None
    unreliable: bool


@dataclass
class HashResult:
    """Everything the caller may learn about one submitted hash."""

    index: int
    query: HashRecord
    unreliable: bool
    matches: list[BankMatch] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)


@dataclass
class MatchRun:
    """The answer to a batch: one result per submitted hash, and what was recorded."""

    results: list[HashResult]
    linked: int = 0
    notified: int = 0


@dataclass(frozen=True)
class _Candidate:
    kind: HashKind
    distance: int
    orientation: Orientation | None
    unreliable: bool


def match_hashes(
    records: Records,
    index: LivePdqIndex,
    queries: Sequence[HashRecord],
    settings: MatchSettings = MatchSettings(),
    *,
    report_id: uuid.UUID | None = None,
    case_id: uuid.UUID | None = None,
) -> MatchRun:
    """Match a batch of hashes against every bank, link the matches and tell silent holders."""
    records.require_writer()
    if report_id is not None and case_id is not None:
        raise InvalidInput("name a report or a case, not both", location="body.case_id")
    if report_id is not None:
        records.get(Report, report_id)
    if case_id is not None:
        # Another agency's case may be named: the match is the caller's own record, filed to
        # the case as a report can be; the case's timeline gains nothing from it (timeline.py).
        records.get(Case, case_id)
    session = records.session
    candidates = _exact_candidates(records, queries)
    index.refresh(session)
    for hit in index.match(queries, settings):
        key = (hit.query_index, hit.bank_id)
        if key not in candidates:
            candidates[key] = _Candidate(hit.kind, hit.distance, hit.orientation, hit.unreliable)
    rows = _rows(records, {bank_hash_id for _, bank_hash_id in candidates})
    candidates = {
        key: found
        for key, found in candidates.items()
        if key[1] in rows and _still_matches(queries[key[0]], rows[key[1]][0], found, settings)
    }
    visible = records.visible_ids(BankHash, {key[1] for key in candidates})
    agencies = {
        a.id: a
        for a in session.scalars(
            select(Agency).where(Agency.id.in_({row.agency_id for row, _ in rows.values()}))
        )
    }
    results = [
        HashResult(position, query, query.pdq is not None and _weak(query.pdq_quality))
        for position, query in enumerate(queries)
    ]
    hidden_counts: dict[int, dict[uuid.UUID, int]] = defaultdict(lambda: defaultdict(int))
    silent: dict[uuid.UUID, set[int]] = defaultdict(set)
    shown: dict[int, BankHash] = {}
    for (position, bank_hash_id), found in sorted(candidates.items()):
        row, bank = rows[bank_hash_id]
        told = judge(
            records.viewer,
            visible=bank_hash_id in visible,
            holder=row.agency_id,
            marking=row.marking,
            silent=bank.silent,
        )
        if told is Disclosure.SHOW:
            shown[bank_hash_id] = row
            results[position].matches.append(
                BankMatch(
                    bank,
                    agencies[row.agency_id],
                    row,
                    found.kind,
                    found.distance,
                    found.orientation,
                    found.unreliable,
                )
            )
        elif told is Disclosure.TELL_HOLDER:
            silent[bank.id].add(bank_hash_id)
        elif told is Disclosure.HIT:
            hidden_counts[position][row.agency_id] += 1
    for position, per_agency in hidden_counts.items():
        results[position].hits = sorted(
            (
                Hit(a.id, a.code, a.name, a.country, count, BankHash.__record_kind__)
                for a, count in ((agencies[i], n) for i, n in per_agency.items())
            ),
            key=lambda hit: hit.agency_code,
        )
    for result in results:
        result.matches.sort(key=lambda m: (m.distance, m.bank.name, m.bank_hash.id))
    records.audit_listing(BankHash, list(shown.values()), {"hash_match": len(queries)})
    subject = str(report_id or case_id or "")
    new_links = _link(records, candidates, rows, subject, report_id, case_id)
    _emit_signals(records, new_links, rows, case_id)
    run = MatchRun(results, linked=len(new_links))
    run.notified = _notify_silent_holders(records, silent, rows, subject)
    audit.record(
        session,
        records.actor,
        "hash_match_query",
        Bank.__record_kind__,
        None,
        {
            "queries": len(queries),
            "visible": len(shown),
            "hits": sorted({h.agency_code for r in results for h in r.hits}),
            "subject": subject or None,
        },
    )
    return run


def _weak(quality: int | None) -> bool:
    return quality is not None and quality <= UNRELIABLE_PDQ_QUALITY


def _exact_candidates(
    records: Records, queries: Sequence[HashRecord]
) -> dict[tuple[int, int], _Candidate]:
    """Exact matches on MD5, SHA-1, SHA-256 and PhotoDNA, looked up in the database."""
    found: dict[tuple[int, int], _Candidate] = {}
    for kind in EXACT_KINDS:
        wanted: dict[str, list[int]] = defaultdict(list)
        for position, query in enumerate(queries):
            value = query.hash_of(kind)
            if value is not None:
                wanted[value].append(position)
        column = getattr(BankHash, kind.value)
        values = list(wanted)
        for start in range(0, len(values), CHUNK):
            stmt = select(BankHash.id, column).where(column.in_(values[start : start + CHUNK]))
            for bank_hash_id, value in records.session.execute(stmt):
                for position in wanted[value]:
                    found.setdefault((position, bank_hash_id), _Candidate(kind, 0, None, False))
    return found


def _rows(records: Records, ids: set[int]) -> dict[int, tuple[BankHash, Bank]]:
    """The bank hashes with these ids and their banks (internal: nothing is disclosed here)."""
    wanted = sorted(ids)
    rows: dict[int, tuple[BankHash, Bank]] = {}
    for start in range(0, len(wanted), CHUNK):
        stmt = (
            select(BankHash, Bank)
            .join(Bank, Bank.id == BankHash.bank_id)
            .where(BankHash.id.in_(wanted[start : start + CHUNK]))
        )
        rows.update((row.id, (row, bank)) for row, bank in records.session.execute(stmt))
    return rows


def _still_matches(
    query: HashRecord, row: BankHash, found: _Candidate, settings: MatchSettings
) -> bool:
    """Re-check a PDQ hit against the stored row (the index may hold rolled-back ids)."""
    if found.kind is not HashKind.PDQ:
        return True
    if row.pdq is None or query.pdq is None:
        return False
    if _weak(row.pdq_quality) and not settings.include_unreliable:
        return False
    orientation = found.orientation or Orientation.ORIGINAL
    variant = query.pdq
    if orientation is not Orientation.ORIGINAL:
        if len(query.pdq_dihedral) == len(Orientation):
            variant = dict(zip(Orientation, query.pdq_dihedral, strict=True))[orientation]
        else:
            variant = dihedral_from_hash(query.pdq)[orientation]
    return hamming_distance(variant, row.pdq) <= settings.max_distance


def _link(
    records: Records,
    candidates: dict[tuple[int, int], _Candidate],
    rows: dict[int, tuple[BankHash, Bank]],
    subject: str,
    report_id: uuid.UUID | None,
    case_id: uuid.UUID | None,
) -> set[int]:
    """Record each matched bank hash once per querying agency and subject; the new ones."""
    best: dict[int, _Candidate] = {}
    for (_, bank_hash_id), found in candidates.items():
        if bank_hash_id not in best or found.distance < best[bank_hash_id].distance:
            best[bank_hash_id] = found
    querier = records.viewer.agency_id
    ids = sorted(best)
    known: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        known.update(
            records.session.scalars(
                select(HashMatch.bank_hash_id).where(
                    HashMatch.querier_agency_id == querier,
                    HashMatch.subject == subject,
                    HashMatch.bank_hash_id.in_(ids[start : start + CHUNK]),
                )
            )
        )
    new = [bank_hash_id for bank_hash_id in ids if bank_hash_id not in known]
    records.session.add_all(
        HashMatch(
            bank_hash_id=bank_hash_id,
            bank_id=rows[bank_hash_id][1].id,
            holder_agency_id=rows[bank_hash_id][0].agency_id,
            querier_agency_id=querier,
            querier_user_id=records.viewer.user_id,
            subject=subject,
            report_id=report_id,
            case_id=case_id,
            kind=best[bank_hash_id].kind.value,
            distance=best[bank_hash_id].distance,
        )
        for bank_hash_id in new
    )
    records.session.flush()
    return set(new)


def _emit_signals(
    records: Records,
    new_links: set[int],
    rows: dict[int, tuple[BankHash, Bank]],
    case_id: uuid.UUID | None,
) -> None:
    """Tell watches which bank series the caller's submission newly matched (one signal per
    bank; the record is the bank, so each watcher learns as much as he may see of it)."""
    per_bank: dict[uuid.UUID, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for bank_hash_id in new_links:
        row, bank = rows[bank_hash_id]
        per_bank[bank.id][row.series or ""] += 1
    for bank_id, series in per_bank.items():
        named = {name: count for name, count in series.items() if name}
        signals.emit(
            records.session,
            Signal(
                SignalKind.HASH_MATCH,
                agency_id=records.viewer.agency_id,
                record_kind=Bank.__record_kind__,
                record_id=str(bank_id),
                summary=f"{sum(series.values())} submitted hash(es) matched "
                f"{len(named) or 'no'} series of a bank",
                subjects=tuple(
                    Subject(SubjectKind.BANK_SERIES, f"{bank_id}:{name}") for name in sorted(named)
                ),
                case_id=case_id,
                detail={"series": named},
            ),
        )


def _notify_silent_holders(
    records: Records,
    silent: dict[uuid.UUID, set[int]],
    rows: dict[int, tuple[BankHash, Bank]],
    subject: str,
) -> int:
    """Tell each silent (or RED) bank's holder which of its hashes another agency matched:
    once per bank, querying agency, subject and set of matched hashes."""
    querier = records.viewer.agency_id
    asking = records.session.get(Agency, querier) if silent else None
    sent = 0
    for bank_id, bank_hash_ids in silent.items():
        matched = sorted(bank_hash_ids)
        bank = rows[matched[0]][1]
        digest = hashlib.sha256(",".join(map(str, matched)).encode()).hexdigest()[:32]
        sent += tell_holder_once(
            records.session,
            records.actor,
            bank.agency_id,
            kind=SILENT_HIT,
            key=f"{bank_id}:{querier}:{subject}:{digest}",
            subject=f"{asking.name if asking else 'An agency'} submitted {len(matched)} hash(es) "
            f"matching your silent bank {bank.name}",
            detail={
                "bank_id": str(bank_id),
                "bank_hash_ids": matched[:200],
                "series": sorted({s for s in (rows[i][0].series for i in matched) if s}),
                "querier_agency": str(querier),
            },
            record_kind=Bank.__record_kind__,
            record_id=str(bank_id),
            audited={"hashes": len(matched)},
        )
    return sent


# -- deconfliction -------------------------------------------------------------------------------
@dataclass(frozen=True)
class SeriesLink:
    """Matches between one agency's submissions and one series of another agency's bank.

    `bank` and `series` are None when the viewer may not see the bank (then only the holder
    agency is named, as a hit).
    """

    other_agency: Agency
    bank: Bank | None
    series: str | None
    matches: int
    last_at: datetime
    report_id: uuid.UUID | None = None
    case_id: uuid.UUID | None = None


@dataclass
class Deconfliction:
    """What a dashboard shows: our submissions that matched, and others' matches on our banks."""

    ours_matched: list[SeriesLink] = field(default_factory=list)
    others_matched_ours: list[SeriesLink] = field(default_factory=list)


def deconfliction(records: Records, limit: int = 20) -> Deconfliction:
    """The newest hash-match links of the viewer's agency, in both directions."""
    found = Deconfliction()
    if records.viewer.role not in READING_ROLES:
        return found
    me = records.viewer.agency_id
    session = records.session
    columns = (
        HashMatch.bank_id,
        BankHash.series,
        func.count(),
        func.max(HashMatch.created_at),
    )
    ours = session.execute(
        select(HashMatch.holder_agency_id, HashMatch.report_id, HashMatch.case_id, *columns)
        .join(BankHash, BankHash.id == HashMatch.bank_hash_id)
        .where(HashMatch.querier_agency_id == me)
        .group_by(
            HashMatch.holder_agency_id,
            HashMatch.report_id,
            HashMatch.case_id,
            HashMatch.bank_id,
            BankHash.series,
        )
        .order_by(func.max(HashMatch.created_at).desc())
        .limit(limit * 5)
    ).all()
    theirs = session.execute(
        select(HashMatch.querier_agency_id, *columns)
        .join(BankHash, BankHash.id == HashMatch.bank_hash_id)
        .where(HashMatch.holder_agency_id == me, HashMatch.querier_agency_id != me)
        .group_by(HashMatch.querier_agency_id, HashMatch.bank_id, BankHash.series)
        .order_by(func.max(HashMatch.created_at).desc())
        .limit(limit)
    ).all()
    bank_ids = {row.bank_id for row in ours} | {row.bank_id for row in theirs}
    visible = records.visible_ids(Bank, bank_ids)
    banks = {b.id: b for b in session.scalars(select(Bank).where(Bank.id.in_(bank_ids)))}
    agency_ids = {row.holder_agency_id for row in ours} | {row.querier_agency_id for row in theirs}
    agencies = {a.id: a for a in session.scalars(select(Agency).where(Agency.id.in_(agency_ids)))}
    # Matches in banks the viewer may not see are merged per holder and subject: a hit.
    hidden: dict[tuple[uuid.UUID, uuid.UUID | None, uuid.UUID | None], int] = {}
    hidden_last: dict[tuple[uuid.UUID, uuid.UUID | None, uuid.UUID | None], datetime] = {}
    for holder, report_id, case_id, bank_id, series, count, last_at in ours:
        bank = banks[bank_id]
        told = judge(
            records.viewer,
            visible=bank_id in visible,
            holder=bank.agency_id,
            marking=bank.marking,
            silent=bank.silent,
        )
        if told is Disclosure.SHOW:
            found.ours_matched.append(
                SeriesLink(agencies[holder], bank, series, int(count), last_at, report_id, case_id)
            )
        elif told is Disclosure.HIT:
            key = (holder, report_id, case_id)
            hidden[key] = hidden.get(key, 0) + int(count)
            hidden_last[key] = max(hidden_last.get(key, last_at), last_at)
    for (holder, report_id, case_id), count in hidden.items():
        last = hidden_last[(holder, report_id, case_id)]
        found.ours_matched.append(
            SeriesLink(agencies[holder], None, None, count, last, report_id, case_id)
        )
    found.ours_matched.sort(key=lambda link: link.last_at, reverse=True)
    del found.ours_matched[limit:]
    found.others_matched_ours = [
        SeriesLink(agencies[querier], banks[bank_id], series, int(count), last_at)
        for querier, bank_id, series, count, last_at in theirs
        if bank_id in visible
    ]
    return found
