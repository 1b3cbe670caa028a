"""The in-process index of watched subjects: one set look-up per signal at intake speed.

On PostgreSQL every process hears of the watches added and removed in the others at their
commit (`broker.WATCHES`, LISTEN/NOTIFY): an added watch's subject joins its index at once,
a removal makes it reload on next use. The periodic top-up stays as the fallback (SQLite, or
while the listener reconnects)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, event, func, select
from sqlalchemy.orm import Session

from wayhome.signals import Subject, SubjectKind
from wayhome.watches.broker import LISTENER, LISTENING_TOP_UP_SECONDS, WATCHES, announce
from wayhome.watches.models import Watch

TOP_UP_SECONDS = 5.0  # while the listener hears the others: broker.LISTENING_TOP_UP_SECONDS
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
        period = max(self.top_up_seconds, LISTENING_TOP_UP_SECONDS if LISTENER.healthy else 0)
        if checked is not None and time.monotonic() - checked < period:
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


def _heard(items: list[dict[str, Any]]) -> None:
    """Watches another process added (into the index at once) or removed (reload)."""
    for item in items:
        try:
            subject = Subject(SubjectKind(item["kind"]), str(item["key"]))
        except (KeyError, ValueError):
            continue
        if item.get("op") == "add":
            INDEX.add(subject)
        else:
            INDEX.invalidate()


LISTENER.on(WATCHES, _heard)


def _announce(op: str, connection: Connection, watch: Watch) -> None:
    item = {"op": op, "kind": watch.subject_kind, "key": watch.subject_key}
    announce(connection, WATCHES, [item])


@event.listens_for(Watch, "after_insert")
def _added(_mapper: Any, connection: Connection, watch: Watch) -> None:
    _announce("add", connection, watch)


@event.listens_for(Watch, "after_delete")
def _removed(_mapper: Any, connection: Connection, watch: Watch) -> None:
    _announce("remove", connection, watch)
