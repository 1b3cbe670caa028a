"""The disclosure matrix through each engine's public output: for every marking × scope ×
silent flag × role × relation (own agency, shared with all, named incl. the caller, named
without him, another agency's owner-only), correlation, hash matching, register suspects,
watches, the link graph and case leads disclose what `access/disclosure.py` decides for the
same record — the record, a hit naming its holder, or nothing — and a silent or RED record's
holder is told exactly once however often, and by however many of one agency's users, it
is asked.

One world holds every combination: each record has its own holding agency (so a hit names
the combination it came from), a report filed to the readers' case carrying its own e-mail
address, a bank with its own MD5 and, silent flag aside (register persons have none), a
register extract of one person living in Yaroslavl.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.access.test_disclosure import COMBINATIONS, expected
from tests.conftest import World
from tests.hashing.banks import media, vics
from tests.locate.conftest import russia
from wayhome.access import services as access
from wayhome.access.disclosure import Disclosure
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import Role, User
from wayhome.access.records import Records
from wayhome.agencies.models import Agency
from wayhome.cases import services as cases
from wayhome.cases.models import Case, CaseKind
from wayhome.cases.schemas import CaseIn
from wayhome.errors import Forbidden, NotFound
from wayhome.hashing import services as hashing
from wayhome.hashing.live import LivePdqIndex
from wayhome.hashing.matches import match_hashes
from wayhome.hashing.records import HashRecord
from wayhome.inbox.models import Notification
from wayhome.intake import services as intake
from wayhome.intake.correlation import correlate
from wayhome.intake.schemas import ReportIn
from wayhome.leads.services import case_leads
from wayhome.locate import schemas as locate_schemas
from wayhome.locate import services as locating
from wayhome.locate import suspects
from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.suspects import import_register
from wayhome.watches import services as watches
from wayhome.watches.alerts import ALERT, HIT

__all__ = ["russia"]

# Readers in this order: the analyst first, so a RED record hidden from him (and shown to his
# investigator) tells its holder before anyone of his agency sees it.
READERS = (Role.ANALYST, Role.INVESTIGATOR, Role.SUPERVISOR, Role.ADMIN)
QUIET = (Disclosure.TELL_HOLDER, Disclosure.NOTHING)
# Inbox kinds a holder is told by, per engine.
TOLD = {
    "correlation": "silent_hit",
    "hashes": "hash_silent_hit",
    "register": "register_silent_hit",
    "watches": "watch_silent_hit",
}


@dataclass
class Held:
    """One combination's records and who holds them."""

    number: int
    marking: Marking
    scope: Scope
    silent: bool
    relation: str
    holder: Agency
    email: str
    md5: str
    person: str | None = None
    report_id: uuid.UUID | None = None
    bank_id: uuid.UUID | None = None

    def rule(self, role: Role) -> Disclosure:
        return expected(role, self.marking, self.silent, self.relation)


@dataclass
class Matrix:
    me: Agency
    readers: dict[Role, User]
    case: Case
    held: list[Held] = field(default_factory=list)


