"""Posting to and reading an agency's inbox."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wayhome.access.visibility import READING_ROLES, Viewer
from wayhome.inbox.models import Notification


def post(
    session: Session, agency_id: uuid.UUID, kind: str, subject: str, detail: dict[str, Any]
) -> Notification:
    """Leave a message for an agency."""
    note = Notification(agency_id=agency_id, kind=kind, subject=subject, detail=detail)
    session.add(note)
    session.flush()
    return note


def for_viewer(session: Session, viewer: Viewer, limit: int = 20) -> list[Notification]:
    """The newest messages of the viewer's agency (its reading roles only)."""
    if viewer.role not in READING_ROLES:
        return []
    stmt = (
        select(Notification)
        .where(Notification.agency_id == viewer.agency_id)
        .order_by(Notification.created_at.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
