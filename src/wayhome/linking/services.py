"""Identity resolution as a service: stored assertions, review, clusters, graph and paths.

Every read and write goes through `Records`. An assertion is visible to a caller who may see
the assertion row and both entities it links; anything else answers 404, like any hidden
record. Deciding, splitting or rejecting changes assertions only — never a case, report,
person, register person or persona of any agency.

New reports are matched at once: `on_signals` (a before-commit subscriber to
REPORT_INGESTED) matches the report's persons against every held person and register person
(`live.PERSONS`, a Splink-trained MatchIndex in memory) and its personas against personas that
share a selector or a handle skeleton, stores assertions routed by the review thresholds, and
emits IDENTITY_LINK signals. The composition root (`wayhome/compose.py`) subscribes it.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from wayhome import signals
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import MarkedMixin, RecordShare
from wayhome.access.records import Records
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.cases.models import Person, PersonRole
from wayhome.db.base import utcnow
from wayhome.errors import InvalidInput, NotFound
from wayhome.intake.models import Persona, Report, Selector, SelectorValue
from wayhome.linking.evidence import Assertion, Evidence, combine_evidence
from wayhome.linking.graph import (
    ENTITY_MODELS,
    LINKABLE_KINDS,
    MAX_NEIGHBOURHOOD_NODES,
    MAX_PATH_HOPS,
    MAX_PATH_NODES,
    Edge,
    Graph,
    make_ref,
    parse_ref,
    posted_by,
)
from wayhome.linking.models import AssertionState, IdentityAssertion, LinkDecision, LinkThresholds
from wayhome.linking.paths import EvidenceEdge, path_confidence, shortest_evidence_path
from wayhome.linking.persona import Selector as PersonaSelector
from wayhome.linking.persona import handle_similarity, shared_selectors
from wayhome.linking.review import ReviewDecision, ReviewThresholds, adjust_thresholds
from wayhome.locate.models import RegisterPersonRecord
from wayhome.signals import Signal, SignalKind, Subject, SubjectKind

LINK_KINDS = ("person", "persona", "persona_person")
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
LINKING_ACTOR = "linking"


# -- thresholds ------------------------------------------------------------------------------
def link_kind_of(left: str, right: str) -> str:
    """person (persons and register persons), persona, or persona_person."""
    kinds = {left.split(":", 1)[0] == "persona", right.split(":", 1)[0] == "persona"}
    if kinds == {True}:
        return "persona"
    if kinds == {False}:
        return "person"
    return "persona_person"


def thresholds(session: Session, link_kind: str) -> ReviewThresholds:
    """The current review thresholds of a kind of link (the defaults until reviewers move them)."""
    row = session.get(LinkThresholds, link_kind)
    if row is None:
        return ReviewThresholds()
    return ReviewThresholds(accept_at=row.accept_at, review_at=row.review_at)


def _learn(session: Session, link_kind: str) -> ReviewThresholds:
    """Move a kind's thresholds by its reviewers' latest decision on each assertion."""
    stmt = (
        select(LinkDecision)
        .where(LinkDecision.link_kind == link_kind)
        .order_by(LinkDecision.at, LinkDecision.id)
    )
    latest: dict[uuid.UUID, LinkDecision] = {}
    for decision in session.scalars(stmt):
        latest[decision.assertion_id] = decision
    made = [
        ReviewDecision(str(d.assertion_id), "", d.score, d.decision == "accept")
        for d in latest.values()
    ]
    current = thresholds(session, link_kind)
    moved = adjust_thresholds(current, made)
    row = session.get(LinkThresholds, link_kind)
    if row is None:
        row = LinkThresholds(link_kind=link_kind, accept_at=moved.accept_at)
        session.add(row)
    row.accept_at, row.review_at, row.decisions = moved.accept_at, moved.review_at, len(made)
    session.flush()
    return moved


def set_thresholds(session: Session, link_kind: str, accept_at: float, review_at: float) -> None:
    """Set a kind's thresholds by hand (operations; the reviewers' feedback moves them later)."""
    if link_kind not in LINK_KINDS:
        raise InvalidInput(f"unknown link kind {link_kind!r}", location="link_kind")
    if not 0.0 <= review_at <= accept_at <= 1.0:
        raise InvalidInput("need 0 <= review_at <= accept_at <= 1", location="review_at")
    row = session.get(LinkThresholds, link_kind)
    if row is None:
        row = LinkThresholds(link_kind=link_kind, accept_at=accept_at, review_at=review_at)
        session.add(row)
    row.accept_at, row.review_at = accept_at, review_at
    session.flush()


# -- storing assertions ----------------------------------------------------------------------
def pair_key(left: str, right: str) -> str:
    """The order-free key of a pair of entity references."""
    return "|".join(sorted((left, right)))


_SCOPE_NARROWNESS = {Scope.ALL: 0, Scope.NAMED: 1, Scope.OWNER: 2}


def stricter_end(a: MarkedMixin, b: MarkedMixin) -> MarkedMixin:
    """The end of a link whose marking (then scope) is stricter: the link is shared as it is."""
    order = list(Marking)

    def rank(r: MarkedMixin) -> tuple[int, int]:
        return order.index(r.marking), _SCOPE_NARROWNESS[r.scope]

    return a if rank(a) >= rank(b) else b


def _shares_of(session: Session, record: MarkedMixin) -> list[uuid.UUID]:
    kind, column = type(record).share_key()
    stmt = select(RecordShare.agency_id).where(
        RecordShare.record_kind == kind,
        RecordShare.record_id == getattr(record, column.key),
    )
    return list(session.scalars(stmt))


def _evidence_rows(found: Assertion, agency: str) -> list[dict[str, Any]]:
    return [
        {"kind": e.kind, "detail": e.detail, "contribution": e.contribution, "agency": agency}
        for e in found.evidence
    ]


def store_assertion(
    session: Session,
    found: Assertion,
    *,
    agency_id: uuid.UUID,
    agency_code: str,
    ends: tuple[MarkedMixin, MarkedMixin],
    case_id: uuid.UUID | None = None,
) -> IdentityAssertion | None:
    """Store a model's assertion routed by the thresholds; a known or rejected pair is skipped.

    The link is owned, marked and shared exactly as the stricter of its two ends (and shown
    only to those who see both); `agency_id` is the agency whose new record raised it."""
    key = pair_key(found.left, found.right)
    if session.scalar(select(IdentityAssertion.id).where(IdentityAssertion.pair_key == key)):
        return None  # already proposed, decided, or rejected: never proposed again
    kind = link_kind_of(found.left, found.right)
    strict = stricter_end(*ends)
    route = thresholds(session, kind).route(found.score)
    if found.strong:
        route = "link"
    if route == "drop":
        return None
    row = IdentityAssertion(
        pair_key=key,
        left_ref=found.left,
        right_ref=found.right,
        link_kind=kind,
        score=found.score,
        strong=found.strong,
        state=AssertionState.ACCEPTED if route == "link" else AssertionState.PROPOSED,
        made_by=found.made_by,
        evidence=_evidence_rows(found, agency_code),
        case_id=case_id,
        agency_id=strict.agency_id,
        marking=strict.marking,
        scope=strict.scope,
        reason="",
    )
    session.add(row)
    session.flush()
    for shared_with in _shares_of(session, strict):
        session.add(RecordShare(record_kind="assertion", record_id=row.id, agency_id=shared_with))
    actor = audit.Actor(None, LINKING_ACTOR, agency_id, "identity resolution")
    audit.record(session, actor, "create", "assertion", str(row.id), {"pair": key})
    _signal(session, row, f"identity link {row.state.value} ({row.score:.2f})")
    return row


def _subjects(session: Session, refs: Sequence[str]) -> tuple[Subject, ...]:
    out = []
    for ref in refs:
        kind, key = parse_ref(ref)
        if kind == "persona":
            persona = session.get(Persona, key)
            if persona is not None:
                out.append(Subject(SubjectKind.PERSONA, persona.handle_canonical))
        elif kind in ("person", "register_person"):
            out.append(Subject(SubjectKind.PERSON, str(key)))
    return tuple(out)


def _signal(session: Session, row: IdentityAssertion, summary: str) -> None:
    signals.emit(
        session,
        Signal(
            SignalKind.IDENTITY_LINK,
            agency_id=row.agency_id,
            record_kind="assertion",
            record_id=str(row.id),
            summary=summary,
            subjects=_subjects(session, (row.left_ref, row.right_ref)),
            case_id=row.case_id,
            detail={"state": row.state.value, "score": round(row.score, 4), "kind": row.link_kind},
        ),
    )


@dataclass(frozen=True)
class NewAssertion:
    """An analyst's own assertion that two entities are one individual."""

    left: str
    right: str
    score: float
    reason: str
    marking: Marking
    scope: Scope = Scope.OWNER
    shared_with: tuple[uuid.UUID, ...] = ()


