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
from wayhome.errors import InvalidInput, NotFound
from wayhome.linking.assertions import LINK_KINDS, emit_link, thresholds
from wayhome.linking.models import AssertionState, IdentityAssertion, LinkDecision, LinkThresholds
from wayhome.linking.reading import cluster_of, ends_visible, get_assertion
from wayhome.linking.review import ReviewDecision, ReviewThresholds, adjust_thresholds

DECISIONS = ("accept", "reject")
# Links one bulk decision may name: a page of the review queue at the API's largest page.
MAX_BULK_DECISIONS = 200


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
    if decision not in DECISIONS:
        raise InvalidInput("decision must be 'accept' or 'reject'", location="body.decision")
    row = _apply(records, get_assertion(records, assertion_id), decision, reason)
    _learn(records.session, row.link_kind)
    return row


def decide_many(
    records: Records, assertion_ids: Sequence[uuid.UUID], decision: str, reason: str
) -> list[IdentityAssertion]:
    """Accept or reject several links at once, all or none: every link must be one the caller
    may see (the first that is not is named, and nothing changes) and a rejection needs a
    reason. Each link is recorded and audited as a decision of its own; the thresholds learn
    once per kind."""
    records.require_writer()
    if decision not in DECISIONS:
        raise InvalidInput("decision must be 'accept' or 'reject'", location="body.decision")
    if not assertion_ids:
        raise InvalidInput("name at least one link", location="body.ids")
    if len(assertion_ids) > MAX_BULK_DECISIONS:
        raise InvalidInput(f"at most {MAX_BULK_DECISIONS} links at once", location="body.ids")
    if decision == "reject" and not reason.strip():
        raise InvalidInput("say why the links are rejected", location="body.reason")
    first: dict[uuid.UUID, int] = {}
    for index, assertion_id in enumerate(assertion_ids):
        if assertion_id in first:
            raise InvalidInput(
                f"named twice (also at {first[assertion_id]})", location=f"body.ids.{index}"
            )
        first[assertion_id] = index
    stmt = records.visibility.select(IdentityAssertion).where(
        IdentityAssertion.id.in_(list(first)), ends_visible(records)
    )
    found = {row.id: row for row in records.session.scalars(stmt)}
    for index, assertion_id in enumerate(assertion_ids):
        if assertion_id not in found:
            raise NotFound(f"no assertion with id {assertion_id}", location=f"body.ids.{index}")
    with records.session.begin_nested():
        rows = [_apply(records, found[i], decision, reason) for i in assertion_ids]
        for kind in sorted({row.link_kind for row in rows}):
            _learn(records.session, kind)
    return rows


def _apply(
    records: Records, row: IdentityAssertion, decision: str, reason: str
) -> IdentityAssertion:
    """Record one decision on a link the caller may see: state, who, when, why; audited and
    announced."""
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
