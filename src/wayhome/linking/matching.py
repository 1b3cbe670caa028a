"""Incremental identity matching: a new person, register extract, persona or report is matched
against everything held, and each link found is stored through the one writer
(`assertions.store_new`).

Persons are scored by the in-memory `live.PERSONS` index (a Splink-trained MatchIndex), personas
against personas that share a selector or a handle skeleton; a report naming exactly one account
and one person proposes that the person holds the account.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from wayhome.cases.models import Person, PersonRole
from wayhome.intake.models import Persona, Report, Selector, SelectorValue
from wayhome.linking.assertions import FoundLink, store_new, thresholds
from wayhome.linking.evidence import Assertion, Evidence, combine_evidence
from wayhome.linking.graph import ENTITY_MODELS, parse_ref, posted_by
from wayhome.linking.models import IdentityAssertion
from wayhome.linking.persona import Selector as PersonaSelector
from wayhome.linking.persona import handle_similarity, shared_selectors
from wayhome.locate.models import RegisterPersonRecord

if TYPE_CHECKING:
    from wayhome.linking.engine import ScoredPair

# Intake's selector kinds as the persona evidence compares them (strong: pgp, email, wallet, phone).
SELECTOR_KINDS = {
    "email": "email",
    "phone": "phone",
    "pgp_fingerprint": "pgp",
    "pgp_key_id": "pgp",
    "btc": "wallet",
    "eth": "wallet",
    "xmr": "wallet",
}
MAX_CANDIDATES = 200


def match_person(
    session: Session,
    person: Person | RegisterPersonRecord,
    case_id: uuid.UUID | None = None,
) -> list[IdentityAssertion]:
    """Match one new case, report or register person against every held person and register
    person (callers adding persons outside intake — a case's suspect, a small register
    extract — call this in their transaction)."""
    from wayhome.linking import live  # the Splink-backed library loads on first use only
    from wayhome.linking.records import PersonRecord

    record: PersonRecord | None
    if isinstance(person, RegisterPersonRecord):
        record = live.register_record(person)
    else:
        record = live.person_record(person)
        case_id = case_id or person.case_id
    features = live.features_or_none(record)
    if features is None:
        return []
    review_at = thresholds(session, "person").review_at
    pairs = live.PERSONS.match(session, features, review_at)
    live.PERSONS.add(session, [features])
    found = (
        FoundLink(
            _person_assertion(features.unique_id, pair.right_id, pair),
            (person, other),
            person.agency_id,
            case_id,
        )
        for pair in pairs[:MAX_CANDIDATES]
        if (other := held(session, pair.right_id)) is not None  # None: rolled back since indexed
    )
    return store_new(session, found)


def match_register(
    session: Session, rows: Sequence[RegisterPersonRecord]
) -> list[IdentityAssertion]:
    """Match a whole register extract in one batch: its rows join the index at once, then each
    held case or report person (far fewer than a register's rows) is matched against it and
    only pairs with the new rows are stored — instead of one match per register row."""
    from wayhome.linking import live

    new_refs = {f"register_person:{row.id}": row for row in rows}
    features = [live.features_or_none(live.register_record(row)) for row in rows]
    live.PERSONS.add(session, [f for f in features if f is not None])
    review_at = thresholds(session, "person").review_at
    report_cases = dict(
        session.execute(select(Report.id, Report.case_id).where(Report.case_id.is_not(None))).all()
    )
    return store_new(session, _register_links(session, new_refs, review_at, report_cases))


def _register_links(
    session: Session,
    new_refs: dict[str, RegisterPersonRecord],
    review_at: float,
    report_cases: dict[uuid.UUID, uuid.UUID | None],
) -> Iterator[FoundLink]:
    """Each held case or report person's links to the extract's new rows, person by person."""
    from wayhome.linking import live

    for person in session.scalars(select(Person).where(Person.role != PersonRole.REGISTER)):
        own = live.features_or_none(live.person_record(person))
        if own is None:
            continue
        case_id = person.case_id or (
            report_cases.get(person.report_id) if person.report_id else None
        )
        pairs = [p for p in live.PERSONS.match(session, own, review_at) if p.right_id in new_refs]
        for pair in pairs[:MAX_CANDIDATES]:
            other = new_refs[pair.right_id]
            found = _person_assertion(pair.right_id, own.unique_id, pair)
            yield FoundLink(found, (other, person), other.agency_id, case_id)


def _person_assertion(left: str, right: str, pair: ScoredPair) -> Assertion:
    """The model's person link of a scored pair, with each comparison's weight as evidence."""
    evidence = tuple(
        _person_evidence(c.comparison, c.level, c.match_weight)
        for c in pair.contributions
        if c.match_weight != 0.0  # a missing field says nothing
    )
    return Assertion(
        left=left,
        right=right,
        score=pair.match_probability,
        evidence=evidence,
        made_by="model:person",
    )


def _person_evidence(comparison: str, level: str, weight: float) -> Evidence:
    return Evidence(kind=f"person_match:{comparison}", detail=level, contribution=round(weight, 3))


def held(session: Session, ref: str) -> Any:
    """The record an entity reference names, or None."""
    kind, key = parse_ref(ref)
    return session.get(ENTITY_MODELS[kind], key)


def _report_selectors(
    session: Session, report_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[int, str, str, str | None]]]:
    stmt = (
        select(
            Selector.report_id,
            SelectorValue.id,
            SelectorValue.kind,
            SelectorValue.canonical,
            Selector.context,
        )
        .join(SelectorValue, SelectorValue.id == Selector.value_id)
        .where(Selector.report_id.in_(list(report_ids)))
    )
    out: dict[uuid.UUID, list[tuple[int, str, str, str | None]]] = {}
    for rid, vid, kind, canonical, context in session.execute(stmt):
        out.setdefault(rid, []).append((vid, kind, canonical, context))
    return out


def _persona_selectors(
    persona: Persona, values: list[tuple[int, str, str, str | None]]
) -> list[tuple[int, str, str]]:
    """The selectors of a persona's report that are its own: all but those the report
    attributes to another user's post (free text's "posted by")."""
    out = []
    for vid, kind, canonical, context in values:
        author = posted_by(context)
        if author is None or author == persona.handle_canonical:
            out.append((vid, kind, canonical))
    return out


def _as_persona_selectors(values: list[tuple[int, str, str]]) -> list[PersonaSelector]:
    return [
        PersonaSelector(SELECTOR_KINDS.get(kind, kind), canonical) for _, kind, canonical in values
    ]


def match_persona(
    session: Session, persona: Persona, case_id: uuid.UUID | None = None
) -> list[IdentityAssertion]:
    """Match one new persona against held personas sharing a selector or a handle skeleton."""
    from wayhome.linking import live

    if persona.report_id is None:
        return []
    own = _persona_selectors(
        persona, _report_selectors(session, [persona.report_id]).get(persona.report_id, [])
    )
    value_ids = [vid for vid, kind, _ in own if kind != "handle"]
    pgp_ends = [c[-16:].upper() for _, kind, c in own if kind in ("pgp_fingerprint", "pgp_key_id")]
    candidates: set[uuid.UUID] = set(live.HANDLES.alike(session, persona.handle))
    live.HANDLES.add(session, [(persona.id, persona.handle)])
    if value_ids or pgp_ends:
        conditions = [Selector.value_id.in_(value_ids)] if value_ids else []
        for end in pgp_ends:
            conditions.append(
                Selector.value_id.in_(
                    select(SelectorValue.id).where(
                        SelectorValue.kind.in_(("pgp_fingerprint", "pgp_key_id")),
                        SelectorValue.canonical.like(f"%{end}"),
                    )
                )
            )
        reports = select(Selector.report_id).where(or_(*conditions)).limit(5_000)
        stmt = select(Persona.id).where(Persona.report_id.in_(reports)).limit(MAX_CANDIDATES)
        candidates |= set(session.scalars(stmt))
    candidates.discard(persona.id)
    if not candidates:
        return []
    others = [
        p
        for p in session.scalars(select(Persona).where(Persona.id.in_(list(candidates))))
        if p.report_id != persona.report_id and p.report_id is not None
    ]
    selectors = _report_selectors(session, [p.report_id for p in others if p.report_id])
    mine = _as_persona_selectors(own)
    found = (
        FoundLink(
            combine_evidence(
                f"persona:{persona.id}",
                f"persona:{other.id}",
                [
                    shared_selectors(mine, _their_selectors(other, selectors)),
                    handle_similarity(persona.handle, other.handle),
                ],
                made_by="model:persona",
            ),
            (persona, other),
            persona.agency_id,
            case_id,
        )
        for other in others
    )
    return store_new(session, found)


def _their_selectors(
    other: Persona, selectors: dict[uuid.UUID, list[tuple[int, str, str, str | None]]]
) -> list[PersonaSelector]:
    """A held persona's own selectors, as the persona evidence compares them."""
    return _as_persona_selectors(
        _persona_selectors(other, selectors.get(other.report_id, []))  # type: ignore[arg-type]
    )