def assert_link(records: Records, new: NewAssertion) -> IdentityAssertion:
    """Record an analyst's assertion as proposed (a second reviewer accepts it); both entities
    must be visible to him, and an entity cannot be linked to itself."""
    records.require_writer()
    graph = Graph(records)
    left = graph.require_visible(new.left, "left")
    right = graph.require_visible(new.right, "right")
    for side, info in (("left", left), ("right", right)):
        if info.kind not in LINKABLE_KINDS:
            raise InvalidInput(
                f"a {info.kind} cannot be linked (persons, register persons, personas)",
                location=side,
            )
    if left.ref == right.ref:
        raise InvalidInput("an entity cannot be linked to itself", location="right")
    if not 0.0 < new.score <= 1.0:
        raise InvalidInput("score must be in (0, 1]", location="score")
    if not new.reason.strip():
        raise InvalidInput("say why the two are one individual", location="reason")
    records.check_marking(new.marking, new.scope, list(new.shared_with), "body")
    key = pair_key(left.ref, right.ref)
    if records.session.scalar(
        select(IdentityAssertion.id).where(IdentityAssertion.pair_key == key)
    ):
        raise InvalidInput("these two are already linked or were rejected", location="right")
    row = IdentityAssertion(
        pair_key=key,
        left_ref=left.ref,
        right_ref=right.ref,
        link_kind=link_kind_of(left.ref, right.ref),
        score=new.score,
        strong=False,
        state=AssertionState.PROPOSED,
        made_by=f"user:{records.viewer.username}",
        evidence=[
            {"kind": "analyst", "detail": new.reason.strip(), "contribution": 0.0, "agency": None}
        ],
        marking=new.marking,
        scope=new.scope,
        reason=new.reason.strip(),
    )
    records.add(row, new.shared_with, {"pair": key})
    _signal(records.session, row, "identity link proposed by an analyst")
    return row


