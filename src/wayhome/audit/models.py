"""AuditEntry (append-only, hash-chained) and AuditHead (the chain's serialising tip)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from wayhome.db.base import Base

BIG_ID = BigInteger().with_variant(Integer, "sqlite")


class AuditEntry(Base):
    """One audited action; `entry_hash` commits to the entry and to the previous hash."""

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(BIG_ID, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    user_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    username: Mapped[str | None] = mapped_column(String(80))
    agency_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(40))
    object_kind: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    purpose: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The single row holding the chain's last sequence number and hash.

    Updating it first in every auditing transaction takes the write lock, so two
    transactions can never chain onto the same predecessor.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BIG_ID)
    last_hash: Mapped[str] = mapped_column(String(64))
