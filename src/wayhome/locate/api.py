"""JSON API for locating: a case's posterior and candidates, register imports and persons."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from wayhome.access.markings import Marking, Scope
from wayhome.errors import InvalidInput
from wayhome.locate import services
from wayhome.locate.schemas import (
    LocateIn,
    LocateOut,
    RegisterImportOut,
    RegisterPersonList,
    RegisterPersonOut,
)
from wayhome.web.deps import RecordsDep, SettingsDep, access
from wayhome.web.errors import problems
from wayhome.web.paging import PagingDep

router = APIRouter(tags=["locate"])


@router.post(
    "/cases/{case_id}/locate",
    responses=problems(400, 404, 413),
    response_model=LocateOut,
    openapi_extra=access("case"),
)
def locate_case(records: RecordsDep, case_id: uuid.UUID, body: LocateIn) -> LocateOut:
    """Where the case's offender probably lives, from the clues the caller may see and states."""
    run = services.locate_case(records, case_id, body)
    return services.as_output(run, body)


@router.post(
    "/register/imports",
    responses=problems(400, 409, 413),
    response_model=RegisterImportOut,
    status_code=201,
    openapi_extra=access("register_person"),
)
def import_register(
    records: RecordsDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="Register extract, CSV (UTF-8).")],
    marking: Annotated[Marking, Form()],
    scope: Annotated[Scope, Form()] = Scope.OWNER,
    shared_with: Annotated[list[uuid.UUID] | None, Form()] = None,
) -> RegisterImportOut:
    """Load a register extract all-or-nothing; the same file again stores nothing new."""
    data = file.file.read(settings.max_import_bytes + 1)
    if len(data) > settings.max_import_bytes:
        raise InvalidInput("the file is too large", location="file")
    result = services.import_register(
        records, data, file.filename or "", marking, scope, shared_with or []
    )
    return RegisterImportOut(
        import_id=result.import_id, created=result.created, persons=result.persons
    )


@router.get(
    "/register/persons",
    response_model=RegisterPersonList,
    openapi_extra=access("register_person"),
)
def list_register_persons(records: RecordsDep, page: PagingDep) -> RegisterPersonList:
    """Register persons the caller may see."""
    items, total = services.list_register_persons(records, page.limit, page.offset)
    return RegisterPersonList(
        items=[RegisterPersonOut.model_validate(p, from_attributes=True) for p in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/register/persons/{register_person_id}",
    responses=problems(404),
    response_model=RegisterPersonOut,
    openapi_extra=access("register_person"),
)
def get_register_person(records: RecordsDep, register_person_id: uuid.UUID) -> RegisterPersonOut:
    """One register person."""
    person = services.get_register_person(records, register_person_id)
    return RegisterPersonOut.model_validate(person, from_attributes=True)