# -- reading and deciding --------------------------------------------------------------------
def _endpoints_visible(records: Records, rows: Sequence[IdentityAssertion]) -> list[bool]:
    """For each assertion, whether the caller may see both entities it links."""
    wanted: dict[str, set[Any]] = {}
    for row in rows:
        for ref in (row.left_ref, row.right_ref):
            kind, key = parse_ref(ref)
            wanted.setdefault(kind, set()).add(key)
    visible: set[str] = set()
    for kind, keys in wanted.items():
        for key in records.visible_ids(ENTITY_MODELS[kind], keys):
            visible.add(make_ref(kind, key))
    return [row.left_ref in visible and row.right_ref in visible for row in rows]


def get_assertion(records: Records, assertion_id: uuid.UUID) -> IdentityAssertion:
    """One assertion the caller may see (itself and both ends); 404 otherwise."""
    stmt = records.visibility.select(IdentityAssertion).where(IdentityAssertion.id == assertion_id)
    row = records.session.scalars(stmt).first()
    if row is None or not _endpoints_visible(records, [row])[0]:
        raise NotFound("no assertion with this id")
    records.audit_listing(IdentityAssertion, [row], {"assertion": str(row.id)})
    return row


def assertions_for(
    records: Records, ref: str | None = None, state: AssertionState | None = None, limit: int = 200
) -> list[IdentityAssertion]:
    """Visible assertions touching an entity (or all), newest first; audited as a listing."""
    stmt = records.visibility.select(IdentityAssertion)
    if ref is not None:
        kind, key = parse_ref(ref)
        ref = make_ref(kind, key)
        stmt = stmt.where(
            or_(IdentityAssertion.left_ref == ref, IdentityAssertion.right_ref == ref)
        )
    if state is not None:
        stmt = stmt.where(IdentityAssertion.state == state)
    rows = list(
        records.session.scalars(stmt.order_by(IdentityAssertion.created_at.desc()).limit(limit * 4))
    )
    shown = [r for r, ok in zip(rows, _endpoints_visible(records, rows), strict=True) if ok]
    shown = shown[:limit]
    records.audit_listing(IdentityAssertion, shown, {"entity": ref})
    return shown


