"""Pages of identity resolution: the link graph (Cytoscape.js) and the review queue."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from wayhome.linking import services
from wayhome.linking.graph import parse_ref
from wayhome.web.pages import CsrfChecked, PageRecords, redirect, render

router = APIRouter(include_in_schema=False)


@router.get("/links/graph", response_class=HTMLResponse)
def graph_page(
    request: Request,
    records: PageRecords,
    ref: Annotated[str, Query(max_length=200)],
    to: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """The link graph around an entity; the page draws it from the graph API."""
    kind, key = parse_ref(ref, "query.ref")
    root = services.neighbourhood(records, f"{kind}:{key}", 1)
    return render(request, "linking/graph.html", {"root": root, "to": to or ""})


@router.get("/links/queue", response_class=HTMLResponse)
def queue_page(request: Request, records: PageRecords) -> Response:
    """Proposed links awaiting a reviewer."""
    rows, total = services.review_queue(records, None, 100, 0)
    return render(request, "linking/queue.html", {"items": rows, "total": total})


@router.post("/links/assertions/{assertion_id}/decision", dependencies=[CsrfChecked])
def decide_page(
    records: PageRecords,
    assertion_id: uuid.UUID,
    decision: Annotated[str, Form()],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Accept or reject a link from the queue."""
    services.decide(records, assertion_id, decision, reason)
    return redirect("/links/queue")
