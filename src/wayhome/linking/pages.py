"""Pages of identity resolution: the review queue, where links are decided one at a time or
many at once (the link graph's page is leads/pages.py: its path is the case page's)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode, urlsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from wayhome.access.records import Records
from wayhome.errors import InvalidInput, WayhomeError
from wayhome.linking import services
from wayhome.linking.reading import LinkState
from wayhome.web.pages import CsrfChecked, PageRecords, redirect, render
from wayhome.web.paging import MAX_OFFSET

router = APIRouter(include_in_schema=False)


QUEUE_PAGE = 50


def _queue_context(
    records: Records, state: LinkState | None, kind: str | None, offset: int
) -> dict[str, Any]:
    """A page of the review queue (or of the links in one state) described for a reviewer."""
    wanted = (
        services.LinkFilter(link_kind=kind, queue=True)
        if state is None
        else services.LinkFilter((state,), link_kind=kind)
    )
    found = services.list_links(records, wanted, QUEUE_PAGE, offset)
    filters = {"state": state.value if state else "", "kind": kind or ""}
    filters = {name: value for name, value in filters.items() if value}
    here = "/links/queue?" + urlencode({**filters, "offset": offset})
    return {
        "page": found,
        "state": state,
        "kind": kind or "",
        "states": list(LinkState),
        "kinds": services.LINK_KINDS,
        "here": here,
        "previous": _at(filters, offset - QUEUE_PAGE) if offset > 0 else None,
        "next": _at(filters, offset + QUEUE_PAGE) if offset + QUEUE_PAGE < found.total else None,
    }


def _context_of(records: Records, back: str) -> dict[str, Any]:
    """The page a form came from (its `back` address), to show it again with an error."""
    asked = {name: values[0] for name, values in parse_qs(urlsplit(back).query).items()}
    state = asked.get("state", "")
    offset = asked.get("offset", "0")
    return _queue_context(
        records,
        LinkState(state) if state in set(LinkState) else None,
        asked.get("kind") or None,
        int(offset) if offset.isdigit() and int(offset) <= MAX_OFFSET else 0,
    )


def _at(filters: dict[str, str], offset: int) -> str:
    return "/links/queue?" + urlencode({**filters, "offset": max(offset, 0)})


@router.get("/links/queue", response_class=HTMLResponse)
def queue_page(
    request: Request,
    records: PageRecords,
    state: Annotated[str, Query(max_length=24, description="Empty: awaiting review.")] = "",
    kind: Annotated[str | None, Query(max_length=24)] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Response:
    """Links awaiting a reviewer (or every link in one state), a page at a time: both records
    by name, the score and the evidence in words; accept or reject one or many at once."""
    try:
        shown = LinkState(state) if state else None
    except ValueError as error:
        known = ", ".join(s.value for s in LinkState)
        raise InvalidInput(f"a state is one of {known}", location="query.state") from error
    context = _queue_context(records, shown, kind or None, offset)
    return render(request, "linking/queue.html", context)


@router.post("/links/decisions", dependencies=[CsrfChecked])
def decide_many_page(
    request: Request,
    records: PageRecords,
    decision: Annotated[str, Form()],
    ids: Annotated[list[uuid.UUID], Form(max_length=200)] = [],  # noqa: B006 - FastAPI's idiom
    reason: Annotated[str, Form(max_length=2000)] = "",
    back: Annotated[str, Form(max_length=500)] = "/links/queue",
) -> Response:
    """Accept or reject the links ticked on the review page, all or none; a rejection needs a
    reason. On a refusal the page comes back with the error and nothing changed."""
    try:
        services.decide_many(records, ids, decision, reason)
    except WayhomeError as error:
        context = {**_context_of(records, back), "error": error, "reason": reason}
        return render(request, "linking/queue.html", context, error.status)
    return redirect(back if back.startswith("/links/queue") else "/links/queue")


@router.post("/links/assertions/{assertion_id}/decision", dependencies=[CsrfChecked])
def decide_page(
    request: Request,
    records: PageRecords,
    assertion_id: uuid.UUID,
    decision: Annotated[str, Form()],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Accept or reject one link from the queue (a rejection needs a reason)."""
    return decide_many_page(request, records, decision, [assertion_id], reason)