def review_queue(
    records: Records, link_kind: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[IdentityAssertion], int]:
    """Proposed links between the review thresholds, best first, that the caller may see."""
    if link_kind is not None and link_kind not in LINK_KINDS:
        raise InvalidInput(f"unknown link kind {link_kind!r}", location="query.kind")
    stmt = records.visibility.select(IdentityAssertion).where(
        IdentityAssertion.state == AssertionState.PROPOSED
    )
    if link_kind:
        stmt = stmt.where(IdentityAssertion.link_kind == link_kind)
    rows = list(records.session.scalars(stmt.order_by(IdentityAssertion.score.desc()).limit(2000)))
    bands = {kind: thresholds(records.session, kind) for kind in LINK_KINDS}
    rows = [
        r
        for r, ok in zip(rows, _endpoints_visible(records, rows), strict=True)
        if ok and (r.made_by.startswith("user:") or r.score >= bands[r.link_kind].review_at)
    ]
    page = rows[offset : offset + limit]
    records.audit_listing(IdentityAssertion, page, {"queue": link_kind or "all"})
    return page, len(rows)


def decide(
    records: Records, assertion_id: uuid.UUID, decision: str, reason: str = ""
) -> IdentityAssertion:
    """Accept or reject a link; recorded, audited, fed back into the thresholds. A rejected pair
    is never proposed again. No agency record is changed."""
    records.require_writer()
    if decision not in ("accept", "reject"):
        raise InvalidInput("decision must be 'accept' or 'reject'", location="body.decision")
    row = get_assertion(records, assertion_id)
    row.state = AssertionState.ACCEPTED if decision == "accept" else AssertionState.REJECTED
    row.decided_by = records.viewer.user_id
    row.decided_at = utcnow()
    row.reason = reason.strip()
    records.session.add(
        LinkDecision(
            assertion_id=row.id,
            user_id=records.viewer.user_id,
            agency_id=records.viewer.agency_id,
            link_kind=row.link_kind,
            decision=decision,
            score=row.score,
            reason=row.reason,
        )
    )
    records.changed(row, {"decision": decision, "reason": row.reason})
    _learn(records.session, row.link_kind)
    _signal(records.session, row, f"identity link {row.state.value} by a reviewer")
    return row


def cluster_of(records: Records, ref: str, limit: int = 500) -> list[set[str]]:
    """The cluster around an entity: connected components of accepted and strong, unrejected
    links the caller may see (one component unless links were split)."""
    from wayhome.linking.clusters import connected_components

    start = Graph(records).require_visible(ref, "ref").ref
    members, links = {start}, []
    frontier = {start}
    while frontier and len(members) < limit:
        rows = [
            r
            for r in _linked(records, frontier)
            if r.state is AssertionState.ACCEPTED
            or (r.strong and r.state is not AssertionState.REJECTED)
        ]
        frontier = set()
        for row in rows:
            links.append((row.left_ref, row.right_ref))
            for end in (row.left_ref, row.right_ref):
                if end not in members:
                    members.add(end)
                    frontier.add(end)
    return connected_components(members, links)


def _linked(records: Records, refs: set[str]) -> list[IdentityAssertion]:
    stmt = records.visibility.select(IdentityAssertion).where(
        or_(
            IdentityAssertion.left_ref.in_(list(refs)),
            IdentityAssertion.right_ref.in_(list(refs)),
        )
    )
    rows = list(records.session.scalars(stmt))
    return [r for r, ok in zip(rows, _endpoints_visible(records, rows), strict=True) if ok]


