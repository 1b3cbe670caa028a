"""Case, Person (with name variants) and Event tables."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
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
    REUNITED = "reunited"
    CLOSED = "closed"


class Outcome(StrEnum):
    """How a case ended."""

    REUNITED = "reunited"
    FOUND_SAFE_IN_CARE = "found_safe_in_care"
    RETURNED_VOLUNTARILY = "returned_voluntarily"
    FOUND_DECEASED = "found_deceased"
    FALSE_REPORT = "false_report"
    TRANSFERRED = "transferred"
    OTHER = "other"


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


class DatePrecision(StrEnum):
    """How much of a birth date is known: its year, its month or the day itself."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


def partial_date_text(day: date, precision: str | None) -> str:
    """A date written only as far as `precision` knows it (`1988`, `1988-07`, `1988-07-14`)."""
    text = day.isoformat()
    return {"year": text[:4], "month": text[:7]}.get(precision or "day", text)


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
    # Missing-child intake (empty for other kinds of case).
    last_seen_at: Mapped[datetime | None]
    last_seen_place: Mapped[str | None] = mapped_column(String(300))
    last_seen_country: Mapped[str | None] = mapped_column(String(2))
    circumstances: Mapped[str] = mapped_column(Text, default="")
    suspected_abduction: Mapped[bool] = mapped_column(default=False)
    online_link: Mapped[bool] = mapped_column(default=False)
    guardians: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    outcome: Mapped[Outcome | None] = mapped_column(enum_type(Outcome))


class Person(IdMixin, TimestampMixin, MarkedMixin, Base):
    """A person known to an agency, in a case or in a report."""

    __tablename__ = "persons"
    __record_kind__ = "person"

    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), index=True)
    report_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reports.id"), index=True)
    role: Mapped[PersonRole] = mapped_column(enum_type(PersonRole))
    # The first day of the period `birth_date_precision` names ("1988" is 1988-01-01, year).
    date_of_birth: Mapped[date | None]
    birth_date_precision: Mapped[DatePrecision] = mapped_column(
        enum_type(DatePrecision, 5), default=DatePrecision.DAY, server_default="day"
    )
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    sex: Mapped[Sex] = mapped_column(enum_type(Sex, 8), default=Sex.UNKNOWN)
    nationalities: Mapped[list[str]] = mapped_column(default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list[str]] = mapped_column(default=list)
    height_cm: Mapped[int | None]
    weight_kg: Mapped[int | None]
    eye_colour: Mapped[str | None] = mapped_column(String(3))
    hair_colour: Mapped[str | None] = mapped_column(String(3))
    distinguishing_marks: Mapped[str] = mapped_column(Text, default="")
    # Where the person was born or lives: {"kind": "birth"|"residence", "name", "country"}.
    places: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")
    # Document and registry numbers as written (passport, identity card).
    identifiers: Mapped[list[str]] = mapped_column(default=list, server_default="[]")

    @property
    def birth_date_text(self) -> str | None:
        """The birth date as far as it is known: `1988`, `1988-07` or `1988-07-14`."""
        if self.date_of_birth is None:
            return None
        return partial_date_text(self.date_of_birth, self.birth_date_precision)

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


class Transition(IdMixin, Base):
    """One recorded change of a case's status: from, to, when, by whom, with what outcome."""

    __tablename__ = "case_transitions"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    from_status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus))
    to_status: Mapped[CaseStatus] = mapped_column(enum_type(CaseStatus))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    agency_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agencies.id"))
    outcome: Mapped[Outcome | None] = mapped_column(enum_type(Outcome))
    note: Mapped[str] = mapped_column(Text, default="")


class TaskKind(StrEnum):
    """What a task is: plain work, an operation with an outcome, or support after finding."""

    TASK = "task"
    OPERATION = "operation"
    SUPPORT = "support"


class TaskState(StrEnum):
    """Where a task stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class Task(IdMixin, TimestampMixin, Base):
    """Work on a case assigned to an agency or one of its users, with a due time."""

    __tablename__ = "case_tasks"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"))  # who created it
    kind: Mapped[TaskKind] = mapped_column(enum_type(TaskKind, 16), default=TaskKind.TASK)
    title: Mapped[str] = mapped_column(String(300))
    assignee_agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"))
    assignee_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[datetime | None]
    state: Mapped[TaskState] = mapped_column(enum_type(TaskState, 16), default=TaskState.OPEN)
    outcome: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class Alert(IdMixin, Base):
    """A cross-border alert about a case, sent to some or all member agencies."""

    __tablename__ = "case_alerts"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"))  # the issuer
    issued_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    to_all: Mapped[bool] = mapped_column(default=False)
    message: Mapped[str] = mapped_column(Text, default="")

    recipients: Mapped[list[AlertRecipient]] = relationship(
        back_populates="alert", cascade="all, delete-orphan", lazy="selectin"
    )


class AlertRecipient(IdMixin, Base):
    """One agency an alert went to, and whether and when it acknowledged or was chased."""

    __tablename__ = "alert_recipients"
    __table_args__ = (
        UniqueConstraint("alert_id", "agency_id"),
        Index("ix_alert_recipients_pending", "acknowledged_at", "notified_at"),
    )

    alert_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_alerts.id"))
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), index=True)
    notified_at: Mapped[datetime]
    renotified_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    alert: Mapped[Alert] = relationship(back_populates="recipients")


class NoticeVisibility(StrEnum):
    """Who a notice reaches: member agencies (restricted), everyone (public), or nobody."""

    RESTRICTED = "restricted"
    PUBLIC = "public"
    WITHDRAWN = "withdrawn"


class Notice(IdMixin, TimestampMixin, Base):
    """A yellow notice (missing person) a case carries; public ones are served anonymously."""

    __tablename__ = "case_notices"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), unique=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"))
    entity_id: Mapped[str] = mapped_column(String(12), unique=True)  # "2026/12345"
    visibility: Mapped[NoticeVisibility] = mapped_column(enum_type(NoticeVisibility, 16))
    issued_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]


class Portrait(IdMixin, Base):
    """The family-supplied portrait of a missing child: re-encoded, metadata stripped."""

    __tablename__ = "portraits"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"))
    picture_id: Mapped[str] = mapped_column(String(16), unique=True)
    media_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int]
    height: Mapped[int]
    image: Mapped[bytes] = mapped_column(LargeBinary)
    thumbnail: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
