"""The supervisor's audit trail page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from wayhome.access.models import Role
from wayhome.audit.services import agency_trail
from wayhome.errors import Forbidden
from wayhome.web.deps import SessionDep
from wayhome.web.pages import PageUser, render

router = APIRouter(include_in_schema=False)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, session: SessionDep, user: PageUser, offset: int = 0) -> Response:
    """The newest audit entries of the supervisor's agency."""
    if user.role is not Role.SUPERVISOR:
        raise Forbidden("only supervisors read the audit trail")
    entries = agency_trail(session, user.agency_id, 100, max(offset, 0))
    return render(request, "audit.html", {"entries": entries, "offset": offset})
