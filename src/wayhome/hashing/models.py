"""Hash banks, their hashes, and the matches that link a submission to a known series.

A bank is intelligence like any other: owned by an agency, marked and scoped. Its hashes
carry the bank's agency, marking and scope and are shared exactly as the bank, so one
visibility clause filters them without a join. Only hashes are stored, never imagery.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from wayhome.access.models import MarkedMixin
from wayhome.db.base import Base, IdMixin, TimestampMixin, utcnow

BIG_ID = BigInteger().with_variant(Integer, "sqlite")
# A PhotoDNA hash is 144 bytes; its usual encodings (base64, hex, comma-separated bytes)
# stay under this length.
PHOTODNA_LENGTH = 1024


class Bank(IdMixin, TimestampMixin, MarkedMixin, Base):
    """A set of known hashes held by one agency (a national or project hash list)."""

    __tablename__ = "hash_banks"
    __record_kind__ = "hash_bank"
    __table_args__ = (UniqueConstraint("agency_id", "name"),)

    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    silent: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class BankHash(MarkedMixin, Base):
    """One media file of a bank: its hashes and VICS classification."""

    __tablename__ = "bank_hashes"
    __record_kind__ = "bank_hash"
    # The same record (same hashes) is held once per bank: re-importing a list is a no-op.
    __table_args__ = (
        UniqueConstraint("bank_id", "record_key"),
        Index("ix_bank_hashes_md5", "md5"),
        Index("ix_bank_hashes_sha1", "sha1"),
        Index("ix_bank_hashes_sha256", "sha256"),
        Index("ix_bank_hashes_photodna", "photodna"),
    )

    @classmethod
    def share_key(cls) -> tuple[str, Any]:
        """A bank's hash is shared exactly as its bank."""
        return "hash_bank", cls.bank_id

    # Integer keys: the in-memory PDQ index stores them in numpy arrays.
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True, autoincrement=True)
    bank_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hash_banks.id"))
    record_key: Mapped[str] = mapped_column(String(64))
    md5: Mapped[str | None] = mapped_column(String(32))
    sha1: Mapped[str | None] = mapped_column(String(40))
    sha256: Mapped[str | None] = mapped_column(String(64))
    pdq: Mapped[str | None] = mapped_column(String(64))
    pdq_quality: Mapped[int | None]
    photodna: Mapped[str | None] = mapped_column(String(PHOTODNA_LENGTH))
    category: Mapped[int | None]
    victim_identified: Mapped[bool | None]
    offender_identified: Mapped[bool | None]
    is_distributed: Mapped[bool | None]
    series: Mapped[str | None] = mapped_column(String(300), index=True)
    media_size: Mapped[int | None] = mapped_column(BigInteger)
    file_names: Mapped[list[str]] = mapped_column(default=list)
    # VICS alternative hashes Wayhome does not match, carried through: [{name, value}].
    other_hashes: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    added_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class HashMatch(IdMixin, Base):
    """A submitted hash matched a bank's hash: the link both agencies' dashboards show.

    `subject` is the submitting report or case id as text ('' when the caller named none),
    so the same match from the same agency about the same subject is recorded once.
    """

    __tablename__ = "hash_matches"
    __table_args__ = (
        UniqueConstraint("querier_agency_id", "subject", "bank_hash_id"),
        Index("ix_hash_matches_holder_created", "holder_agency_id", "created_at"),
        Index("ix_hash_matches_querier_created", "querier_agency_id", "created_at"),
    )

    bank_hash_id: Mapped[int] = mapped_column(BIG_ID, ForeignKey("bank_hashes.id"))
    bank_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hash_banks.id"))
    holder_agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"))
    querier_agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"))
    querier_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    subject: Mapped[str] = mapped_column(String(36), default="", server_default="")
    report_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reports.id"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(16))
    distance: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
