"""API shapes for reports."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, Field

from wayhome.access.schemas import MarkingIn, MarkingOut
from wayhome.cases.schemas import Listing


class ReportIn(MarkingIn):
    """One contribution of intelligence."""

    title: str = Field(min_length=1, max_length=300)
    source: str = Field(min_length=1, max_length=200, description="Who or what supplied it.")
    legal_basis: str = Field("", max_length=300)
    received_at: AwareDatetime | None = None
    body: str = Field("", max_length=5_000_000)
    case_id: uuid.UUID | None = None
    items: dict[str, Any] = Field(default_factory=dict)


class ReportOut(MarkingOut):
    """A report."""

    id: uuid.UUID
    case_id: uuid.UUID | None
    title: str
    source: str
    legal_basis: str
    received_at: datetime
    body: str
    items: dict[str, Any]


class ReportList(Listing):
    """A page of reports."""

    items: list[ReportOut]
