"""Reading identity assertions through need-to-know: one, an entity's, the review queue and
the cluster around an entity.

An assertion is visible to a caller who may see the assertion row and both entities it
links; anything else answers 404, like any hidden record. Reads are audited as listings.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_

from wayhome.access.records import Records
from wayhome.errors import InvalidInput, NotFound
from wayhome.linking.assertions import LINK_KINDS, thresholds
from wayhome.linking.graph import ENTITY_MODELS, Graph, make_ref, parse_ref
from wayhome.linking.models import AssertionState, IdentityAssertion


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