@pytest.fixture
def matrix(db: Session, world: World, russia: Gazetteer) -> Iterator[Matrix]:
    locating.use_gazetteer(russia)
    me, third = world.agency("dm-me", "RU"), world.agency("dm-third", "DE")
    readers = {role: world.user(me, role) for role in READERS}
    writer = world.user(me, Role.INVESTIGATOR)
    case = cases.open_case(
        Records(db, access.viewer_of(writer)),
        CaseIn(title="Missing girl", kind=CaseKind.OTHER, marking=Marking.GREEN, scope=Scope.ALL),
    )
    found = Matrix(me, readers, case)
    for role in (Role.ANALYST, Role.INVESTIGATOR, Role.SUPERVISOR):
        watches.add_watch(
            Records(db, access.viewer_of(readers[role])), readers[role], "case", str(case.id)
        )
    db.commit()
    for number, (marking, scope, silent, relation) in enumerate(COMBINATIONS):
        holder = me if relation == "own" else world.agency(f"dm-h{number:02d}", "NL")
        shared = {
            "named_me": [me.id, third.id],
            "named_other": [third.id],
            "own": [third.id],
        }.get(relation, [])
        shared = shared if scope is Scope.NAMED else []
        held = Held(
            number,
            marking,
            scope,
            silent,
            relation,
            holder,
            f"fox{number}.matrix@example.net",
            f"{number:032x}",
        )
        records = Records(
            db, access.viewer_of(writer if holder is me else world.user(holder, Role.INVESTIGATOR))
        )
        report, _ = intake.submit_report(
            records,
            ReportIn(
                title=f"tip {number}",
                source="test",
                body=f"he wrote from {held.email}",
                marking=marking,
                scope=scope,
                shared_with=shared,
                silent=silent,
                case_id=case.id,
            ),
        )
        held.report_id = report.id
        bank = hashing.create_bank(
            records, hashing.NewBank(f"bank {number}", marking, scope, shared, silent=silent)
        )
        hashing.import_into_bank(
            records,
            None,
            bank.id,
            vics([media(md5=held.md5, series=f"S-{number}")]),
            filename="list.json",
            max_bytes=10_000_000,
        )
        held.bank_id = bank.id
        if not silent:
            held.person = f"Pavel Matrixov{number}"
            import_register(
                records,
                f"person_id,full_name,residence,birth_date,sex,identifiers\n"
                f"M-{number},{held.person},Yaroslavl,1985-03-02,M,\n".encode(),
                "register.csv",
                marking,
                scope,
                shared,
            )
        db.commit()  # watches hear the report now, as after an API request
        found.held.append(held)
    yield found
    locating.use_gazetteer(None)


def _told(db: Session, holder: Agency, kind: str) -> int:
    return len(
        list(
            db.scalars(
                select(Notification.id).where(
                    Notification.agency_id == holder.id, Notification.kind == kind
                )
            )
        )
    )


