"""The in-process index of watched subjects: one set look-up per signal at intake speed."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wayhome.signals import Subject, SubjectKind
from wayhome.watches.models import Watch

TOP_UP_SECONDS = 5.0
# A watch is stamped before its transaction commits: each top-up reads back this far before
# the previous check, so a watch committed a little after its stamp is not missed.
OVERLAP = timedelta(seconds=30)


class WatchIndex:
    """Which subjects anyone watches. Loaded whole on first use; then told at once of this
    process's new and removed watches, and topped up every few seconds with watches created
    since (so those of other processes count). A key whose watch another process removed
    stays until restart: it costs one look-up when it matches, and alerts nobody."""

    def __init__(self, top_up_seconds: float = TOP_UP_SECONDS) -> None:
        self.top_up_seconds = top_up_seconds
        self._keys: frozenset[Subject] = frozenset()
        self._strings: frozenset[str] = frozenset()
        self._checked_at: float | None = None
        self._since: datetime | None = None
        self._shape: tuple[object, ...] = ()
        self._lock = threading.Lock()

    def ensure(self, session: Session) -> None:
        """Load when never loaded; top up when the last check is older than the period."""
        checked = self._checked_at
        if checked is not None and time.monotonic() - checked < self.top_up_seconds:
            return
        began = datetime.now(UTC)
        shape = tuple(session.execute(select(func.count(), func.max(Watch.created_at))).one())
        if checked is not None and shape == self._shape:
            self._checked_at = time.monotonic()  # nothing was added or removed anywhere
            return
        stmt = select(Watch.subject_kind, Watch.subject_key)
        if checked is not None and self._since is not None:
            stmt = stmt.where(Watch.created_at >= self._since - OVERLAP)
        found = {Subject(SubjectKind(kind), key) for kind, key in session.execute(stmt)}
        with self._lock:
            self._keys = (self._keys | found) if checked is not None else frozenset(found)
            self._strings = frozenset(s.key for s in self._keys)
            self._since = began
            self._shape = shape
            self._checked_at = time.monotonic()

    def add(self, subject: Subject) -> None:
        """A watch on `subject` was created."""
        with self._lock:
            self._keys = self._keys | {subject}
            self._strings = self._strings | {subject.key}

    def discard(self, subject: Subject) -> None:
        """The last watch on `subject` was removed."""
        with self._lock:
            self._keys = self._keys - {subject}
            self._strings = frozenset(s.key for s in self._keys)

    def matching(self, subjects: tuple[Subject, ...]) -> list[Subject]:
        """The given subjects that someone watches (a string set first: `str` hashes are
        cached, a `Subject`'s hash is a Python call)."""
        strings, keys = self._strings, self._keys
        return [s for s in subjects if s.key in strings and s in keys]

    def invalidate(self) -> None:
        """Forget everything; the next use loads afresh (tests, benchmarks)."""
        with self._lock:
            self._checked_at = None
            self._since = None


INDEX = WatchIndex()
