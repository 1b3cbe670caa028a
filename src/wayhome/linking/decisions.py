"""Deciding identity links: accept or reject (recorded, audited, fed back into the review
thresholds), split a cluster (a set of rejections) and set the thresholds by hand.

Deciding changes assertions and `link_decisions` only — never a case, report, person,
register person or persona of any agency.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from wayhome.access.records import Records
from wayhome.db.base import utcnow
from wayhome.errors import InvalidInput
from wayhome.linking.assertions import LINK_KINDS, emit_link, thresholds
from wayhome.linking.models import AssertionState, IdentityAssertion, LinkDecision, LinkThresholds
from wayhome.linking.reading import cluster_of, get_assertion
from wayhome.linking.review import ReviewDecision, ReviewThresholds, adjust_thresholds


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
    emit_link(records.session, row, f"identity link {row.state.value} by a reviewer")
    return row


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
