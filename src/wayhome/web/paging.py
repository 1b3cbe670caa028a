"""Query parameters for paging, with the configured maximum, and the paging facts of every
list answer (`Listing`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from pydantic import BaseModel

from wayhome.errors import InvalidInput
from wayhome.web.deps import SettingsDep


class Listing(BaseModel):
    """Paging facts shared by every list answer."""

    total: int
    limit: int
    offset: int


class Paging:
    """A validated limit and offset."""

    def __init__(self, limit: int, offset: int) -> None:
        self.limit = limit
        self.offset = offset


# Far past any listing, and below the 64-bit integers both databases take in OFFSET.
MAX_OFFSET = 1_000_000_000


async def paging(
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Paging:
    """Limit and offset, refusing pages over the configured maximum."""
    if limit > settings.page_size_max:
        raise InvalidInput(f"at most {settings.page_size_max}", location="query.limit")
    return Paging(limit, offset)


PagingDep = Annotated[Paging, Depends(paging)]
