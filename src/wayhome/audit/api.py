"""JSON API for an agency's audit trail (supervisors)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from wayhome.access.models import Role
from wayhome.audit.services import agency_trail
from wayhome.errors import Forbidden
from wayhome.web.deps import CurrentUser, SessionDep, access
from wayhome.web.paging import PagingDep

router = APIRouter(tags=["audit"])


class AuditEntryOut(BaseModel):
    """One audit entry."""

    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: datetime
    username: str | None
    agency_id: uuid.UUID | None
    action: str
    object_kind: str | None
    object_id: str | None
    purpose: str | None
    detail: dict[str, Any]
    entry_hash: str


@router.get("/audit", response_model=list[AuditEntryOut], openapi_extra=access("supervisor"))
def list_audit(session: SessionDep, user: CurrentUser, page: PagingDep) -> list[AuditEntryOut]:
    """The audit trail of the supervisor's own agency, newest first."""
    if user.role is not Role.SUPERVISOR:
        raise Forbidden("only supervisors read the audit trail")
    entries = agency_trail(session, user.agency_id, page.limit, page.offset)
    return [AuditEntryOut.model_validate(e) for e in entries]
