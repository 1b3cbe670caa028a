"""JSON API for hash banks and batch hash matching; it accepts hashes, never image content."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from wayhome.errors import InvalidInput
from wayhome.hashing import services
from wayhome.hashing.csvlist import dumps_csv
from wayhome.hashing.live import LivePdqIndex
from wayhome.hashing.matches import MatchRun, match_hashes
from wayhome.hashing.matching import MatchSettings
from wayhome.hashing.models import Bank
from wayhome.hashing.schemas import (
    BankImportOut,
    BankIn,
    BankList,
    BankMatchOut,
    BankOut,
    HashResultOut,
    MatchIn,
    MatchOut,
)
from wayhome.hashing.vics import export_vics
from wayhome.intake.schemas import HitOut
from wayhome.web.deps import RecordsDep, SettingsDep, access
from wayhome.web.errors import problems
from wayhome.web.paging import PagingDep

router = APIRouter(tags=["hashing"])


def live_index(request: Request) -> LivePdqIndex:
    """The application's in-memory PDQ index over every bank."""
    index: LivePdqIndex = request.app.state.hash_index
    return index


IndexDep = Annotated[LivePdqIndex, Depends(live_index)]


def bank_out(bank: Bank, hashes: int = 0) -> BankOut:
    """A bank as the API shows it."""
    return BankOut.model_validate(
        {**{k: getattr(bank, k) for k in BankOut.model_fields if k != "hashes"}, "hashes": hashes}
    )


def match_out(run: MatchRun) -> MatchOut:
    """A match run as the API shows it."""
    results = [
        HashResultOut(
            index=result.index,
            unreliable=result.unreliable,
            matches=[
                BankMatchOut(
                    bank_id=m.bank.id,
                    bank_name=m.bank.name,
                    agency_code=m.agency.code,
                    marking=m.bank_hash.marking.value,
                    kind=m.kind.value,
                    distance=m.distance,
                    orientation=m.orientation.value if m.orientation else None,
                    unreliable=m.unreliable,
                    series=m.bank_hash.series,
                    category=m.bank_hash.category,
                    victim_identified=m.bank_hash.victim_identified,
                )
                for m in result.matches
            ],
            hits=[HitOut.model_validate(h, from_attributes=True) for h in result.hits],
        )
        for result in run.results
    ]
    matched = sum(1 for r in results if r.matches or r.hits)
    return MatchOut(results=results, matched=matched, linked=run.linked)


@router.post(
    "/banks",
    responses=problems(400, 409, 413),
    response_model=BankOut,
    status_code=201,
    openapi_extra=access("hash_bank"),
)
def create_bank(records: RecordsDep, body: BankIn) -> BankOut:
    """Create a hash bank owned by the caller's agency."""
    bank = services.create_bank(
        records,
        services.NewBank(
            name=body.name,
            marking=body.marking,
            scope=body.scope,
            shared_with=body.shared_with,
            description=body.description,
            silent=body.silent,
        ),
    )
    return bank_out(bank)


@router.get("/banks", response_model=BankList, openapi_extra=access("hash_bank"))
def list_banks(records: RecordsDep, page: PagingDep) -> BankList:
    """Hash banks the caller may see."""
    found = services.list_banks(records, page.limit, page.offset)
    counts = services.hash_counts(records, [b.id for b in found.items])
    return BankList(
        items=[bank_out(b, counts.get(b.id, 0)) for b in found.items],
        total=found.total,
        limit=found.limit,
        offset=found.offset,
    )


@router.get(
    "/banks/{bank_id}",
    responses=problems(404),
    response_model=BankOut,
    openapi_extra=access("hash_bank"),
)
def get_bank(records: RecordsDep, bank_id: uuid.UUID) -> BankOut:
    """One hash bank and how many hashes it holds."""
    bank = records.get(Bank, bank_id)
    return bank_out(bank, services.hash_counts(records, [bank.id]).get(bank.id, 0))


@router.post(
    "/banks/{bank_id}/imports",
    responses=problems(400, 404, 409, 413, 415),
    response_model=BankImportOut,
    status_code=201,
    openapi_extra=access("hash_bank"),
)
async def import_hash_list(
    records: RecordsDep,
    settings: SettingsDep,
    index: IndexDep,
    bank_id: uuid.UUID,
    file: Annotated[UploadFile, File(description="A VICS 2.0 JSON or CSV hash list.")],
    format: Annotated[str | None, Form(description="vics or csv; detected when absent.")] = None,
) -> BankImportOut:
    """Add a hash list to a bank all-or-nothing; the same list again adds nothing."""
    data = await file.read()
    result = services.import_into_bank(
        records,
        index,
        bank_id,
        data,
        filename=file.filename or "",
        format_name=format,
        max_bytes=settings.max_import_bytes,
    )
    return BankImportOut(
        bank_id=result.bank_id,
        format=result.format,
        records=result.records,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        duplicates=result.duplicates,
    )


@router.get(
    "/banks/{bank_id}/export",
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}},  # with format=csv
        **problems(404),
    },
    response_model=dict[str, Any],
    openapi_extra=access("hash_bank"),
)
def export_bank(records: RecordsDep, bank_id: uuid.UUID, format: str = "vics") -> Any:
    """The bank's hashes as a VICS 2.0 JSON document (or CSV with format=csv)."""
    if format not in services.HASH_LIST_FORMATS:
        raise InvalidInput("format must be vics or csv", location="query.format")
    bank, exported = services.export_bank(records, bank_id)
    if format == "csv":
        return Response(
            dumps_csv(exported),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="bank-{bank.id}.csv"'},
        )
    return export_vics(exported)


@router.post(
    "/hashes/match",
    responses=problems(400, 404, 409, 413),
    response_model=MatchOut,
    openapi_extra=access("hash_bank"),
)
def match(records: RecordsDep, index: IndexDep, body: MatchIn) -> MatchOut:
    """Match up to 10,000 hashes against every bank: matches you may see, hit/no-hit else."""
    queries = services.submitted_records(body.hashes, "body.hashes")
    run = match_hashes(
        records,
        index,
        queries,
        MatchSettings(
            max_distance=body.max_distance,
            include_unreliable=body.include_unreliable,
            dihedral=body.dihedral,
        ),
        report_id=body.report_id,
        case_id=body.case_id,
    )
    return match_out(run)
