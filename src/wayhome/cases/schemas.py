"""API shapes for cases, persons and timeline events."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from wayhome.access.schemas import MarkingIn, MarkingOut, Strict
from wayhome.cases.models import CaseKind, CaseStatus, PersonRole, Priority, Sex


class CaseIn(MarkingIn):
    """A new case."""

    title: str = Field(min_length=3, max_length=300)
    summary: str = Field("", max_length=20000)
    kind: CaseKind
    priority: Priority = Priority.NORMAL


class CaseOut(MarkingOut):
    """A case."""

    id: uuid.UUID
    reference: str
    title: str
    summary: str
    kind: CaseKind
    status: CaseStatus
    priority: Priority
    opened_at: datetime
    closed_at: datetime | None


class NameIn(Strict):
    """One name variant."""

    full_name: str = Field(min_length=1, max_length=300)
    given_name: str | None = Field(None, max_length=120)
    family_name: str | None = Field(None, max_length=120)
    patronymic: str | None = Field(None, max_length=120)
    script: str | None = Field(None, max_length=4, description="ISO 15924; detected when absent.")
    language: str | None = Field(None, max_length=8)

    @field_validator("full_name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a name cannot be blank")
        return value.strip()


class NameOut(BaseModel):
    """One name variant as stored."""

    model_config = ConfigDict(from_attributes=True)

    full_name: str
    given_name: str | None
    family_name: str | None
    patronymic: str | None
    script: str
    language: str | None


class PersonIn(MarkingIn):
    """A person to add to a case."""

    role: PersonRole
    names: list[NameIn] = Field(min_length=1)
    date_of_birth: date | None = None
    age_min: int | None = Field(None, ge=0, le=130)
    age_max: int | None = Field(None, ge=0, le=130)
    sex: Sex = Sex.UNKNOWN
    nationalities: list[str] = Field(default_factory=list)
    description: str = Field("", max_length=5000)

    @field_validator("nationalities")
    @classmethod
    def _iso_countries(cls, value: list[str]) -> list[str]:
        for code in value:
            if len(code) != 2 or not code.isalpha():
                raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 code")
        return [c.upper() for c in value]

    @model_validator(mode="after")
    def _ages(self) -> PersonIn:
        if self.date_of_birth and self.date_of_birth > datetime.now(UTC).date():
            raise ValueError("date_of_birth is in the future")
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValueError("age_min is greater than age_max")
        return self


class PersonOut(MarkingOut):
    """A person."""

    id: uuid.UUID
    case_id: uuid.UUID | None
    role: PersonRole
    names: list[NameOut]
    date_of_birth: date | None
    age_min: int | None
    age_max: int | None
    sex: Sex
    nationalities: list[str]
    description: str


class EventIn(MarkingIn):
    """An entry an investigator adds to a case timeline."""

    at: AwareDatetime | None = None
    kind: str = Field("note", min_length=1, max_length=40)
    summary: str = Field(min_length=1, max_length=5000)


class EventOut(MarkingOut):
    """A timeline entry."""

    id: uuid.UUID
    case_id: uuid.UUID
    at: datetime
    kind: str
    summary: str


class Listing(BaseModel):
    """Paging facts shared by every list answer."""

    total: int
    limit: int
    offset: int


class CaseList(Listing):
    """A page of cases."""

    items: list[CaseOut]


class PersonList(Listing):
    """A page of persons."""

    items: list[PersonOut]


class EventList(Listing):
    """A page of timeline events."""

    items: list[EventOut]
