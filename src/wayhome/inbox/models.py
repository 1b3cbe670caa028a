"""The Notification table: an agency's inbox."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from wayhome.db.base import Base, IdMixin, utcnow


class Notification(IdMixin, Base):
    """A message to one agency (and optionally one of its users)."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_agency_created", "agency_id", "created_at"),
        Index("ix_notifications_user_created", "user_id", "created_at"),
        Index("ix_notifications_agency_dedup", "agency_id", "dedup_key"),
    )

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # A key that makes a notification once-only per agency (e.g. a silent hit per value and
    # querying agency); looked up through its index, never through the JSON detail.
    dedup_key: Mapped[str | None] = mapped_column(String(200))
