"""Report, Selector, Persona and Location tables: what member agencies contribute."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wayhome.access.models import MarkedMixin
from wayhome.db.base import Base, IdMixin, TimestampMixin, utcnow


class Report(IdMixin, TimestampMixin, MarkedMixin, Base):
    """One contribution of intelligence by one agency."""

    __tablename__ = "reports"
    __record_kind__ = "report"
    __table_args__ = (UniqueConstraint("agency_id", "content_hash"),)

    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    legal_basis: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    items: Mapped[dict[str, Any]] = mapped_column(default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    submitted_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class Selector(MarkedMixin, Base):
    """One occurrence of a typed identifier in a report, as written and in canonical form."""

    __tablename__ = "selectors"
    __record_kind__ = "selector"
    __table_args__ = (Index("ix_selectors_kind_canonical", "kind", "canonical"),)

    @classmethod
    def share_key(cls) -> tuple[str, Any]:
        """A selector is shared exactly as the report it came from."""
        return "report", cls.report_id

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    canonical: Mapped[str] = mapped_column(String(512))
    original: Mapped[str] = mapped_column(String(1024))
    span_start: Mapped[int | None]
    span_end: Mapped[int | None]


class Persona(IdMixin, MarkedMixin, Base):
    """An online account: a platform or forum and a handle."""

    __tablename__ = "personas"
    __record_kind__ = "persona"
    __table_args__ = (Index("ix_personas_platform_handle", "platform", "handle_canonical"),)

    report_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reports.id"), index=True)
    platform: Mapped[str] = mapped_column(String(120))
    handle: Mapped[str] = mapped_column(String(300))
    handle_canonical: Mapped[str] = mapped_column(String(300))
    display_name: Mapped[str | None] = mapped_column(String(300))


class Location(IdMixin, MarkedMixin, Base):
    """A point with an uncertainty radius, or a named place, tied to a case or a report."""

    __tablename__ = "locations"
    __record_kind__ = "location"

    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), index=True)
    report_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    radius_m: Mapped[float | None]
    place_name: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2))
    observed_at: Mapped[datetime | None]
