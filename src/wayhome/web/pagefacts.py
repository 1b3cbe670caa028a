"""The paging facts of every list answer (`Listing`) and the largest offset, without FastAPI:
the domain schemas import this, and the CLI imports those schemas without serving anything
(FastAPI's models cost about half a second of start-up)."""

from __future__ import annotations

from pydantic import BaseModel


class Listing(BaseModel):
    """Paging facts shared by every list answer."""

    total: int
    limit: int
    offset: int


# Far past any listing, and below the 64-bit integers both databases take in OFFSET.
MAX_OFFSET = 1_000_000_000
