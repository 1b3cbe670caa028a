"""Pages above every engine: the case dossier for a prosecutor (PDF)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from wayhome.leads.dossier import case_dossier, to_pdf
from wayhome.web.pages import PageRecords

router = APIRouter(include_in_schema=False)


@router.get("/cases/{case_id}/dossier.pdf")
def dossier_pdf(request: Request, records: PageRecords, case_id: uuid.UUID) -> Response:
    """The case dossier as a PDF: what the requester may see, cut at the audit chain's head."""
    dossier = case_dossier(records, case_id)
    template = request.app.state.templates.get_template("dossier.html")
    pdf = to_pdf(template.render(dossier=dossier, version=request.app.version))
    name = f"{dossier.case.reference}-dossier-{dossier.head_seq}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )
