"""Matching hash records against a bank: exact for MD5, SHA-1, SHA-256 and PhotoDNA; Hamming
distance for PDQ.

A `HashBank` holds lookup tables keyed by the caller's integer ids (database keys), plus a
`PdqIndex`. PDQ hashes of quality 49 or less are flagged unreliable and, by default, matched
neither as query nor as bank entry. Rotated and flipped copies are found optionally, by
querying the eight dihedral variants of each PDQ.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from wayhome.hashing.index import DEFAULT_MAX_DISTANCE, PdqIndex
from wayhome.hashing.pdq import Orientation, dihedral_from_hash
from wayhome.hashing.records import EXACT_KINDS, UNRELIABLE_PDQ_QUALITY, HashKind, HashRecord


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """How close a PDQ must be, whether weak PDQs count, and whether to try rotations/flips."""

    max_distance: int = DEFAULT_MAX_DISTANCE
    include_unreliable: bool = False
    dihedral: bool = False


@dataclass(frozen=True, slots=True)
class HashHit:
    """One query record matching one bank record through one kind of hash."""

    query_index: int
    bank_id: int
    kind: HashKind
    distance: int = 0
    orientation: Orientation | None = None
    unreliable: bool = False


def _is_unreliable(quality: int | None) -> bool:
    """Whether a PDQ quality is at or under the reliability bar (unknown counts as reliable)."""
    return quality is not None and quality <= UNRELIABLE_PDQ_QUALITY


class HashBank:
    """The hashes of a bank (known material), searchable by exact value and by PDQ distance."""

    def __init__(self) -> None:
        self._exact: dict[HashKind, dict[str, set[int]]] = {
            kind: defaultdict(set) for kind in EXACT_KINDS
        }
        self._keys: dict[int, tuple[tuple[HashKind, str], ...]] = {}
        self._pdq = PdqIndex()
        self._unreliable: set[int] = set()

    def __len__(self) -> int:
        return len(self._keys)

    @property
    def pdq_index(self) -> PdqIndex:
        """The PDQ index (for memory reporting)."""
        return self._pdq

    def add(self, ids: Sequence[int], records: Sequence[HashRecord]) -> None:
        """Add records under the caller's ids (an id already present is replaced)."""
        if len(ids) != len(records):
            raise ValueError("ids and records differ in length")
        present = [bank_id for bank_id in ids if bank_id in self._keys]
        if present:
            self.remove(present)
        pdq_ids: list[int] = []
        pdq_hexes: list[str] = []
        for bank_id, record in zip(ids, records, strict=True):
            keys: list[tuple[HashKind, str]] = []
            for kind in EXACT_KINDS:
                value = record.hash_of(kind)
                if value is not None:
                    self._exact[kind][value].add(bank_id)
                    keys.append((kind, value))
            self._keys[bank_id] = tuple(keys)
            if record.pdq is not None:
                pdq_ids.append(bank_id)
                pdq_hexes.append(record.pdq)
                if _is_unreliable(record.pdq_quality):
                    self._unreliable.add(bank_id)
        if pdq_ids:
            self._pdq.add(pdq_ids, pdq_hexes)

    def remove(self, ids: Sequence[int]) -> None:
        """Forget the records with these ids."""
        for bank_id in ids:
            for kind, value in self._keys.pop(bank_id, ()):
                holders = self._exact[kind].get(value)
                if holders is not None:
                    holders.discard(bank_id)
                    if not holders:
                        del self._exact[kind][value]
            self._unreliable.discard(bank_id)
        self._pdq.remove(list(ids))

    def match(
        self, queries: Sequence[HashRecord], settings: MatchSettings = MatchSettings()
    ) -> list[HashHit]:
        """Every hit of the query records in the bank, exact kinds first, then PDQ."""
        hits: list[HashHit] = []
        for position, record in enumerate(queries):
            for kind in EXACT_KINDS:
                value = record.hash_of(kind)
                if value is None:
                    continue
                hits.extend(
                    HashHit(query_index=position, bank_id=bank_id, kind=kind)
                    for bank_id in sorted(self._exact[kind].get(value, ()))
                )
        hits.extend(self._match_pdq(queries, settings))
        return hits

    def _match_pdq(self, queries: Sequence[HashRecord], settings: MatchSettings) -> list[HashHit]:
        """PDQ hits, the closest orientation kept per (query, bank record)."""
        hexes: list[str] = []
        origin: list[tuple[int, Orientation, bool]] = []
        for position, record in enumerate(queries):
            if record.pdq is None:
                continue
            weak = _is_unreliable(record.pdq_quality)
            if weak and not settings.include_unreliable:
                continue
            variants = _variants(record, settings.dihedral)
            for orientation, pdq in variants.items():
                hexes.append(pdq)
                origin.append((position, orientation, weak))
        if not hexes:
            return []
        found = self._pdq.match_arrays(hexes, settings.max_distance)
        best: dict[tuple[int, int], HashHit] = {}
        for row, bank_id, distance in zip(
            found.query_index.tolist(), found.ids.tolist(), found.distance.tolist(), strict=True
        ):
            bank_weak = bank_id in self._unreliable
            if bank_weak and not settings.include_unreliable:
                continue
            position, orientation, weak = origin[row]
            hit = HashHit(
                query_index=position,
                bank_id=bank_id,
                kind=HashKind.PDQ,
                distance=distance,
                orientation=orientation,
                unreliable=weak or bank_weak,
            )
            key = (position, bank_id)
            if key not in best or _rank(hit) < _rank(best[key]):
                best[key] = hit
        return sorted(best.values(), key=lambda hit: (hit.query_index, hit.distance, hit.bank_id))


def _rank(hit: HashHit) -> tuple[int, int]:
    """Closer first; at equal distance the original orientation before the others."""
    return hit.distance, 0 if hit.orientation is Orientation.ORIGINAL else 1


def _variants(record: HashRecord, dihedral: bool) -> dict[Orientation, str]:
    """The PDQs to query for a record: the original, or all eight orientations."""
    assert record.pdq is not None
    if not dihedral:
        return {Orientation.ORIGINAL: record.pdq}
    if len(record.pdq_dihedral) == len(Orientation):
        return dict(zip(Orientation, record.pdq_dihedral, strict=True))
    return dihedral_from_hash(record.pdq)