def split(records: Records, assertion_ids: Sequence[uuid.UUID], reason: str) -> list[set[str]]:
    """Split a cluster by rejecting the given links; returns the components that remain. Every
    link must be visible to the caller, or nothing is changed."""
    records.require_writer()
    if not assertion_ids:
        raise InvalidInput("name at least one link to cut", location="body.assertion_ids")
    if not reason.strip():
        raise InvalidInput("say why the cluster is split", location="body.reason")
    rows = [get_assertion(records, assertion_id) for assertion_id in assertion_ids]
    for row in rows:
        decide(records, row.id, "reject", reason)
    parts: list[set[str]] = []
    for row in rows:
        for end in (row.left_ref, row.right_ref):
            if not any(end in part for part in parts):
                parts += cluster_of(records, end)
    return parts


# -- the graph -------------------------------------------------------------------------------
def neighbourhood(records: Records, ref: str, depth: int = 1) -> dict[str, Any]:
    """An entity's neighbourhood to `depth` hops as the caller may see it (hidden nodes as
    hit markers naming the holder), audited."""
    if not 1 <= depth <= 3:
        raise InvalidInput("depth must be 1, 2 or 3", location="query.depth")
    graph = Graph(records)
    start = graph.require_visible(ref, "query.ref").ref
    seen, frontier = {start}, {start}
    kept: dict[tuple[str, str, str, str], Edge] = {}
    for _ in range(depth):
        edges = graph.judge(graph.edges_of(frontier))
        frontier = set()
        for edge in edges:
            kept.setdefault((edge.left, edge.right, edge.kind, edge.carrier), edge)
            for end in (edge.left, edge.right):
                if end not in seen and len(seen) < MAX_NEIGHBOURHOOD_NODES:
                    seen.add(end)
                    if graph.nodes[end].visible:
                        frontier.add(end)
        if not frontier:
            break
    nodes = [graph.node_out(r) for r in sorted(seen)]
    edges_out = [graph.edge_out(e) for e in kept.values() if e.left in seen and e.right in seen]
    shown = [n["id"] for n in nodes if not n["hidden"]]
    audit.record(
        records.session,
        records.actor,
        "list",
        "graph",
        start,
        {"depth": depth, "nodes": shown, "hidden": len(nodes) - len(shown)},
    )
    return {"root": start, "depth": depth, "nodes": nodes, "edges": edges_out}


def evidence_path(
    records: Records, from_ref: str, to_ref: str, by: str = "confidence"
) -> dict[str, Any]:
    """The most believable (or shortest) chain of evidence between two entities the caller
    may see; hidden steps say only that a hidden link exists and who holds it. Audited."""
    if by not in ("confidence", "hops"):
        raise InvalidInput("by must be 'confidence' or 'hops'", location="query.by")
    graph = Graph(records)
    start = graph.require_visible(from_ref, "query.from_ref").ref
    goal = graph.require_visible(to_ref, "query.to_ref").ref
    if start == goal:
        raise InvalidInput("the two ends are the same entity", location="query.to_ref")
    seen, frontier = {start}, {start}
    edges: dict[tuple[str, str, str, str], Edge] = {}
    for _ in range(MAX_PATH_HOPS):
        found = graph.judge(graph.edges_of(frontier))
        frontier = set()
        for edge in found:
            edges.setdefault((edge.left, edge.right, edge.kind, edge.carrier), edge)
            for end in (edge.left, edge.right):
                if end not in seen and len(seen) < MAX_PATH_NODES:
                    seen.add(end)
                    frontier.add(end)
        if goal in seen or not frontier:
            # one more round lets a better path through the goal's other neighbours count
            if goal in seen and by == "confidence" and frontier:
                extra = graph.judge(graph.edges_of(frontier))
                for edge in extra:
                    if edge.left in seen and edge.right in seen:
                        edges.setdefault((edge.left, edge.right, edge.kind, edge.carrier), edge)
            break
    by_key: dict[tuple[str, str, float, tuple[str, ...]], Edge] = {}
    plain = []
    for edge in edges.values():
        evidence_edge = EvidenceEdge(edge.left, edge.right, edge.score, (edge.carrier, edge.kind))
        by_key[(edge.left, edge.right, edge.score, (edge.carrier, edge.kind))] = edge
        plain.append(evidence_edge)
    chain = shortest_evidence_path(plain, start, goal, by="hops" if by == "hops" else "confidence")
    steps: list[dict[str, Any]] = []
    if chain:
        node = start
        for link in chain:
            edge = by_key[(link.left, link.right, link.score, link.evidence)]
            nxt = edge.other(node)
            out = graph.edge_out(edge)
            steps.append({"from": graph.node_out(node), "to": graph.node_out(nxt), "edge": out})
            node = nxt
    audit.record(
        records.session,
        records.actor,
        "read",
        "graph_path",
        start,
        {"to": goal, "steps": len(steps), "found": chain is not None},
    )
    return {
        "from_ref": start,
        "to_ref": goal,
        "found": chain is not None,
        "confidence": round(path_confidence(chain), 6) if chain else None,
        "steps": steps,
    }


