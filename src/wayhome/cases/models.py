"""Case, Person (with name variants) and Event tables."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wayhome.access.models import MarkedMixin
from wayhome.db.base import Base, IdMixin, TimestampMixin, enum_type, utcnow


class CaseKind(StrEnum):
    """What a case is about."""

    MISSING_CHILD = "missing_child"
    EXPLOITATION = "exploitation"
    OTHER = "other"


class CaseStatus(StrEnum):
    """Where a case stands in its lifecycle."""

    REPORTED = "reported"
    ALERT_ISSUED = "alert_issued"
    ACTIVE_SEARCH = "active_search"
    LOCATED = "located"
    CLOSED = "closed"


class Priority(StrEnum):
    """How urgent a case is."""

    CRITICAL = "critical"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class PersonRole(StrEnum):
    """The part a person plays in a case."""

    MISSING_CHILD = "missing_child"
    SUSPECT = "suspect"
    GUARDIAN = "guardian"
    WITNESS = "witness"
    VICTIM = "victim"
    REGISTER = "register"


class Sex(StrEnum):
    """Sex as recorded by the reporting agency."""

    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class Case(IdMixin, TimestampMixin, MarkedMixin, Base):
    """A case owned by one agency."""

    __tablename__ = "cases"
    __record_kind__ = "case"

    reference: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[CaseKind] = mapped_column(enum_type(CaseKind))
    status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus), default=CaseStatus.REPORTED)
    priority: Mapped[Priority] = mapped_column(enum_type(Priority), default=Priority.NORMAL)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]


class Person(IdMixin, TimestampMixin, MarkedMixin, Base):
    """A person known to an agency, in a case or in a report."""

    __tablename__ = "persons"
    __record_kind__ = "person"

    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), index=True)
    report_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reports.id"), index=True)
    role: Mapped[PersonRole] = mapped_column(enum_type(PersonRole))
    date_of_birth: Mapped[date | None]
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    sex: Mapped[Sex] = mapped_column(enum_type(Sex, 8), default=Sex.UNKNOWN)
    nationalities: Mapped[list[str]] = mapped_column(default=list)
    description: Mapped[str] = mapped_column(Text, default="")

    names: Mapped[list[PersonName]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin"
    )


class PersonName(IdMixin, Base):
    """One name variant of a person, with the script and language it is written in."""

    __tablename__ = "person_names"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(300))
    given_name: Mapped[str | None] = mapped_column(String(120))
    family_name: Mapped[str | None] = mapped_column(String(120))
    patronymic: Mapped[str | None] = mapped_column(String(120))
    script: Mapped[str] = mapped_column(String(4))
    language: Mapped[str | None] = mapped_column(String(8))

    person: Mapped[Person] = relationship(back_populates="names")


class Event(IdMixin, MarkedMixin, Base):
    """A dated entry on a case's timeline."""

    __tablename__ = "events"
    __record_kind__ = "event"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
