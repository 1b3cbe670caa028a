"""API shapes for cases, persons and timeline events."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from wayhome.access.schemas import MarkingIn, MarkingOut, Strict
from wayhome.cases import vocabularies
from wayhome.cases.models import (
    CaseKind,
    CaseStatus,
    DatePrecision,
    NoticeVisibility,
    Outcome,
    PersonRole,
    Priority,
    Sex,
    TaskKind,
    TaskState,
)
from wayhome.web.pagefacts import Listing


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
    last_seen_at: datetime | None = None
    last_seen_place: str | None = None
    last_seen_country: str | None = None
    circumstances: str = ""
    suspected_abduction: bool = False
    online_link: bool = False
    outcome: Outcome | None = None


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
        return [country_code(code) for code in value]

    @model_validator(mode="after")
    def _ages(self) -> PersonIn:
        if self.date_of_birth and self.date_of_birth > datetime.now(UTC).date():
            raise ValueError("date_of_birth is in the future")
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValueError("age_min is greater than age_max")
        return self


class PlaceOut(BaseModel):
    """A place tied to a person: where born (`birth`) or living (`residence`)."""

    kind: str
    name: str
    country: str | None = None


class PersonOut(MarkingOut):
    """A person."""

    id: uuid.UUID
    case_id: uuid.UUID | None
    role: PersonRole
    names: list[NameOut]
    date_of_birth: date | None
    birth_date_precision: DatePrecision = DatePrecision.DAY
    birth_date: str | None = Field(
        None,
        validation_alias="birth_date_text",
        description="The birth date as far as it is known: 1987, 1987-11 or 1987-11-23.",
    )
    places: list[PlaceOut] = Field(default_factory=list)
    identifiers: list[str] = Field(default_factory=list)
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


class CaseList(Listing):
    """A page of cases."""

    items: list[CaseOut]


class PersonList(Listing):
    """A page of persons."""

    items: list[PersonOut]


class EventList(Listing):
    """A page of timeline events."""

    items: list[EventOut]


# -- missing-child workflow -------------------------------------------------------------------
class GuardianIn(Strict):
    """A parent or guardian to contact."""

    name: str = Field(min_length=1, max_length=200)
    relation: str = Field("", max_length=80)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=320)


def country_code(code: str) -> str:
    """An ISO 3166-1 alpha-2 code, upper case; any other value is refused, naming it."""
    if not vocabularies.is_country(code):
        raise PydanticCustomError(
            "country_code", "'{code}' is not an ISO 3166-1 alpha-2 country code", {"code": code}
        )
    return code.upper()


def language_code(code: str) -> str:
    """An ISO 639-2 (or 639-3) language code, upper case; any other value is refused."""
    if not vocabularies.is_language(code):
        raise PydanticCustomError(
            "language_code", "'{code}' is not an ISO 639-2 language code", {"code": code}
        )
    return code.upper()


def _coded(code: str | None, vocabulary: dict[str, str]) -> str | None:
    """A code of one of the project's vocabularies (cases/vocabularies.py), upper case."""
    if code is None:
        return None
    if code.upper() not in vocabulary:
        raise PydanticCustomError(
            "vocabulary_code",
            "'{code}' is not one of {allowed}",
            {"code": code, "allowed": ", ".join(vocabulary)},
        )
    return code.upper()


class ChildIn(Strict):
    """The missing child as the family and the reporting officer describe him or her."""

    names: list[NameIn] = Field(min_length=1)
    date_of_birth: date
    sex: Sex = Sex.UNKNOWN
    nationalities: list[str] = Field(default_factory=list)
    languages: list[str] = Field(
        default_factory=list, description="ISO 639-2 codes of languages spoken, e.g. RUS, ENG."
    )
    height_cm: int | None = Field(None, ge=30, le=230)
    weight_kg: int | None = Field(None, ge=1, le=250)
    eye_colour: str | None = Field(
        None, description=f"One of {', '.join(vocabularies.EYE_COLOURS)}."
    )
    hair_colour: str | None = Field(
        None, description=f"One of {', '.join(vocabularies.HAIR_COLOURS)}."
    )
    distinguishing_marks: str = Field("", max_length=2000)
    description: str = Field("", max_length=5000)

    @field_validator("nationalities")
    @classmethod
    def _countries(cls, value: list[str]) -> list[str]:
        return [country_code(code) for code in value]

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        return [language_code(code) for code in value]

    @field_validator("eye_colour")
    @classmethod
    def _eyes(cls, value: str | None) -> str | None:
        return _coded(value, vocabularies.EYE_COLOURS)

    @field_validator("hair_colour")
    @classmethod
    def _hair(cls, value: str | None) -> str | None:
        return _coded(value, vocabularies.HAIR_COLOURS)


