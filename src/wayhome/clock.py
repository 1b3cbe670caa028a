"""A controllable clock: services ask `now()`, tests set the time with `frozen`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

_fixed: datetime | None = None


def now() -> datetime:
    """The current time, timezone-aware in UTC (the frozen time while one is set)."""
    return _fixed if _fixed is not None else datetime.now(UTC)


def set_now(moment: datetime | None) -> None:
    """Freeze the clock at `moment` (timezone-aware), or let it run again with None."""
    global _fixed
    if moment is not None and moment.tzinfo is None:
        raise ValueError("the clock takes timezone-aware times only")
    _fixed = moment


def advance(delta: timedelta) -> datetime:
    """Move a frozen clock forward by `delta` and return the new time."""
    if _fixed is None:
        raise RuntimeError("the clock is not frozen")
    set_now(_fixed + delta)
    return now()


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    """Run a block with the clock frozen at `moment`, restoring it afterwards."""
    previous = _fixed
    set_now(moment)
    try:
        yield
    finally:
        set_now(previous)
