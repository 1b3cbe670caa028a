"""An in-memory PDQ index with exact range search by multi-index hashing, in numpy.

The 256 bits are cut into 8 blocks of 32 bits, each made of two 16-bit chunks. If two hashes
differ in at most d bits, by the pigeonhole principle some block differs in at most
t = d // 8 bits, and within it some chunk in at most t // 2 = d // 16 bits. So probing every
chunk table with the query chunk and its variants within d // 16 bits finds every hash within
d (recall equals a brute-force scan). Each table entry also carries 8 bits of the other chunk
of the block (the partner), so a candidate whose chunk plus partner distance exceeds t is
dropped before its full hash is read; survivors are verified with a popcount over four words.

A table entry is one uint32: the partner byte above a 24-bit row number, so a segment holds at
most 2**24 rows; tables are counting sorts by chunk value (65,537 offsets) built with a stable
radix argsort. New hashes are matchable as soon as `add` returns: the newest few thousand are
scanned linearly, then indexed as delta segments, which are merged like a binary counter and
folded into the main segments when they reach a quarter of them. Removal marks rows dead;
dead rows are dropped when segments are rebuilt.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from wayhome.hashing.bits import WORDS_PER_HASH, Words, hex_to_words

CHUNKS = 16
CHUNK_BITS = 16
CHUNK_VALUES = 1 << CHUNK_BITS
# Above this probe radius (distances of 48 bits and more) a linear scan is cheaper.
MAX_PROBE_RADIUS = 2
DEFAULT_MAX_DISTANCE = 31
# The newest rows, up to this many, are scanned rather than given their own tables.
TAIL_ROWS = 4096
# Query-row pairs compared at once by a linear scan.
SCAN_PAIRS = 1 << 18
ROW_BITS = 24
SEGMENT_ROWS = 1 << ROW_BITS
ROW_MASK = SEGMENT_ROWS - 1
PARTNER_MASK = 0xFF
BLOCKS = CHUNKS // 2
# The other chunk of the same 32-bit block.
_PARTNER_OF = np.arange(CHUNKS) ^ 1
# Small batches keep the temporary arrays (about 30 bytes per candidate) in cache.
CANDIDATES_PER_BATCH = 65_536
MAX_QUERY_BATCH = 4096

IntArray = NDArray[np.int64]
_Item = TypeVar("_Item", bound=np.generic)


@dataclass(frozen=True, slots=True)
class PdqMatch:
    """One hit: which query, which indexed id, and how many bits apart."""

    query_index: int
    id: int
    distance: int


@dataclass(frozen=True, slots=True)
class MatchArrays:
    """Hits as parallel arrays, sorted by query then distance then id."""

    query_index: IntArray
    ids: IntArray
    distance: IntArray

    def __len__(self) -> int:
        return int(self.query_index.size)


def as_words(hashes: Words | Sequence[str]) -> Words:
    """Packed (N, 4) uint64 words from hex strings or an existing packed array."""
    if isinstance(hashes, np.ndarray):
        if hashes.ndim != 2 or hashes.shape[1] != WORDS_PER_HASH:
            raise ValueError("packed PDQ hashes must be an (N, 4) array")
        packed: Words = np.ascontiguousarray(hashes, dtype=np.uint64)
        return packed
    return hex_to_words(list(hashes))


def probe_masks(radius: int) -> NDArray[np.uint16]:
    """Every 16-bit XOR mask with at most `radius` bits set, the empty mask first."""
    return np.concatenate([masks_of_weight(flips) for flips in range(radius + 1)])


def masks_of_weight(flips: int) -> NDArray[np.uint16]:
    """Every 16-bit XOR mask with exactly `flips` bits set."""
    masks = [
        sum(1 << bit for bit in bits) for bits in itertools.combinations(range(CHUNK_BITS), flips)
    ]
    return np.asarray(masks, dtype=np.uint16)


def _chunks(words: Words) -> NDArray[np.uint16]:
    """The 16 chunks of 16 bits of each packed hash, as an (N, 16) view."""
    chunked: NDArray[np.uint16] = words.view(np.uint16).reshape(-1, CHUNKS)
    return chunked


def _expand_ranges(starts: IntArray, lengths: IntArray) -> IntArray:
    """Concatenate arange(start, start + length) for every pair, vectorised."""
    total = int(lengths.sum())
    ends = np.cumsum(lengths)
    shift = np.repeat(starts - (ends - lengths), lengths)
    expanded: IntArray = np.arange(total, dtype=np.int64) + shift
    return expanded


class _Segment:
    """Chunk tables over a contiguous block of at most 2**24 rows (immutable once built)."""

    def __init__(self, words: Words, first_row: int) -> None:
        if words.shape[0] > SEGMENT_ROWS:
            raise ValueError("a segment holds at most 2**24 rows")
        self.first_row = first_row
        self.size = int(words.shape[0])
        chunks = _chunks(words)
        local_rows = np.arange(self.size, dtype=np.uint32)
        self.entries = np.empty((CHUNKS, self.size), dtype=np.uint32)
        self.offsets = np.empty((CHUNKS, CHUNK_VALUES + 1), dtype=np.uint32)
        for chunk in range(CHUNKS):
            keys = chunks[:, chunk]
            order = np.argsort(keys, kind="stable")
            partner = (chunks[order, chunk ^ 1] & PARTNER_MASK).astype(np.uint32)
            self.entries[chunk] = (partner << ROW_BITS) | local_rows[order]
            self.offsets[chunk, 0] = 0
            np.cumsum(np.bincount(keys, minlength=CHUNK_VALUES), out=self.offsets[chunk, 1:])

    @property
    def nbytes(self) -> int:
        return int(self.entries.nbytes + self.offsets.nbytes)

    def candidates(
        self, query_chunks: NDArray[np.uint16], masks: NDArray[np.uint16], allowed: int
    ) -> tuple[IntArray, IntArray]:
        """(query, row) of entries whose chunk is within the masks and whose partner byte is
        within `allowed` bits of the query's, over every table."""
        chunk_base = (np.arange(CHUNKS, dtype=np.intp) * (CHUNK_VALUES + 1))[None, :, None]
        keys = (query_chunks[:, :, None] ^ masks[None, None, :]).astype(np.intp) + chunk_base
        offsets = self.offsets.reshape(-1)
        low = offsets[keys].astype(np.int64)
        lengths = offsets[keys + 1].astype(np.int64).reshape(-1) - low.reshape(-1)
        # Positions in the flattened (CHUNKS, size) entry array.
        table_base = (np.arange(CHUNKS, dtype=np.int64) * self.size)[None, :, None]
        positions = _expand_ranges((low + table_base).reshape(-1), lengths)
        entries = self.entries.reshape(-1)[positions]
        partners = (query_chunks[:, _PARTNER_OF] & PARTNER_MASK).astype(np.uint8)
        expected = np.repeat(np.repeat(partners.reshape(-1), masks.size), lengths)
        differing = np.bitwise_count((entries >> ROW_BITS).astype(np.uint8) ^ expected)
        kept = np.flatnonzero(differing <= allowed)
        per_query = lengths.reshape(keys.shape[0], -1).sum(axis=1)
        queries = np.searchsorted(np.cumsum(per_query), kept, side="right").astype(np.int64)
        rows = (entries[kept] & ROW_MASK).astype(np.int64) + self.first_row
        return queries, rows

    def expected_candidates(self, probes: int) -> float:
        """Average number of candidates one query draws from this segment."""
        return self.size * CHUNKS * probes / CHUNK_VALUES


