"""Storing identity assertions: the one writer of a model's links, and an analyst's own.

A model's link (a matcher's `Assertion`) is stored once per pair, routed by the review
thresholds, owned, marked and shared exactly as the stricter of its two ends, audited and
announced as an IDENTITY_LINK signal; a known or rejected pair is never stored again.
Every matcher stores through `store_new`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wayhome import signals
from wayhome.access.markings import Marking, Scope, strictness
from wayhome.access.models import MarkedMixin
from wayhome.access.records import Records, share, shares_of
from wayhome.agencies.models import Agency
from wayhome.audit import services as audit
from wayhome.errors import InvalidInput
from wayhome.intake.models import Persona
from wayhome.linking.evidence import Assertion
from wayhome.linking.graph import LINKABLE_KINDS, Graph, parse_ref
from wayhome.linking.models import AssertionState, IdentityAssertion, LinkThresholds
from wayhome.linking.review import ReviewThresholds
from wayhome.signals import Signal, SignalKind, Subject, SubjectKind

LINK_KINDS = ("person", "persona", "persona_person")
LINKING_ACTOR = "linking"


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


def pair_key(left: str, right: str) -> str:
    """The order-free key of a pair of entity references."""
    return "|".join(sorted((left, right)))


def stricter_end(a: MarkedMixin, b: MarkedMixin) -> MarkedMixin:
    """The end of a link whose marking (then scope) is stricter: the link is shared as it is."""
    return a if strictness(a.marking, a.scope) >= strictness(b.marking, b.scope) else b


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
    share(session, [row], shares_of(session, strict))
    actor = audit.Actor(None, LINKING_ACTOR, agency_id, "identity resolution")
    audit.record(session, actor, "create", "assertion", str(row.id), {"pair": key})
    emit_link(session, row, f"identity link {row.state.value} ({row.score:.2f})")
    return row


@dataclass(frozen=True)
class FoundLink:
    """A model's assertion, the two records it links, the agency whose new record raised it
    and the case it was raised for."""

    assertion: Assertion
    ends: tuple[MarkedMixin, MarkedMixin]
    raised_by: uuid.UUID
    case_id: uuid.UUID | None = None


def store_new(session: Session, found: Iterable[FoundLink]) -> list[IdentityAssertion]:
    """Store each found link in turn (`store_assertion`); the ones stored, in order."""
    codes: dict[uuid.UUID, str] = {}
    stored = []
    for link in found:
        if link.raised_by not in codes:
            codes[link.raised_by] = _agency_code(session, link.raised_by)
        row = store_assertion(
            session,
            link.assertion,
            agency_id=link.raised_by,
            agency_code=codes[link.raised_by],
            ends=link.ends,
            case_id=link.case_id,
        )
        if row is not None:
            stored.append(row)
    return stored


def _agency_code(session: Session, agency_id: uuid.UUID) -> str:
    return session.scalar(select(Agency.code).where(Agency.id == agency_id)) or "?"


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


def emit_link(session: Session, row: IdentityAssertion, summary: str) -> None:
    """Announce a stored or decided link (IDENTITY_LINK, naming its subjects and case)."""
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
    emit_link(records.session, row, "identity link proposed by an analyst")
    return row
