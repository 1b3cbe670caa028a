"""Reading identity assertions through need-to-know: one, a filtered and sorted page of them
(all links, an entity's, the review queue) and the cluster around an entity.

An assertion is visible to a caller who may see the assertion row and both entities it
links; anything else answers 404, like any hidden record, and is neither listed nor counted.
Both conditions are SQL (`ends_visible`), so a listing is paged and counted in the database
whatever the number of links. Listings are audited through the gate (`Records.find`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, exists, or_
from sqlalchemy.orm import InstrumentedAttribute

from wayhome.access.records import Page, Records
from wayhome.db.dialect import ref_uuid
from wayhome.errors import InvalidInput, NotFound
from wayhome.linking.assertions import LINK_KINDS, thresholds
from wayhome.linking.graph import ENTITY_MODELS, LINKABLE_KINDS, Graph, make_ref, parse_ref
from wayhome.linking.models import AssertionState, IdentityAssertion

# The largest page a caller may ask for (the API's own maximum is lower: `page_size_max`).
MAX_LINKS_PAGE = 1_000


class LinkState(StrEnum):
    """Where a link stands for a reviewer: the stored state, with the links the model
    accepted at once (no reviewer has decided them) set apart from a reviewer's."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    AUTO_ACCEPTED = "auto-accepted"
    REJECTED = "rejected"


def link_state(row: IdentityAssertion) -> LinkState:
    """The reviewer's state of a stored link."""
    if row.state is AssertionState.ACCEPTED:
        return LinkState.ACCEPTED if row.decided_by is not None else LinkState.AUTO_ACCEPTED
    return LinkState(row.state.value)


def _state_clause(state: LinkState) -> ColumnElement[bool]:
    if state is LinkState.ACCEPTED:
        return and_(
            IdentityAssertion.state == AssertionState.ACCEPTED,
            IdentityAssertion.decided_by.is_not(None),
        )
    if state is LinkState.AUTO_ACCEPTED:
        return and_(
            IdentityAssertion.state == AssertionState.ACCEPTED,
            IdentityAssertion.decided_by.is_(None),
        )
    return IdentityAssertion.state == AssertionState(state.value)


# Orders a listing may be sorted in; the id breaks ties so that pages do not overlap.
SORTS = {
    "-score": (IdentityAssertion.score.desc(), IdentityAssertion.id),
    "score": (IdentityAssertion.score.asc(), IdentityAssertion.id),
    "-created": (IdentityAssertion.created_at.desc(), IdentityAssertion.id),
    "created": (IdentityAssertion.created_at.asc(), IdentityAssertion.id),
}


@dataclass(frozen=True)
class LinkFilter:
    """Which links to list and in what order; `queue` keeps those awaiting a reviewer
    (proposed by the model between the review thresholds, or by an analyst)."""

    states: tuple[LinkState, ...] = ()
    min_score: float | None = None
    max_score: float | None = None
    link_kind: str | None = None
    ref: str | None = None
    sort: str = "-score"
    queue: bool = False


def ends_visible(records: Records) -> ColumnElement[bool]:
    """SQL: the caller may see both entities an assertion links (each an indexed look-up of
    the entity through the visibility rule)."""
    session = records.session

    def seen(column: InstrumentedAttribute[str]) -> ColumnElement[bool]:
        found = []
        for kind in sorted(LINKABLE_KINDS):
            model = ENTITY_MODELS[kind]
            key = ref_uuid(session, column, f"{kind}:")
            pk = model.id  # type: ignore[attr-defined]
            found.append(exists().where(pk == key, records.visibility.clause(model)))
        return or_(*found)

    return and_(seen(IdentityAssertion.left_ref), seen(IdentityAssertion.right_ref))


