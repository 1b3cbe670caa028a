"""Identity assertions (links between persons, register persons and personas), their review
decisions, and the review thresholds learnt from those decisions."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from wayhome.access.models import MarkedMixin
from wayhome.db.base import Base, IdMixin, TimestampMixin, enum_type, utcnow


class AssertionState(StrEnum):
    """Where a link stands: proposed (awaiting review), accepted or rejected."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class IdentityAssertion(IdMixin, TimestampMixin, MarkedMixin, Base):
    """A claim that two entities are one individual, with its score, evidence and author.

    Entities are named by reference (`person:<id>`, `register_person:<id>`, `persona:<id>`);
    an assertion never edits the records it links, so rejecting or splitting it leaves every
    agency's records as they were.
    """

    __tablename__ = "identity_assertions"
    __record_kind__ = "assertion"

    pair_key: Mapped[str] = mapped_column(String(420), unique=True)
    left_ref: Mapped[str] = mapped_column(String(200), index=True)
    right_ref: Mapped[str] = mapped_column(String(200), index=True)
    link_kind: Mapped[str] = mapped_column(String(24))
    score: Mapped[float]
    strong: Mapped[bool] = mapped_column(default=False)
    state: Mapped[AssertionState] = mapped_column(enum_type(AssertionState, 12), index=True)
    made_by: Mapped[str] = mapped_column(String(120))
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"))
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="")


class LinkDecision(IdMixin, Base):
    """One reviewer's accept or reject of an assertion (the history; the row keeps the last)."""

    __tablename__ = "link_decisions"

    assertion_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("identity_assertions.id"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"))
    link_kind: Mapped[str] = mapped_column(String(24))
    decision: Mapped[str] = mapped_column(String(12))
    score: Mapped[float]
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)


class LinkThresholds(Base):
    """The review thresholds of one kind of link, as moved by reviewers' decisions."""

    __tablename__ = "link_thresholds"

    link_kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    accept_at: Mapped[float]
    review_at: Mapped[float]
    decisions: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