# -- incremental matching --------------------------------------------------------------------
def _agency_code(session: Session, agency_id: uuid.UUID) -> str:
    return session.scalar(select(Agency.code).where(Agency.id == agency_id)) or "?"


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
    stored = []
    code = _agency_code(session, person.agency_id)
    for pair in pairs[:MAX_CANDIDATES]:
        other = _held(session, pair.right_id)
        if other is None:
            continue  # rolled back since it was indexed
        evidence = tuple(
            _person_evidence(c.comparison, c.level, c.match_weight)
            for c in pair.contributions
            if c.match_weight != 0.0  # a missing field says nothing
        )
        found = Assertion(
            left=features.unique_id,
            right=pair.right_id,
            score=pair.match_probability,
            evidence=evidence,
            made_by="model:person",
        )
        row = store_assertion(
            session,
            found,
            agency_id=person.agency_id,
            agency_code=code,
            ends=(person, other),
            case_id=case_id,
        )
        if row is not None:
            stored.append(row)
    return stored


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
    stored: list[IdentityAssertion] = []
    codes: dict[uuid.UUID, str] = {}
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
            evidence = tuple(
                _person_evidence(c.comparison, c.level, c.match_weight)
                for c in pair.contributions
                if c.match_weight != 0.0
            )
            found = Assertion(
                left=pair.right_id,
                right=own.unique_id,
                score=pair.match_probability,
                evidence=evidence,
                made_by="model:person",
            )
            if other.agency_id not in codes:
                codes[other.agency_id] = _agency_code(session, other.agency_id)
            row = store_assertion(
                session,
                found,
                agency_id=other.agency_id,
                agency_code=codes[other.agency_id],
                ends=(other, person),
                case_id=case_id,
            )
            if row is not None:
                stored.append(row)
    return stored


def _person_evidence(comparison: str, level: str, weight: float) -> Evidence:
    return Evidence(kind=f"person_match:{comparison}", detail=level, contribution=round(weight, 3))


def _held(session: Session, ref: str) -> Any:
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
    code = _agency_code(session, persona.agency_id)
    stored = []
    for other in others:
        theirs = _as_persona_selectors(
            _persona_selectors(other, selectors.get(other.report_id, []))  # type: ignore[arg-type]
        )
        found = combine_evidence(
            f"persona:{persona.id}",
            f"persona:{other.id}",
            [shared_selectors(mine, theirs), handle_similarity(persona.handle, other.handle)],
            made_by="model:persona",
        )
        row = store_assertion(
            session,
            found,
            agency_id=persona.agency_id,
            agency_code=code,
            ends=(persona, other),
            case_id=case_id,
        )
        if row is not None:
            stored.append(row)
    return stored


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
    row = store_assertion(
        session,
        found,
        agency_id=persona.agency_id,
        agency_code=_agency_code(session, persona.agency_id),
        ends=(persona, person),
        case_id=case_id,
    )
    return [row] if row is not None else []


def on_signals(session: Session, batch: list[Signal]) -> None:
    """Before-commit subscriber: match every newly ingested report that carries persons or
    personas (the signal's subjects tell which carry personas; persons are looked up)."""
    for signal in batch:
        if signal.kind is SignalKind.REPORT_INGESTED and signal.record_kind == "report":
            match_report(session, uuid.UUID(signal.record_id), signal.case_id)
