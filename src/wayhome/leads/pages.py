"""Pages above every engine: the one search box, the entity pages (person, register record,
persona), the link graph (whose evidence path is the case page's own) and the case dossier for
a prosecutor (PDF)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from wayhome.access.records import Records
from wayhome.errors import InvalidInput, WayhomeError
from wayhome.leads import entities
from wayhome.leads.dossier import case_dossier, to_pdf
from wayhome.leads.search import GROUPS, name_rank, query_name_keys, search, warm_names
from wayhome.leads.services import SuspectLead, case_leads
from wayhome.linking import services as linking
from wayhome.linking.wording import node_words, step_words
from wayhome.web.deps import SettingsDep
from wayhome.web.pages import PageRecords, render
from wayhome.web.paging import MAX_OFFSET

router = APIRouter(include_in_schema=False)


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    records: PageRecords,
    settings: SettingsDep,
    q: Annotated[str, Query(max_length=200)] = "",
    kind: Annotated[str, Query(max_length=24)] = "",
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Response:
    """One search box: cases, persons, register records, accounts, places, selectors and
    reports the user may see, grouped with their counts; hidden matches as the rule allows."""
    found = None
    if q.strip():
        found = search(
            records,
            q,
            kind=kind or None,
            offset=offset,
            overcommon_threshold=settings.overcommon_threshold,
        )
    else:
        # An empty box: the names parsed while the first query is typed (a search parses
        # what it reads itself; warming beside it would parse every name twice at once).
        warm_names(records)
    context = {"q": q, "found": found, "kind": kind, "offset": offset, "groups": GROUPS}
    return render(request, "search.html", context)


def _entity(request: Request, page: entities.EntityPage) -> Response:
    return render(request, "person.html", {"page": page, "entity_url": entities.entity_url})


@router.get("/persons/{person_id}", response_class=HTMLResponse)
def person_page(request: Request, records: PageRecords, person_id: uuid.UUID) -> Response:
    """A person of a case or a report: details, names in both scripts, links, history."""
    return _entity(request, entities.person_page(records, person_id))


@router.get("/register-persons/{record_id}", response_class=HTMLResponse)
def register_person_page(request: Request, records: PageRecords, record_id: uuid.UUID) -> Response:
    """A register record: details, name in both scripts, links, history."""
    return _entity(request, entities.register_person_page(records, record_id))


@router.get("/personas/{persona_id}", response_class=HTMLResponse)
def persona_page(request: Request, records: PageRecords, persona_id: uuid.UUID) -> Response:
    """An online account: its handle, where it appears, its selectors and links."""
    return render(
        request,
        "persona.html",
        {"page": entities.persona_page(records, persona_id), "entity_url": entities.entity_url},
    )


def graph_path(
    records: Records, start: str, goal: str, suspects: Callable[[], list[SuspectLead]]
) -> dict[str, Any]:
    """The evidence path from start to goal; from a case to one of its ranked suspects, the
    very path the case page shows (case leads), else the link graph's most believable one."""
    if start.startswith("case:"):
        for suspect in suspects():
            if suspect.ref == goal:
                return {**suspect.path, "aliases": suspect.aliases, "suspect": suspect.name}
    path = linking.evidence_path(records, start, goal)
    path["steps"] = [{**step, "words": step_words(step)} for step in path["steps"]]
    return {**path, "aliases": []}


def _suspect_named(start: str, text: str, suspects: Callable[[], list[SuspectLead]]) -> str | None:
    """From a case, a name typed means the case's ranked suspect of that name, if any."""
    wanted = query_name_keys(text)
    if not start.startswith("case:") or not wanted:
        return None
    for suspect in suspects():
        if not suspect.hidden and name_rank(wanted, suspect.name.split("(")[0]) is not None:
            return suspect.ref
    return None


@router.get("/links/graph", response_class=HTMLResponse)
def graph_page(
    request: Request,
    records: PageRecords,
    ref: Annotated[str, Query(max_length=200)],
    to: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """The link graph around an entity (given by reference, name, case reference or selector),
    and the evidence path to another, in words; the page draws the graph from the graph API."""
    start = entities.resolve_entity(records, ref, "query.ref")
    root = linking.neighbourhood(records, start, 1)
    path, problem = None, None
    # A case's ranked suspects, worked out once (the name typed and the path both ask).
    suspects = cache(lambda: case_leads(records, uuid.UUID(start.partition(":")[2])).suspects)
    if to and to.strip():
        try:
            goal = _suspect_named(start, to, suspects) or entities.resolve_entity(
                records, to, "query.to"
            )
            if goal == start:
                raise InvalidInput("the two ends are the same entity", location="query.to")
            path = graph_path(records, start, goal, suspects)
        except WayhomeError as error:
            problem = error
    context = {
        "root": root,
        "ref": ref,
        "to": to or "",
        "path": path,
        "problem": problem,
        "entity_url": entities.entity_url,
        "node_label": node_words,
    }
    return render(request, "linking/graph.html", context)


@router.get("/cases/{case_id}/dossier.pdf")
def dossier_pdf(request: Request, records: PageRecords, case_id: uuid.UUID) -> Response:
    """The case dossier as a PDF: what the requester may see, cut at the audit chain's head."""
    dossier = case_dossier(records, case_id)
    template = request.app.state.templates.get_template("dossier.html")
    pdf = to_pdf(template.render(dossier=dossier, version=request.app.version))
    name = f"{dossier.case.reference}-dossier-{dossier.head_seq}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )
