"""JSON API for the caller's agency inbox."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from wayhome.access.services import viewer_of
from wayhome.inbox import services
from wayhome.web.deps import CurrentUser, SessionDep, access

router = APIRouter(tags=["inbox"])


class NotificationOut(BaseModel):
    """A message to the caller's agency."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    subject: str
    detail: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


@router.get("/inbox", response_model=list[NotificationOut], openapi_extra=access("member"))
def inbox(session: SessionDep, user: CurrentUser) -> list[NotificationOut]:
    """The newest messages to the caller's agency."""
    return [
        NotificationOut.model_validate(n)
        for n in services.for_viewer(session, viewer_of(user), limit=100)
    ]
