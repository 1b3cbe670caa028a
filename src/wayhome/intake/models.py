"""Report, Selector, Persona and Location tables: what member agencies contribute."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wayhome.access.models import MarkedMixin
from wayhome.db.base import Base, IdMixin, TimestampMixin, utcnow

BIG_ID = BigInteger().with_variant(Integer, "sqlite")


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
    silent: Mapped[bool] = mapped_column(default=False, server_default=false())
    format: Mapped[str] = mapped_column(String(16), default="api", server_default="api")
    import_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("intake_imports.id"))
    submitted_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class SelectorValue(Base):
    """One canonical identifier, held once however many reports name it.

    Correlation is an index from value to occurrences (`selectors.value_id`), never a table
    of pairs: storage grows with the number of occurrences, not with their square.
    """

    __tablename__ = "selector_values"
    # canonical first: a batch of values is looked up with `canonical IN (...)`.
    __table_args__ = (UniqueConstraint("canonical", "kind"),)

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(24))
    canonical: Mapped[str] = mapped_column(String(512))


class SelectorHolder(Base):
    """How many occurrences of a value one agency holds: who-holds-what in one small row.

    It answers "does anyone else hold this?" at ingest without scanning occurrences, and
    makes the over-common test a sum over a handful of rows.

    On SQLite the table is its own primary-key B-tree (WITHOUT ROWID): a rowid table would
    keep every row twice, in the table and in the key's index, and an upsert would touch both.
    """

    __tablename__ = "selector_holders"
    __table_args__ = ({"sqlite_with_rowid": False},)

    value_id: Mapped[int] = mapped_column(
        BIG_ID, ForeignKey("selector_values.id"), primary_key=True
    )
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    occurrences: Mapped[int]


class Selector(MarkedMixin, Base):
    """One occurrence of a selector value in a report, as written there."""

    __tablename__ = "selectors"
    __record_kind__ = "selector"
    # (value_id, id): a value's newest occurrences come straight off the index, however
    # common the value is. (A covering index that also carried owner, scope, marking and
    # report cost 87 bytes per occurrence and was slower to fill; bench/RESULTS.md.)
    __table_args__ = (Index("ix_selectors_value_newest", "value_id", "id"),)

    @classmethod
    def share_key(cls) -> tuple[str, Any]:
        """A selector is shared exactly as the report it came from."""
        return "report", cls.report_id

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True, autoincrement=True)
    value_id: Mapped[int] = mapped_column(BIG_ID, ForeignKey("selector_values.id"))
    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reports.id"), index=True)
    # No index of its own (unlike other marked records): no query filters occurrences by
    # owner alone, and one B-tree less per occurrence is what intake speed needs.
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"))
    original: Mapped[str] = mapped_column(String(1024))
    origin: Mapped[str] = mapped_column(String(300), default="", server_default="")
    span_start: Mapped[int | None]
    span_end: Mapped[int | None]
    observed_at: Mapped[datetime | None]
    context: Mapped[str | None] = mapped_column(String(120))

    value: Mapped[SelectorValue] = relationship(lazy="joined")


class Import(IdMixin, Base):
    """One file imported by an agency; the same file twice is recognised by its SHA-256."""

    __tablename__ = "intake_imports"
    __table_args__ = (UniqueConstraint("agency_id", "sha256"),)

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(300), default="")
    format: Mapped[str] = mapped_column(String(16))
    report_count: Mapped[int]
    selector_count: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Persona(IdMixin, MarkedMixin, Base):
    """An online account: a platform or forum and a handle."""

    __tablename__ = "personas"
    __record_kind__ = "persona"
    __table_args__ = (Index("ix_personas_platform_handle", "platform", "handle_canonical"),)

    @classmethod
    def share_key(cls) -> tuple[str, Any]:
        """A persona named in a report is shared exactly as that report."""
        return "report", cls.report_id

    report_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reports.id"), index=True)
    platform: Mapped[str] = mapped_column(String(120))
    handle: Mapped[str] = mapped_column(String(300))
    handle_canonical: Mapped[str] = mapped_column(String(300))
    display_name: Mapped[str | None] = mapped_column(String(300))


class Location(IdMixin, MarkedMixin, Base):
    """A point with an uncertainty radius, or a named place, tied to a case or a report."""

    __tablename__ = "locations"
    __record_kind__ = "location"

    @classmethod
    def share_key(cls) -> tuple[str, Any]:
        """A location from a report is shared exactly as that report."""
        return "report", cls.report_id

    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), index=True)
    report_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    radius_m: Mapped[float | None]
    place_name: Mapped[str | None] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2))
    observed_at: Mapped[datetime | None]