def _segments(words: Words, first_row: int) -> list[_Segment]:
    """Segments of at most 2**24 rows covering the given rows."""
    return [
        _Segment(words[start : start + SEGMENT_ROWS], first_row + start)
        for start in range(0, words.shape[0], SEGMENT_ROWS)
    ]


class PdqIndex:
    """Exact Hamming range search over PDQ hashes, with incremental add and remove."""

    def __init__(self, *, delta_limit: int = 262_144) -> None:
        self._words: Words = np.empty((0, WORDS_PER_HASH), dtype=np.uint64)
        self._ids: IntArray = np.empty(0, dtype=np.int64)
        self._alive: NDArray[np.bool_] = np.empty(0, dtype=bool)
        self._words_buffer, self._ids_buffer, self._alive_buffer = (
            self._words,
            self._ids,
            self._alive,
        )
        self._capacity = 0
        self._main: list[_Segment] = []
        self._delta: list[_Segment] = []
        self._main_rows = 0
        # Rows from here on are in no segment yet: matched by a linear scan.
        self._tail_start = 0
        self._dead = 0
        self._delta_limit = delta_limit

    def __len__(self) -> int:
        return int(self._ids.size) - self._dead

    def memory_bytes(self) -> int:
        """Bytes held by the index's arrays (hashes, ids, liveness and chunk tables)."""
        total = self._words_buffer.nbytes + self._ids_buffer.nbytes + self._alive_buffer.nbytes
        for segment in self._main + self._delta:
            total += segment.nbytes
        return int(total)

    def add(self, ids: Sequence[int] | IntArray, hashes: Words | Sequence[str]) -> None:
        """Index hashes under the given integer ids; they are matchable when this returns."""
        words = as_words(hashes)
        new_ids = np.asarray(ids, dtype=np.int64).reshape(-1)
        if new_ids.size != words.shape[0]:
            raise ValueError("ids and hashes differ in length")
        if new_ids.size == 0:
            return
        self._append(words, new_ids)
        delta_rows = self._ids.size - self._main_rows
        if delta_rows > max(self._delta_limit, self._main_rows // 4):
            self._rebuild()
        elif self._ids.size - self._tail_start >= TAIL_ROWS:
            self._add_delta(self._tail_start)
            self._tail_start = int(self._ids.size)

    def _add_delta(self, first_row: int) -> None:
        """Index the rows from first_row on as a new delta segment, merging like a binary counter.

        Merging the last two segments while the newer is at least half the older keeps
        O(log n) delta segments and O(log n) amortised rebuild work per added hash.
        """
        self._delta.extend(_segments(self._words[first_row:], first_row))
        while len(self._delta) >= 2:
            older, newer = self._delta[-2], self._delta[-1]
            if newer.size * 2 < older.size or older.size + newer.size > SEGMENT_ROWS:
                break
            self._delta[-2:] = _segments(self._words[older.first_row :], older.first_row)

    def _append(self, words: Words, ids: IntArray) -> None:
        """Append rows, growing the buffers by a quarter at a time to keep `add` cheap."""
        size = self._ids.size
        needed = size + ids.size
        if needed > self._capacity:
            capacity = max(needed, self._capacity + self._capacity // 4)
            self._words_buffer = _grow(self._words_buffer, capacity)
            self._ids_buffer = _grow(self._ids_buffer, capacity)
            self._alive_buffer = _grow(self._alive_buffer, capacity)
            self._capacity = capacity
        self._words_buffer[size:needed] = words
        self._ids_buffer[size:needed] = ids
        self._alive_buffer[size:needed] = True
        self._words = self._words_buffer[:needed]
        self._ids = self._ids_buffer[:needed]
        self._alive = self._alive_buffer[:needed]

    def remove(self, ids: Sequence[int] | IntArray) -> int:
        """Stop matching the given ids; returns how many indexed hashes were removed."""
        doomed = np.isin(self._ids, np.asarray(ids, dtype=np.int64)) & self._alive
        count = int(doomed.sum())
        if count:
            self._alive[doomed] = False
            self._dead += count
            if self._dead > max(self._delta_limit, self._ids.size // 4):
                self._rebuild()
        return count

    def _rebuild(self) -> None:
        """Drop dead rows and rebuild everything as one main segment."""
        if self._dead or self._capacity > self._ids.size:
            keep = self._alive
            self._words = self._words_buffer = np.ascontiguousarray(self._words[keep])
            self._ids = self._ids_buffer = self._ids[keep]
            self._alive = self._alive_buffer = np.ones(self._ids.size, dtype=bool)
            self._capacity = int(self._ids.size)
            self._dead = 0
        self._main_rows = int(self._ids.size)
        self._tail_start = self._main_rows
        self._main = _segments(self._words, 0)
        self._delta = []

    def match(
        self, queries: Words | Sequence[str], max_distance: int = DEFAULT_MAX_DISTANCE
    ) -> list[PdqMatch]:
        """Every (query index, id, distance) with distance <= max_distance."""
        found = self.match_arrays(queries, max_distance)
        return [
            PdqMatch(query_index=int(q), id=int(i), distance=int(d))
            for q, i, d in zip(
                found.query_index.tolist(),
                found.ids.tolist(),
                found.distance.tolist(),
                strict=True,
            )
        ]

    def match_arrays(
        self, queries: Words | Sequence[str], max_distance: int = DEFAULT_MAX_DISTANCE
    ) -> MatchArrays:
        """Like `match`, as numpy arrays (what bulk callers and benchmarks use)."""
        if not 0 <= max_distance <= 256:
            raise ValueError("max_distance must be within 0..256")
        query_words = as_words(queries)
        parts: list[tuple[IntArray, IntArray, IntArray]] = []
        step = self._batch_size(max_distance)
        for start in range(0, query_words.shape[0], step):
            batch = query_words[start : start + step]
            q, rows, dist = self._match_batch(batch, max_distance)
            parts.append((q + start, rows, dist))
        if not parts:
            empty = np.empty(0, dtype=np.int64)
            return MatchArrays(empty, empty, empty)
        q_all = np.concatenate([p[0] for p in parts])
        rows_all = np.concatenate([p[1] for p in parts])
        dist_all = np.concatenate([p[2] for p in parts])
        ids = self._ids[rows_all]
        order = np.lexsort((ids, dist_all, q_all))
        return MatchArrays(q_all[order], ids[order], dist_all[order])

    def _batch_size(self, max_distance: int) -> int:
        """Queries per batch, so that one batch draws about CANDIDATES_PER_BATCH candidates."""
        probes = len(probe_masks(min(max_distance // CHUNKS, MAX_PROBE_RADIUS)))
        expected = sum(segment.expected_candidates(probes) for segment in self._main + self._delta)
        return int(min(MAX_QUERY_BATCH, max(1, CANDIDATES_PER_BATCH // max(expected, 1.0))))

    def _match_batch(
        self, queries: Words, max_distance: int
    ) -> tuple[IntArray, IntArray, IntArray]:
        """Unique (query, row, distance) of live rows within max_distance, for one batch."""
        radius = max_distance // CHUNKS
        if radius > MAX_PROBE_RADIUS:
            return _scan(queries, self._words, self._alive, max_distance)
        block_limit = max_distance // BLOCKS
        query_chunks = _chunks(queries)
        found_q: list[IntArray] = []
        found_rows: list[IntArray] = []
        found_dist: list[IntArray] = []
        for segment in self._main + self._delta:
            for flips in range(radius + 1):
                q, rows = segment.candidates(
                    query_chunks, masks_of_weight(flips), block_limit - flips
                )
                if rows.size == 0:
                    continue
                distance = _distances(self._words, rows, queries, q)
                keep = distance <= max_distance
                found_q.append(q[keep])
                found_rows.append(rows[keep])
                found_dist.append(distance[keep])
        if self._tail_start < self._ids.size:
            tail = self._words[self._tail_start :]
            q, rows, distance = _scan(queries, tail, self._alive[self._tail_start :], max_distance)
            found_q.append(q)
            found_rows.append(rows + self._tail_start)
            found_dist.append(distance)
        if not found_q:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, empty
        q_all = np.concatenate(found_q)
        rows_all = np.concatenate(found_rows)
        dist_all = np.concatenate(found_dist)
        # A pair close enough is usually found through several chunks: keep it once.
        pair = q_all * np.int64(self._ids.size + 1) + rows_all
        _, first = np.unique(pair, return_index=True)
        live = first[self._alive[rows_all[first]]]
        return q_all[live], rows_all[live], dist_all[live]


def _grow(array: NDArray[_Item], capacity: int) -> NDArray[_Item]:
    """A copy of the array with room for `capacity` rows."""
    grown = np.empty((capacity, *array.shape[1:]), dtype=array.dtype)
    grown[: array.shape[0]] = array
    return grown


def _word_sums(counts: NDArray[np.uint8]) -> NDArray[np.uint32]:
    """Sum the last axis (four per-word popcounts, each <= 64) of a contiguous uint8 array."""
    packed = np.ascontiguousarray(counts).view(np.uint32)[..., 0]
    pairs = (packed & 0x00FF00FF) + ((packed >> 8) & 0x00FF00FF)
    total: NDArray[np.uint32] = (pairs & 0xFFFF) + (pairs >> 16)
    return total


def _distances(words: Words, rows: IntArray, queries: Words, query_index: IntArray) -> IntArray:
    """Hamming distance between each candidate row and its query."""
    # np.take is several times faster than fancy indexing for whole rows.
    differing = np.take(words, rows, axis=0)
    differing ^= np.take(queries, query_index, axis=0)
    distance: IntArray = _word_sums(np.bitwise_count(differing)).astype(np.int64)
    return distance


def _scan(
    queries: Words, words: Words, alive: NDArray[np.bool_], max_distance: int
) -> tuple[IntArray, IntArray, IntArray]:
    """Linear scan: (query, row, distance) of live rows within max_distance."""
    block = max(1, SCAN_PAIRS // max(1, words.shape[0]))
    found_q: list[IntArray] = []
    found_rows: list[IntArray] = []
    found_dist: list[IntArray] = []
    for start in range(0, queries.shape[0], block):
        differing = words[None, :, :] ^ queries[start : start + block, None, :]
        distance = _word_sums(np.bitwise_count(differing))
        hit_q, hit_rows = np.nonzero((distance <= max_distance) & alive[None, :])
        found_q.append(hit_q.astype(np.int64) + start)
        found_rows.append(hit_rows.astype(np.int64))
        found_dist.append(distance[hit_q, hit_rows].astype(np.int64))
    if not found_q:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(found_q), np.concatenate(found_rows), np.concatenate(found_dist)


def brute_force_match(
    bank_ids: IntArray, bank: Words, queries: Words, max_distance: int
) -> MatchArrays:
    """Reference answer by scanning every bank hash for every query (for tests and benchmarks)."""
    alive = np.ones(bank.shape[0], dtype=bool)
    q, rows, dist = _scan(queries, bank, alive, max_distance)
    ids = bank_ids[rows]
    order = np.lexsort((ids, dist, q))
    return MatchArrays(q[order], ids[order], dist[order])
