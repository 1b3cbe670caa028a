"""Posting to and reading an agency's inbox, and each user's own alerts (read/unread)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from wayhome.access.visibility import READING_ROLES, Viewer
from wayhome.db.base import utcnow
from wayhome.inbox.models import Notification


def post(
    session: Session,
    agency_id: uuid.UUID,
    kind: str,
    subject: str,
    detail: dict[str, Any],
    *,
    user_id: uuid.UUID | None = None,
    dedup_key: str | None = None,
) -> Notification:
    """Leave a message for an agency, or for one of its users when `user_id` is given."""
    note = Notification(
        agency_id=agency_id,
        user_id=user_id,
        kind=kind,
        subject=subject,
        detail=detail,
        dedup_key=dedup_key,
    )
    session.add(note)
    session.flush()
    return note


DEDUP_KEY_LENGTH = 200  # the column's length (inbox/models.py)


def once_key(kind: str, key: str) -> str:
    """The indexed once-only key of a message of `kind` about `key` (hashed when too long)."""
    whole = f"{kind}:{key}"
    if len(whole) <= DEDUP_KEY_LENGTH:
        return whole
    return f"{kind}:sha256:{hashlib.sha256(key.encode()).hexdigest()}"


def post_once(
    session: Session,
    agency_id: uuid.UUID,
    kind: str,
    key: str,
    subject: str,
    detail: dict[str, Any],
) -> Notification | None:
    """Leave a message for an agency unless one of this kind and key was left before: the one
    way a message is posted once (found through the indexed `dedup_key`); None when it was."""
    dedup = once_key(kind, key)
    already = session.scalar(
        select(Notification.id).where(
            Notification.agency_id == agency_id, Notification.dedup_key == dedup
        )
    )
    if already is not None:
        return None
    return post(session, agency_id, kind, subject, detail, dedup_key=dedup)


def _mine(viewer: Viewer) -> Any:
    """Messages to the viewer's agency as a whole, and alerts to him personally."""
    return (Notification.agency_id == viewer.agency_id) & or_(
        Notification.user_id.is_(None), Notification.user_id == viewer.user_id
    )


def for_viewer(
    session: Session,
    viewer: Viewer,
    limit: int = 20,
    *,
    unread_only: bool = False,
    after: tuple[datetime, uuid.UUID] | None = None,
) -> list[Notification]:
    """The newest messages for the viewer (reading roles only): his agency's and his own;
    with `after`, those newer than a given (time, id), oldest first (a stream resuming)."""
    if viewer.role not in READING_ROLES:
        return []
    stmt = select(Notification).where(_mine(viewer))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    if after is not None:
        at, last_id = after
        stmt = stmt.where(Notification.created_at >= at, Notification.id != last_id).order_by(
            Notification.created_at
        )
    else:
        stmt = stmt.order_by(Notification.created_at.desc())
    return list(session.scalars(stmt.limit(limit)))


@dataclass(frozen=True)
class InboxPage:
    """One page of the viewer's messages and how many match in all."""

    items: list[Notification]
    total: int


def page_for_viewer(
    session: Session,
    viewer: Viewer,
    *,
    kind: str = "",
    unread_only: bool = False,
    text: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    descending: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> InboxPage:
    """A filtered page of the viewer's messages (his agency's and his own), newest first
    unless asked otherwise, with the total that match."""
    if viewer.role not in READING_ROLES:
        return InboxPage([], 0)
    stmt = select(Notification).where(_mine(viewer))
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    if text.strip():
        stmt = stmt.where(Notification.subject.icontains(text.strip(), autoescape=True))
    if since is not None:
        stmt = stmt.where(Notification.created_at >= since)
    if until is not None:
        stmt = stmt.where(Notification.created_at < until)
    total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    order = Notification.created_at.desc() if descending else Notification.created_at.asc()
    rows = list(session.scalars(stmt.order_by(order, Notification.id).limit(limit).offset(offset)))
    return InboxPage(rows, total)


def kinds_for_viewer(session: Session, viewer: Viewer) -> list[str]:
    """The kinds of message the viewer has, for the inbox's filter."""
    if viewer.role not in READING_ROLES:
        return []
    stmt = select(Notification.kind).where(_mine(viewer)).distinct()
    return sorted(session.scalars(stmt))


def unread_count(session: Session, viewer: Viewer) -> int:
    """How many of the viewer's messages are unread."""
    if viewer.role not in READING_ROLES:
        return 0
    stmt = select(func.count()).where(_mine(viewer), Notification.read_at.is_(None))
    return int(session.scalar(stmt) or 0)


def mark_read(session: Session, viewer: Viewer, ids: list[uuid.UUID] | None) -> int:
    """Mark the given messages (or all) read; others' messages are left alone."""
    if viewer.role not in READING_ROLES:
        return 0
    stmt = update(Notification).where(_mine(viewer), Notification.read_at.is_(None))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    result = session.execute(
        stmt.values(read_at=utcnow()).execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
