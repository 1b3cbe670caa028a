"""JSON API for cases, their persons and timelines."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from wayhome.cases import services
from wayhome.cases.schemas import (
    CaseIn,
    CaseList,
    CaseOut,
    EventIn,
    EventList,
    EventOut,
    PersonIn,
    PersonList,
    PersonOut,
)
from wayhome.web.deps import RecordsDep, access
from wayhome.web.paging import PagingDep

router = APIRouter(tags=["cases"])


@router.get("/cases", response_model=CaseList, openapi_extra=access("case"))
def list_cases(records: RecordsDep, page: PagingDep) -> CaseList:
    """Cases the caller may see."""
    found = services.list_cases(records, page.limit, page.offset)
    items = [CaseOut.model_validate(c, from_attributes=True) for c in found.items]
    return CaseList(items=items, total=found.total, limit=found.limit, offset=found.offset)


@router.post("/cases", response_model=CaseOut, status_code=201, openapi_extra=access("case"))
def open_case(records: RecordsDep, body: CaseIn) -> CaseOut:
    """Open a case owned by the caller's agency."""
    return CaseOut.model_validate(services.open_case(records, body), from_attributes=True)


@router.get("/cases/{case_id}", response_model=CaseOut, openapi_extra=access("case"))
def get_case(records: RecordsDep, case_id: uuid.UUID) -> CaseOut:
    """One case."""
    return CaseOut.model_validate(services.get_case(records, case_id), from_attributes=True)


@router.get("/cases/{case_id}/persons", response_model=PersonList, openapi_extra=access("person"))
def list_persons(records: RecordsDep, case_id: uuid.UUID, page: PagingDep) -> PersonList:
    """Persons in a case."""
    found = services.list_persons(records, case_id, page.limit, page.offset)
    items = [PersonOut.model_validate(p, from_attributes=True) for p in found.items]
    return PersonList(items=items, total=found.total, limit=found.limit, offset=found.offset)


@router.post(
    "/cases/{case_id}/persons",
    response_model=PersonOut,
    status_code=201,
    openapi_extra=access("person"),
)
def add_person(records: RecordsDep, case_id: uuid.UUID, body: PersonIn) -> PersonOut:
    """Add a person to a case."""
    person = services.add_person(records, case_id, body)
    return PersonOut.model_validate(person, from_attributes=True)


@router.get("/persons/{person_id}", response_model=PersonOut, openapi_extra=access("person"))
def get_person(records: RecordsDep, person_id: uuid.UUID) -> PersonOut:
    """One person."""
    return PersonOut.model_validate(services.get_person(records, person_id), from_attributes=True)


@router.get("/cases/{case_id}/events", response_model=EventList, openapi_extra=access("event"))
def timeline(records: RecordsDep, case_id: uuid.UUID, page: PagingDep) -> EventList:
    """A case's timeline."""
    found = services.timeline(records, case_id, page.limit, page.offset)
    items = [EventOut.model_validate(e, from_attributes=True) for e in found.items]
    return EventList(items=items, total=found.total, limit=found.limit, offset=found.offset)


@router.post(
    "/cases/{case_id}/events",
    response_model=EventOut,
    status_code=201,
    openapi_extra=access("event"),
)
def add_event(records: RecordsDep, case_id: uuid.UUID, body: EventIn) -> EventOut:
    """Add an entry to a case's timeline."""
    return EventOut.model_validate(services.add_event(records, case_id, body), from_attributes=True)
