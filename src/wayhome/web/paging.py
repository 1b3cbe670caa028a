"""Query parameters for paging, with the configured maximum; the paging facts of every list
answer (`Listing`) live in pagefacts.py, which imports no FastAPI."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from wayhome.errors import InvalidInput
from wayhome.web.deps import SettingsDep
from wayhome.web.pagefacts import MAX_OFFSET as MAX_OFFSET


class Paging:
    """A validated limit and offset."""

    def __init__(self, limit: int, offset: int) -> None:
        self.limit = limit
        self.offset = offset


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
