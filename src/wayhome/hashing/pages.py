"""Hash bank pages and the match form (which takes a hash list, never images)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from wayhome.access.markings import Marking, Scope
from wayhome.errors import WayhomeError
from wayhome.hashing import services
from wayhome.hashing.api import IndexDep
from wayhome.hashing.index import DEFAULT_MAX_DISTANCE
from wayhome.hashing.matches import match_hashes
from wayhome.hashing.matching import MatchSettings
from wayhome.hashing.models import Bank
from wayhome.hashing.schemas import MAX_PDQ_DISTANCE
from wayhome.web.deps import SettingsDep
from wayhome.web.pages import CsrfChecked, PageRecords, redirect, render

router = APIRouter(include_in_schema=False)

_MARKS = {"markings": list(Marking), "scopes": list(Scope)}


def _banks_context(records: PageRecords, offset: int) -> dict[str, Any]:
    page = services.list_banks(records, 50, max(offset, 0))
    counts = services.hash_counts(records, [b.id for b in page.items])
    return {"page": page, "counts": counts, **_MARKS}


@router.get("/banks", response_class=HTMLResponse)
def banks_page(request: Request, records: PageRecords, offset: int = 0) -> Response:
    """The hash banks the user may see, and a form to create one."""
    return render(request, "banks.html", _banks_context(records, offset))


@router.post("/banks", response_class=HTMLResponse, dependencies=[CsrfChecked])
def create_bank(
    request: Request,
    records: PageRecords,
    name: Annotated[str, Form()],
    marking: Annotated[Marking, Form()],
    scope: Annotated[Scope, Form()] = Scope.OWNER,
    description: Annotated[str, Form()] = "",
    silent: Annotated[bool, Form()] = False,
) -> Response:
    """Create a bank from the form."""
    try:
        bank = services.create_bank(
            records,
            services.NewBank(
                name=name, marking=marking, scope=scope, description=description, silent=silent
            ),
        )
    except WayhomeError as error:
        records.session.rollback()
        context = {**_banks_context(records, 0), "error": error}
        return render(request, "banks.html", context, error.status)
    return redirect(f"/banks/{bank.id}")


def _bank_context(records: PageRecords, bank_id: uuid.UUID) -> dict[str, Any]:
    bank = records.get(Bank, bank_id)
    return {
        "bank": bank,
        "count": services.hash_counts(records, [bank.id]).get(bank.id, 0),
        "series": services.series_of(records, bank),
    }


@router.get("/banks/{bank_id}", response_class=HTMLResponse)
def bank_page(request: Request, records: PageRecords, bank_id: uuid.UUID) -> Response:
    """A bank: its series, victim identification, import form and export links."""
    return render(request, "bank.html", _bank_context(records, bank_id))


@router.post("/banks/{bank_id}/import", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def bank_import(
    request: Request,
    records: PageRecords,
    settings: SettingsDep,
    index: IndexDep,
    bank_id: uuid.UUID,
    file: Annotated[UploadFile, File()],
    format: Annotated[str, Form()] = "",
) -> Response:
    """Import an uploaded hash list into the bank, or show the error that stopped it."""
    data = await file.read()
    try:
        result = services.import_into_bank(
            records,
            index,
            bank_id,
            data,
            filename=file.filename or "",
            format_name=format or None,
            max_bytes=settings.max_import_bytes,
        )
    except WayhomeError as error:
        records.session.rollback()
        context = {**_bank_context(records, bank_id), "error": error}
        return render(request, "bank.html", context, error.status)
    return render(request, "bank.html", {**_bank_context(records, bank_id), "result": result})


@router.get("/hashes/match", response_class=HTMLResponse)
def match_page(request: Request, records: PageRecords) -> Response:
    """The match form: paste or upload a hash list made with `wayhome hash`."""
    return render(request, "hash_match.html", _match_form())


def _match_form(**values: Any) -> dict[str, Any]:
    return {
        "max_distance": DEFAULT_MAX_DISTANCE,
        "limit": MAX_PDQ_DISTANCE,
        "text": "",
        **values,
    }


@router.post("/hashes/match", response_class=HTMLResponse, dependencies=[CsrfChecked])
async def match_upload(
    request: Request,
    records: PageRecords,
    settings: SettingsDep,
    index: IndexDep,
    text: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
    max_distance: Annotated[int, Form()] = DEFAULT_MAX_DISTANCE,
    include_unreliable: Annotated[bool, Form()] = False,
    dihedral: Annotated[bool, Form()] = False,
) -> Response:
    """Match a pasted or uploaded hash list and show the results."""
    data = await file.read() if file is not None else b""
    filename = file.filename or "" if file is not None else ""
    if not data:
        data, filename = text.encode(), ""
    context = _match_form(
        text=text,
        max_distance=max_distance,
        include_unreliable=include_unreliable,
        dihedral=dihedral,
    )
    try:
        if not 0 <= max_distance <= MAX_PDQ_DISTANCE:
            raise WayhomeError(f"must be within 0..{MAX_PDQ_DISTANCE}", location="max_distance")
        if not data.strip():
            raise WayhomeError("paste or upload a hash list", location="text")
        queries, _ = services.read_hash_list(
            data, filename=filename, max_bytes=settings.max_import_bytes
        )
        run = match_hashes(
            records,
            index,
            queries,
            MatchSettings(max_distance, include_unreliable, dihedral),
        )
    except WayhomeError as error:
        records.session.rollback()
        return render(request, "hash_match.html", {**context, "error": error}, error.status)
    return render(request, "hash_match.html", {**context, "run": run})
