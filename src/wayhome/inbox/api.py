"""JSON API for the caller's inbox: his agency's messages and his own alerts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from wayhome.access.services import viewer_of
from wayhome.inbox import services
from wayhome.web.deps import CurrentUser, SessionDep, access
from wayhome.web.errors import problems

router = APIRouter(tags=["inbox"])


class NotificationOut(BaseModel):
    """A message to the caller's agency, or an alert to him."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    subject: str
    detail: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


class ReadIn(BaseModel):
    """Messages to mark read; none given marks all."""

    ids: list[uuid.UUID] | None = None


class ReadOut(BaseModel):
    """How many messages were marked read, and how many stay unread."""

    marked: int
    unread: int


@router.get("/inbox", response_model=list[NotificationOut], openapi_extra=access("member"))
def inbox(session: SessionDep, user: CurrentUser, unread: bool = False) -> list[NotificationOut]:
    """The newest messages to the caller (his agency's and his own alerts)."""
    return [
        NotificationOut.model_validate(n)
        for n in services.for_viewer(session, viewer_of(user), limit=100, unread_only=unread)
    ]


@router.post(
    "/inbox/read",
    responses=problems(400, 413),
    response_model=ReadOut,
    openapi_extra=access("member"),
)
def mark_read(session: SessionDep, user: CurrentUser, data: ReadIn) -> ReadOut:
    """Mark messages read."""
    viewer = viewer_of(user)
    marked = services.mark_read(session, viewer, data.ids)
    return ReadOut(marked=marked, unread=services.unread_count(session, viewer))