def match_report(
    session: Session, report_id: uuid.UUID, case_id: uuid.UUID | None = None
) -> list[IdentityAssertion]:
    """Match a new report's persons and personas against everything held."""
    persons = list(session.scalars(select(Person).where(Person.report_id == report_id)))
    personas = list(session.scalars(select(Persona).where(Persona.report_id == report_id)))
    stored: list[IdentityAssertion] = []
    for person in persons:
        stored += match_person(session, person, case_id)
    for persona in personas:
        stored += match_persona(session, persona, case_id)
    if len(persons) == 1 and len(personas) == 1:
        stored += _named_holder(session, report_id, personas[0], persons[0], case_id)
    return stored


# A report that names one account and one person (a provider's subscriber record) says the
# person holds the account: a claim worth a reviewer's look, not proof (odds 9:1).
NAMED_HOLDER_SCORE = 0.9


def _named_holder(
    session: Session,
    report_id: uuid.UUID,
    persona: Persona,
    person: Person,
    case_id: uuid.UUID | None,
) -> list[IdentityAssertion]:
    """Propose the link between the one account and the one person a report names."""
    found = Assertion(
        left=f"persona:{persona.id}",
        right=f"person:{person.id}",
        score=NAMED_HOLDER_SCORE,
        evidence=(
            Evidence(
                "named_holder",
                f"report {report_id} names this account and this person as its holder",
                round(math.log2(NAMED_HOLDER_SCORE / (1 - NAMED_HOLDER_SCORE)), 3),
            ),
        ),
        made_by=f"report:{report_id}",
    )
    return store_new(session, [FoundLink(found, (persona, person), persona.agency_id, case_id)])
