"""API shapes for reports."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from wayhome.access.schemas import MarkingIn, MarkingOut, Strict
from wayhome.web.pagefacts import Listing


class SelectorIn(Strict):
    """A selector given in a structured field: its type and value as written."""

    type: str = Field(
        max_length=24,
        description="email, phone, ipv4, ipv6, domain, url, onion, "
        "btc, eth, xmr, pgp_fingerprint, pgp_key_id, handle, messenger_id, md5, ...",
    )
    value: str = Field(min_length=1, max_length=1024)
    platform: str | None = Field(None, max_length=120, description="For handles and messengers.")


class ReportIn(MarkingIn):
    """One contribution of intelligence; selectors in `body` are extracted automatically."""

    title: str = Field(min_length=1, max_length=300)
    source: str = Field(min_length=1, max_length=200, description="Who or what supplied it.")
    legal_basis: str = Field("", max_length=300)
    received_at: AwareDatetime | None = None
    body: str = Field("", max_length=5_000_000)
    case_id: uuid.UUID | None = None
    items: dict[str, Any] = Field(default_factory=dict)
    selectors: list[SelectorIn] = Field(default_factory=list, max_length=100_000)
    silent: bool = Field(False, description="Hits on it tell the querier nothing; you are told.")
    region: str | None = Field(
        None, min_length=2, max_length=2, description="Default region for national phone numbers."
    )


class BulkReportsIn(Strict):
    """Several reports, stored all together or not at all."""

    reports: list[ReportIn] = Field(min_length=1, max_length=1000)


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
    silent: bool
    format: str


class ReportList(Listing):
    """A page of reports."""

    items: list[ReportOut]


class ImportOut(BaseModel):
    """What an import stored."""

    import_id: uuid.UUID | None
    created: bool
    format: str
    reports: list[uuid.UUID]
    selectors: int
    warnings: list[str]


class HitOut(BaseModel):
    """An agency holds matching records the caller may not see: ask it through channels."""

    agency_id: uuid.UUID
    agency_code: str
    agency_name: str
    country: str
    records: int = Field(
        description="How many of its records hold it: reports for a selector, hashes for a bank."
    )


class OccurrenceOut(BaseModel):
    """A visible occurrence of a selector."""

    report_id: uuid.UUID
    report_title: str
    agency_code: str
    original: str
    origin: str
    observed_at: datetime | None
    marking: str


class SelectorOut(BaseModel):
    """What the caller may learn about a selector value."""

    type: str
    value: str
    total_visible: int = Field(description="Visible occurrences (counted up to 1,001).")
    visible_reports: int = Field(description="Visible reports that hold the value.")
    occurrences: list[OccurrenceOut]
    hits: list[HitOut]
    warning: str | None
    over_common: bool


class SelectorLinkOut(BaseModel):
    """One selector of a report and where else it appears."""

    type: str
    value: str
    original: str
    other_reports: int
    other_agencies: int
    hits: list[HitOut]
    warning: str | None
    over_common: bool


class RecognisedOut(BaseModel):
    """A reading of the query as a selector: 40 hex digits are a PGP fingerprint and a SHA-1."""

    type: str
    value: str
    reports: int = Field(description="Visible reports that hold it (counted up to 1,001).")
    lookup: str = Field(description="Its look-up: who else holds it, hit/no-hit.")


class SearchOut(Listing):
    """Ranked visible reports for a query: those holding the selector it is, then by words."""

    items: list[ReportOut]
    selector: dict[str, str] | None = Field(description="The first of `selectors`, if any.")
    selectors: list[RecognisedOut]
