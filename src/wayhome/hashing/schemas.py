"""API shapes for hash banks and hash matching: hashes only, never image content."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from wayhome.access.schemas import MarkingIn, MarkingOut, Strict
from wayhome.hashing.index import DEFAULT_MAX_DISTANCE
from wayhome.hashing.models import PHOTODNA_LENGTH
from wayhome.intake.schemas import HitOut
from wayhome.web.pagefacts import Listing

# Above 47 bits the index falls back to a linear scan of every bank; PDQ matches that far
# apart are noise anyway (Meta's recommended threshold is 31).
MAX_PDQ_DISTANCE = 47
MAX_BATCH = 10_000


class BankIn(MarkingIn):
    """A new hash bank."""

    name: str = Field(min_length=1, max_length=120)
    description: str = Field("", max_length=5000)
    silent: bool = Field(
        False, description="Hits on it tell the querier nothing; your agency is told instead."
    )


class BankOut(MarkingOut):
    """A hash bank."""

    id: uuid.UUID
    name: str
    description: str
    silent: bool
    created_at: datetime
    hashes: int = 0


class BankList(Listing):
    """A page of hash banks."""

    items: list[BankOut]


class BankImportOut(BaseModel):
    """What an import did to a bank."""

    bank_id: uuid.UUID
    format: str
    records: int
    created: int
    updated: int
    unchanged: int
    duplicates: int


class HashIn(Strict):
    """One media file's hashes, as computed locally (`wayhome hash`)."""

    md5: str | None = Field(None, max_length=64)
    sha1: str | None = Field(None, max_length=64)
    sha256: str | None = Field(None, max_length=128)
    pdq: str | None = Field(None, max_length=128)
    pdq_quality: int | None = Field(None, description="1..100; 49 or less is unreliable.")
    photodna: str | None = Field(None, max_length=PHOTODNA_LENGTH)


class MatchIn(Strict):
    """A batch of hashes to match against every bank, and how."""

    hashes: list[HashIn] = Field(min_length=1, max_length=MAX_BATCH)
    max_distance: int = Field(DEFAULT_MAX_DISTANCE, ge=0, le=MAX_PDQ_DISTANCE)
    include_unreliable: bool = Field(
        False, description="Also match PDQs of quality 49 or less (flagged unreliable)."
    )
    dihedral: bool = Field(False, description="Also find rotated and flipped copies.")
    report_id: uuid.UUID | None = Field(None, description="The report the hashes come from.")
    case_id: uuid.UUID | None = Field(None, description="The case the hashes come from.")


class BankMatchOut(BaseModel):
    """A bank hash the caller may see that matches."""

    bank_id: uuid.UUID
    bank_name: str
    agency_code: str
    marking: str
    kind: str
    distance: int
    orientation: str | None
    unreliable: bool
    series: str | None
    category: int | None
    victim_identified: bool | None


class HashResultOut(BaseModel):
    """One submitted hash: matches the caller may see, hits for those he may not."""

    index: int
    unreliable: bool
    matches: list[BankMatchOut]
    hits: list[HitOut]


class MatchOut(BaseModel):
    """The answer to a batch."""

    results: list[HashResultOut]
    matched: int = Field(description="Submitted hashes with at least one match or hit.")
    linked: int = Field(description="New links recorded to known series (deconfliction).")