def test_every_engine_discloses_what_the_rule_decides(
    db: Session,
    client: TestClient,
    world: World,
    matrix: Matrix,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every register person lives in one town: show them all, not the first twenty.
    monkeypatch.setattr(suspects, "CANDIDATES_SHOWN", len(matrix.held))
    seen: dict[tuple[str, Role, int], Disclosure] = {}
    index = LivePdqIndex()
    queries = [HashRecord(md5=h.md5) for h in matrix.held]
    clue = {"id": "yar", "kind": "within", "km": 150, "place": "Yaroslavl"}
    request = locate_schemas.LocateIn.model_validate({"clues": [clue], "suspect": {"sex": "M"}})
    for _ in range(2):  # asked twice: the holder is still told once
        for role in READERS:
            reader = matrix.readers[role]
            records = Records(db, access.viewer_of(reader))
            # correlation: occurrences shown, a hit per holder, or nothing
            for held in matrix.held:
                result = correlate(records, "email", held.email, overcommon_threshold=1000)
                shown = any(o.report_id == held.report_id for o in result.occurrences)
                hit = any(h.agency_id == held.holder.id for h in result.hits)
                seen["correlation", role, held.number] = _verdict(shown, hit)
            # hash matching: a bank match, a hit per holder, or nothing
            try:
                run = match_hashes(records, index, queries, case_id=matrix.case.id)
            except Forbidden:
                assert role is Role.ADMIN
                run = None
            for held in matrix.held:
                if run is None:
                    seen["hashes", role, held.number] = Disclosure.NOTHING
                    continue
                result = run.results[held.number]
                shown = any(m.bank.id == held.bank_id for m in result.matches)
                hit = any(h.agency_id == held.holder.id for h in result.hits)
                seen["hashes", role, held.number] = _verdict(shown, hit)
            # register suspects: a candidate, a hit per holder, or nothing
            try:
                located = locating.locate_case(records, matrix.case.id, request)
                candidates = {c.full_name for c in located.candidates or []}
                register_hits = {h.agency_code for h in located.register_hits or []}
            except (Forbidden, NotFound):
                assert role is Role.ADMIN
                candidates, register_hits = set(), set()
            for held in matrix.held:
                if held.person is not None:
                    seen["register", role, held.number] = _verdict(
                        held.person in candidates, held.holder.code in register_hits
                    )
            # the link graph from the case: the report's node, a marker naming its holder, or
            # nothing
            answer = client.get(
                "/api/v1/links/graph",
                params={"ref": f"case:{matrix.case.id}", "depth": 1},
                headers=world.headers(reader),
            )
            nodes = answer.json()["nodes"] if answer.status_code == 200 else []
            assert answer.status_code == 200 or role is Role.ADMIN, answer.text
            shown_ids = {n["id"] for n in nodes if not n.get("hidden")}
            markers = {c for n in nodes if n.get("hidden") for c in n.get("holders", [])}
            for held in matrix.held:
                seen["graph", role, held.number] = _verdict(
                    f"report:{held.report_id}" in shown_ids, held.holder.code in markers
                )
            # case leads: the known series of the case's matches, in full or as a hit
            try:
                series = case_leads(records, matrix.case.id).series
            except NotFound:
                assert role is Role.ADMIN
                series = []
            for held in matrix.held:
                seen["leads", role, held.number] = _verdict(
                    any(s.series == f"S-{held.number}" for s in series if not s.hidden),
                    any(s.agency == held.holder.code for s in series if s.hidden),
                )
            # watches (the case watched): an alert saying what, a hit naming the holder, or
            # nothing
            notes = list(db.scalars(select(Notification).where(Notification.user_id == reader.id)))
            alerted = {n.detail.get("record_id") for n in notes if n.kind == ALERT}
            hit_codes = {n.detail.get("agency_code") for n in notes if n.kind == HIT}
            for held in matrix.held:
                seen["watches", role, held.number] = _verdict(
                    str(held.report_id) in alerted, held.holder.code in hit_codes
                )
        db.commit()

    mismatches = []
    for (engine, role, number), found in sorted(seen.items(), key=str):
        held = matrix.held[number]
        rule = held.rule(role)
        want = Disclosure.NOTHING if rule in QUIET else rule
        if found is not want:
            mismatches.append(
                (
                    engine,
                    role.value,
                    held.marking.value,
                    held.scope.value,
                    held.silent,
                    held.relation,
                    found.value,
                    rule.value,
                )
            )
    assert not mismatches, mismatches[:20]

    # The holder of a silent or RED record is told once per engine that tells (correlation,
    # hash matching, register suspects, watches), never when the rule said NOTHING or more.
    for held in matrix.held:
        quiet = {held.rule(role) for role in READERS} & set(QUIET)
        for engine, kind in TOLD.items():
            if engine == "register" and held.person is None:
                continue
            told = _told(db, held.holder, kind) if held.relation != "own" else 0
            want = 1 if Disclosure.TELL_HOLDER in quiet else 0
            assert told == want, (engine, held.marking, held.scope, held.silent, held.relation)
    for kind in TOLD.values():
        assert _told(db, matrix.me, kind) == 0  # an agency is not told of its own questions
    engines = {"correlation", "hashes", "register", "graph", "leads", "watches"}
    assert {e for e, _, _ in seen} == engines
    for engine in engines:  # each engine showed, hit and kept quiet somewhere in the matrix
        found_here = {d for (e, _, _), d in seen.items() if e == engine}
        assert found_here == {Disclosure.SHOW, Disclosure.HIT, Disclosure.NOTHING}, engine


def _verdict(shown: bool, hit: bool) -> Disclosure:
    """What an engine's answer disclosed: the record, a hit naming its holder, or nothing."""
    assert not (shown and hit)
    if shown:
        return Disclosure.SHOW
    return Disclosure.HIT if hit else Disclosure.NOTHING
