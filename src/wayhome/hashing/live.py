"""The server's in-memory PDQ index over every bank, kept in step with the database.

It is filled from `bank_hashes` on first use, then topped up before each match with the rows
added since (by any process: they have higher ids), and services add what they store at
once, so a new hash is matchable by the next request. Rows written by transactions that
committed out of id order are picked up by a full reload every `reload_seconds`. The index
holds PDQs only (exact hashes are looked up in the database) and may hold ids whose rows were
rolled back: callers re-check every hit against the stored row.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from wayhome.hashing.matching import HashBank, HashHit, MatchSettings
from wayhome.hashing.models import BankHash
from wayhome.hashing.records import HashRecord

LOAD_CHUNK = 50_000


class LivePdqIndex:
    """A thread-safe `HashBank` of PDQs keyed by `bank_hashes.id`."""

    def __init__(self, reload_seconds: float = 300.0) -> None:
        self._bank = HashBank()
        self._lock = threading.Lock()
        self._high_water: int | None = None
        self._loaded_at = 0.0
        self._reload_seconds = reload_seconds

    def __len__(self) -> int:
        return len(self._bank)

    def refresh(self, session: Session) -> None:
        """Load the rows added since the last call (everything on first use or when stale)."""
        with self._lock:
            stale = time.monotonic() - self._loaded_at > self._reload_seconds
            if self._high_water is None or stale:
                self._bank = HashBank()
                self._high_water = 0
                self._loaded_at = time.monotonic()
            while True:
                rows = session.execute(
                    select(BankHash.id, BankHash.pdq, BankHash.pdq_quality)
                    .where(BankHash.id > self._high_water, BankHash.pdq.is_not(None))
                    .order_by(BankHash.id)
                    .limit(LOAD_CHUNK)
                ).all()
                if not rows:
                    break
                self._add_rows([(row[0], row[1], row[2]) for row in rows])
                self._high_water = int(rows[-1][0])

    def add(self, rows: Iterable[tuple[int, str | None, int | None]]) -> None:
        """Make stored rows (id, pdq, quality) matchable now; rows without a PDQ are skipped."""
        with self._lock:
            self._add_rows(rows)

    def _add_rows(self, rows: Iterable[tuple[int, str | None, int | None]]) -> None:
        ids: list[int] = []
        records: list[HashRecord] = []
        for bank_hash_id, pdq, quality in rows:
            if pdq is None:
                continue
            ids.append(int(bank_hash_id))
            records.append(HashRecord(pdq=pdq, pdq_quality=quality))
        if ids:
            self._bank.add(ids, records)

    def match(self, queries: Sequence[HashRecord], settings: MatchSettings) -> list[HashHit]:
        """PDQ hits of the queries (their exact hashes are ignored here)."""
        pdq_only = [
            HashRecord(pdq=q.pdq, pdq_quality=q.pdq_quality, pdq_dihedral=q.pdq_dihedral)
            for q in queries
        ]
        with self._lock:
            return self._bank.match(pdq_only, settings)