def _conditions(records: Records, wanted: LinkFilter) -> list[ColumnElement[bool]]:
    """The filter as SQL conditions (visibility of the row itself is the gate's)."""
    where = [ends_visible(records)]
    if wanted.states:
        where.append(or_(*(_state_clause(s) for s in dict.fromkeys(wanted.states))))
    for value, name in ((wanted.min_score, "min_score"), (wanted.max_score, "max_score")):
        if value is not None and not 0.0 <= value <= 1.0:
            raise InvalidInput("a score lies between 0 and 1", location=f"query.{name}")
    if wanted.min_score is not None:
        where.append(IdentityAssertion.score >= wanted.min_score)
    if wanted.max_score is not None:
        if wanted.min_score is not None and wanted.max_score < wanted.min_score:
            raise InvalidInput("max_score is below min_score", location="query.max_score")
        where.append(IdentityAssertion.score <= wanted.max_score)
    if wanted.link_kind is not None:
        if wanted.link_kind not in LINK_KINDS:
            raise InvalidInput(
                f"unknown link kind {wanted.link_kind!r} (one of {', '.join(LINK_KINDS)})",
                location="query.kind",
            )
        where.append(IdentityAssertion.link_kind == wanted.link_kind)
    if wanted.ref is not None:
        ref = make_ref(*parse_ref(wanted.ref, "query.ref"))
        where.append(or_(IdentityAssertion.left_ref == ref, IdentityAssertion.right_ref == ref))
    if wanted.queue:
        bands = [
            and_(
                IdentityAssertion.link_kind == kind,
                IdentityAssertion.score >= thresholds(records.session, kind).review_at,
            )
            for kind in LINK_KINDS
        ]
        where.append(IdentityAssertion.state == AssertionState.PROPOSED)
        where.append(or_(IdentityAssertion.made_by.startswith("user:"), *bands))
    return where


def find_links(
    records: Records, wanted: LinkFilter, limit: int = 50, offset: int = 0
) -> Page[IdentityAssertion]:
    """A page of the links the caller may see (the row and both ends), filtered and sorted
    in SQL, with the number of such links in all; audited as a listing."""
    if wanted.sort not in SORTS:
        raise InvalidInput(f"sort by one of {', '.join(SORTS)}", location="query.sort")
    if limit > MAX_LINKS_PAGE:
        raise InvalidInput(f"at most {MAX_LINKS_PAGE}", location="query.limit")
    where = _conditions(records, wanted)
    return records.find(
        IdentityAssertion, *where, order_by=SORTS[wanted.sort], limit=limit, offset=offset
    )


def get_assertion(records: Records, assertion_id: uuid.UUID) -> IdentityAssertion:
    """One assertion the caller may see (itself and both ends); 404 otherwise."""
    stmt = records.visibility.select(IdentityAssertion).where(
        IdentityAssertion.id == assertion_id, ends_visible(records)
    )
    row = records.session.scalars(stmt).first()
    if row is None:
        raise NotFound("no assertion with this id")
    records.audit_listing(IdentityAssertion, [row], {"assertion": str(row.id)})
    return row


def assertion_filter(ref: str | None, state: AssertionState | None) -> LinkFilter:
    """Links touching an entity (or all) in a stored state, newest first."""
    states: tuple[LinkState, ...] = ()
    if state is AssertionState.ACCEPTED:
        states = (LinkState.ACCEPTED, LinkState.AUTO_ACCEPTED)
    elif state is not None:
        states = (LinkState(state.value),)
    return LinkFilter(states=states, ref=ref, sort="-created")


def assertions_for(
    records: Records, ref: str | None = None, state: AssertionState | None = None, limit: int = 200
) -> list[IdentityAssertion]:
    """Visible assertions touching an entity (or all), newest first; audited as a listing."""
    return find_links(records, assertion_filter(ref, state), limit).items


def review_queue(
    records: Records, link_kind: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[IdentityAssertion], int]:
    """Proposed links between the review thresholds (or an analyst's), best first, that the
    caller may see, and how many there are in all."""
    page = find_links(records, LinkFilter(link_kind=link_kind, queue=True), limit, offset)
    return page.items, page.total


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
        ),
        ends_visible(records),
    )
    return list(records.session.scalars(stmt))