class MissingChildIn(MarkingIn):
    """Intake of a missing-child case: the child, when and where last seen, and why it is feared."""

    child: ChildIn
    title: str | None = Field(None, min_length=3, max_length=300)
    last_seen_at: AwareDatetime
    last_seen_place: str = Field(min_length=1, max_length=300)
    last_seen_country: str = Field(description="ISO 3166-1 alpha-2, e.g. NL.")
    circumstances: str = Field("", max_length=20000)
    suspected_abduction: bool = False
    online_link: bool = False
    guardians: list[GuardianIn] = Field(default_factory=list, max_length=10)

    @field_validator("last_seen_country")
    @classmethod
    def _country(cls, value: str) -> str:
        return country_code(value)


class UrgencyOut(BaseModel):
    """The computed urgency and the risk factors behind it."""

    priority: Priority
    score: int
    reasons: list[str]


class StatusIn(Strict):
    """A requested status change."""

    status: CaseStatus
    outcome: Outcome | None = None
    note: str = Field("", max_length=5000)


class TransitionOut(BaseModel):
    """A recorded status change."""

    model_config = ConfigDict(from_attributes=True)

    from_status: CaseStatus
    to_status: CaseStatus
    at: datetime
    outcome: Outcome | None
    note: str


class TaskIn(Strict):
    """A task on a case; an operation is a task whose completion needs an outcome."""

    title: str = Field(min_length=1, max_length=300)
    kind: TaskKind = TaskKind.TASK
    assignee_agency_id: uuid.UUID | None = None
    assignee_user_id: uuid.UUID | None = None
    due_at: AwareDatetime | None = None


class TaskUpdate(Strict):
    """A change of a task's state."""

    state: TaskState
    outcome: str = Field("", max_length=5000)


class TaskOut(BaseModel):
    """A task."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    kind: TaskKind
    title: str
    assignee_agency_id: uuid.UUID
    assignee_user_id: uuid.UUID | None
    due_at: datetime | None
    state: TaskState
    outcome: str
    overdue: bool = False


class AlertIn(Strict):
    """An alert to every member agency (no `agencies`) or to the named ones (ids or codes)."""

    agencies: list[str] | None = Field(None, max_length=500)
    message: str = Field("", max_length=5000)


class RecipientOut(BaseModel):
    """One recipient of an alert and where its acknowledgement stands."""

    agency_id: uuid.UUID
    agency: str
    country: str
    notified_at: datetime
    acknowledged_at: datetime | None
    renotified_at: datetime | None
    escalated_at: datetime | None
    pending_seconds: int | None


class AlertOut(BaseModel):
    """An alert and its recipients."""

    id: uuid.UUID
    case_id: uuid.UUID
    issued_at: datetime
    to_all: bool
    message: str
    recipients: list[RecipientOut]


class NoticeIn(Strict):
    """Set a case's notice: restricted (member agencies), public, or withdrawn."""

    visibility: NoticeVisibility


class NoticeOut(BaseModel):
    """A case's notice."""

    model_config = ConfigDict(from_attributes=True)

    entity_id: str
    visibility: NoticeVisibility
    published_at: datetime | None


class PortraitOut(BaseModel):
    """A stored portrait."""

    model_config = ConfigDict(from_attributes=True)

    picture_id: str
    media_type: str
    width: int
    height: int


class WorkflowOut(BaseModel):
    """Everything about where a case stands: status, urgency, history, tasks, alerts, notice."""

    case_id: uuid.UUID
    status: CaseStatus
    outcome: Outcome | None
    urgency: UrgencyOut
    transitions: list[TransitionOut]
    allowed: list[CaseStatus]
    tasks: list[TaskOut]
    alerts: list[AlertOut]
    notice: NoticeOut | None
    portrait: PortraitOut | None


class PendingAlertOut(BaseModel):
    """An alert awaiting the caller's agency's acknowledgement."""

    alert_id: uuid.UUID
    case_id: uuid.UUID
    case_title: str
    from_agency: str
    notified_at: datetime
    pending_seconds: int
