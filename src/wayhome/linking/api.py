"""JSON API of identity resolution: links in bulk, assertions, review queue, decisions (one or
many), splits, graph, paths."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from wayhome.linking import services
from wayhome.linking.models import AssertionState
from wayhome.linking.schemas import (
    AssertionList,
    AssertionOut,
    ClusterOut,
    DecidedLinks,
    DecisionIn,
    DecisionsIn,
    GraphOut,
    LinkList,
    LinkOut,
    PathOut,
    SplitIn,
)
from wayhome.web.deps import RecordsDep, access
from wayhome.web.errors import problems
from wayhome.web.paging import PagingDep

router = APIRouter(prefix="/links", tags=["linking"])
Ref = Annotated[str, Query(max_length=200, description="An entity: kind:id, e.g. person:…")]


def _out(row: object) -> AssertionOut:
    return AssertionOut.model_validate(row, from_attributes=True)


Score = Annotated[float | None, Query(ge=0.0, le=1.0)]


@router.get("", response_model=LinkList, openapi_extra=access("assertion"))
def list_links(
    records: RecordsDep,
    page: PagingDep,
    state: Annotated[list[services.LinkState], Query()] = [],  # noqa: B006 - FastAPI's idiom
    min_score: Score = None,
    max_score: Score = None,
    kind: Annotated[str | None, Query(max_length=24, description="person, persona, …")] = None,
    ref: Ref | None = None,
    queue: Annotated[bool, Query(description="Only links awaiting a reviewer.")] = False,
    sort: Literal["-score", "score", "-created", "created"] = "-score",
) -> LinkList:
    """Every link the caller may see (itself and both its records), filtered and paged: both
    records by name in their own script with a Latin reading, score, state, decision and the
    evidence in words. Hidden links are neither listed nor counted."""
    wanted = services.LinkFilter(
        tuple(state), min_score, max_score, kind, ref, sort=sort, queue=queue
    )
    found = services.list_links(records, wanted, page.limit, page.offset)
    return LinkList(
        items=[LinkOut.model_validate(v) for v in found.items],
        total=found.total,
        limit=found.limit,
        offset=found.offset,
    )


@router.post(
    "/decisions",
    responses=problems(400, 404, 413),
    response_model=DecidedLinks,
    openapi_extra=access("assertion"),
)
def decide_links(records: RecordsDep, body: DecisionsIn) -> DecidedLinks:
    """Accept or reject several links at once, all or none (a link the caller may not see is
    named by its place in `ids` and nothing changes); a rejection needs a reason. Each link
    is recorded and audited as its own decision."""
    rows = services.decide_many(records, body.ids, body.decision, body.reason)
    views = services.describe(records, rows)
    return DecidedLinks(decision=body.decision, items=[LinkOut.model_validate(v) for v in views])


@router.get("/assertions", response_model=AssertionList, openapi_extra=access("assertion"))
def list_assertions(
    records: RecordsDep,
    page: PagingDep,
    ref: Ref | None = None,
    state: AssertionState | None = None,
) -> AssertionList:
    """Links touching an entity (or all) that the caller may see, newest first."""
    found = services.find_links(
        records, services.assertion_filter(ref, state), page.limit, page.offset
    )
    return AssertionList(
        items=[_out(r) for r in found.items],
        total=found.total,
        limit=found.limit,
        offset=found.offset,
    )


@router.get("/queue", response_model=AssertionList, openapi_extra=access("assertion"))
def review_queue(
    records: RecordsDep,
    page: PagingDep,
    kind: Annotated[str | None, Query(max_length=24)] = None,
) -> AssertionList:
    """Proposed links between the two review thresholds, best first."""
    rows, total = services.review_queue(records, kind, page.limit, page.offset)
    return AssertionList(
        items=[_out(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


@router.get(
    "/assertions/{assertion_id}",
    responses=problems(404),
    response_model=AssertionOut,
    openapi_extra=access("assertion"),
)
def get_assertion(records: RecordsDep, assertion_id: uuid.UUID) -> AssertionOut:
    """One link with its evidence."""
    return _out(services.get_assertion(records, assertion_id))


@router.post(
    "/assertions/{assertion_id}/decision",
    responses=problems(400, 404, 413),
    response_model=AssertionOut,
    openapi_extra=access("assertion"),
)
def decide(records: RecordsDep, assertion_id: uuid.UUID, body: DecisionIn) -> AssertionOut:
    """Accept or reject a link (recorded, audited, fed back into the review thresholds)."""
    return _out(services.decide(records, assertion_id, body.decision, body.reason))


@router.post(
    "/assertions/{assertion_id}/split",
    responses=problems(400, 404, 413),
    response_model=ClusterOut,
    openapi_extra=access("assertion"),
)
def split(records: RecordsDep, assertion_id: uuid.UUID, body: SplitIn) -> ClusterOut:
    """Split a cluster by rejecting this link (and `also`); no agency record is edited."""
    parts = services.split(records, [assertion_id, *body.also], body.reason)
    return ClusterOut(components=[sorted(p) for p in parts])


@router.get("/clusters", response_model=ClusterOut, openapi_extra=access("assertion"))
def cluster(records: RecordsDep, ref: Ref) -> ClusterOut:
    """The entities joined to this one by accepted and strong links."""
    return ClusterOut(components=[sorted(p) for p in services.cluster_of(records, ref)])


@router.get("/graph", response_model=GraphOut, openapi_extra=access("assertion"))
def graph(records: RecordsDep, ref: Ref, depth: Annotated[int, Query(ge=1, le=3)] = 1) -> GraphOut:
    """An entity's neighbourhood; what the caller may not see appears as hit markers."""
    return GraphOut.model_validate(services.neighbourhood(records, ref, depth))


@router.get("/path", response_model=PathOut, openapi_extra=access("assertion"))
def path(
    records: RecordsDep,
    from_ref: Ref,
    to_ref: Ref,
    by: Annotated[str, Query(pattern="^(confidence|hops)$")] = "confidence",
) -> PathOut:
    """The chain of evidence between two entities, each step with its evidence and holder."""
    return PathOut.model_validate(services.evidence_path(records, from_ref, to_ref, by))
