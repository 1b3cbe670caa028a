"""Register tables: people from residents' register extracts that an agency loaded."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from wayhome.access.models import MarkedMixin
from wayhome.db.base import Base, IdMixin, utcnow


class RegisterImport(IdMixin, Base):
    """One register file loaded by an agency; the same file twice is recognised by its SHA-256."""

    __tablename__ = "register_imports"
    __table_args__ = (UniqueConstraint("agency_id", "sha256"),)

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(300), default="")
    person_count: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RegisterPersonRecord(IdMixin, MarkedMixin, Base):
    """A person of a register extract: intelligence of the agency that loaded it."""

    __tablename__ = "register_persons"
    __record_kind__ = "register_person"
    __table_args__ = (Index("ix_register_persons_geonameid", "geonameid"),)

    import_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("register_imports.id"), index=True)
    row: Mapped[int]
    person_ref: Mapped[str] = mapped_column(String(120))
    full_name: Mapped[str] = mapped_column(String(300))
    birth_date: Mapped[date]
    sex: Mapped[str] = mapped_column(String(1))
    residence: Mapped[str] = mapped_column(String(300))
    geonameid: Mapped[int | None]
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    identifiers: Mapped[list[str]]
