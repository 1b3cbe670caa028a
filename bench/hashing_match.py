"""Benchmark: PdqIndex against FAISS binary indexes on synthetic PDQ banks.

Bank: families of near-duplicate hashes (a root and members 1..40 bits away) mixed with
uniformly random hashes. Queries: half near-duplicates of bank roots (0..40 bits away),
half random. Checks recall against a brute-force scan (on a sample of queries), then times
batch matching, single-query latency and memory, and the same for FAISS
IndexBinaryMultiHash (16 sub-hashes of 16 bits, nflip 1) and IndexBinaryFlat.

    PYTHONPATH=src .venv/bin/python bench/hashing_match.py --size 1000000
    PYTHONPATH=src .venv/bin/python bench/hashing_match.py --size 10000000 --faiss-queries 200
"""

from __future__ import annotations

import argparse
import gc
import resource
import time

import numpy as np
from numpy.typing import NDArray

from wayhome.hashing.index import MatchArrays, PdqIndex, brute_force_match

Words = NDArray[np.uint64]
MAX_DISTANCE = 31


def random_words(rng: np.random.Generator, count: int) -> Words:
    """Uniformly random packed 256-bit hashes."""
    return rng.integers(0, 2**64 - 1, size=(count, 4), dtype=np.uint64, endpoint=True)


def flip_random_bits(rng: np.random.Generator, words: Words, max_flips: int) -> Words:
    """A copy with 0..max_flips random bits flipped per row (positions may repeat)."""
    out = words.copy()
    counts = rng.integers(0, max_flips + 1, size=words.shape[0])
    rows = np.arange(words.shape[0])
    for step in range(max_flips):
        chosen = rows[counts > step]
        positions = rng.integers(0, 256, size=chosen.size)
        out[chosen, positions // 64] ^= np.left_shift(
            np.uint64(1), (positions % 64).astype(np.uint64)
        )
    return out


def make_bank(rng: np.random.Generator, size: int, family_share: float, family_size: int) -> Words:
    """Families of near duplicates (members 1..40 bits from their root) plus random hashes."""
    family_rows = int(size * family_share)
    roots = random_words(rng, family_rows // family_size)
    members = flip_random_bits(rng, np.repeat(roots, family_size - 1, axis=0), 40)
    noise = random_words(rng, size - roots.shape[0] - members.shape[0])
    bank = np.concatenate([roots, members, noise])
    return bank[rng.permutation(bank.shape[0])]


def make_queries(rng: np.random.Generator, bank: Words, count: int) -> Words:
    """Half near duplicates of bank hashes (0..40 bits away), half random hashes."""
    near = flip_random_bits(rng, bank[rng.integers(0, bank.shape[0], count // 2)], 40)
    return np.concatenate([near, random_words(rng, count - count // 2)])


def as_set(found: MatchArrays) -> set[tuple[int, int, int]]:
    """Hits as a set of (query, id, distance)."""
    return set(
        zip(found.query_index.tolist(), found.ids.tolist(), found.distance.tolist(), strict=True)
    )


def faiss_hits(
    lims: NDArray[np.int64], distances: NDArray[np.int32], labels: NDArray[np.int64]
) -> set[tuple[int, int, int]]:
    """FAISS range-search output as a set of (query, id, distance)."""
    found: set[tuple[int, int, int]] = set()
    for query in range(lims.size - 1):
        for k in range(int(lims[query]), int(lims[query + 1])):
            found.add((query, int(labels[k]), int(distances[k])))
    return found


def faiss_worst_case_found() -> bool:
    """Whether FAISS multi-hash (16 x 16 bits, nflip 1) finds a hash 31 bits away whose
    differences are spread so that no 16-bit sub-hash matches exactly (2 bits in 15 of them,
    1 in the last): the pigeonhole case that decides whether that configuration is exact."""
    import faiss

    root = np.random.default_rng(1).integers(0, 256, size=32, dtype=np.uint8)
    spread = root.copy()
    for sub_hash in range(16):
        spread[2 * sub_hash] ^= 0b11 if sub_hash < 15 else 0b1
    index = faiss.IndexBinaryMultiHash(256, 16, 16)
    index.nflip = 1
    index.add(spread[None, :])
    _, distances, labels = index.range_search(root[None, :], MAX_DISTANCE + 1)
    return bool(labels.tolist() == [0] and distances.tolist() == [31])


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--singles", type=int, default=500)
    parser.add_argument("--brute-queries", type=int, default=100)
    parser.add_argument("--faiss-queries", type=int, default=500)
    parser.add_argument("--no-faiss", action="store_true")
    parser.add_argument("--seed", type=int, default=20261129)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    started = time.perf_counter()
    bank = make_bank(rng, args.size, family_share=0.2, family_size=10)
    queries = make_queries(rng, bank, args.queries)
    ids = np.arange(bank.shape[0], dtype=np.int64)
    print(
        f"bank {bank.shape[0]:,} hashes, {queries.shape[0]:,} queries, "
        f"generated in {time.perf_counter() - started:.1f} s"
    )

    before = rss_mb()
    started = time.perf_counter()
    index = PdqIndex()
    index.add(ids, bank)
    build = time.perf_counter() - started
    print(
        f"PdqIndex build {build:.1f} s, memory_bytes {index.memory_bytes() / 1e6:.0f} MB "
        f"({index.memory_bytes() / 2**30:.3f} GiB), peak RSS growth {rss_mb() - before:.0f} MB"
    )

    index.match_arrays(make_queries(rng, bank, 200), MAX_DISTANCE)  # warm the caches
    started = time.perf_counter()
    found = index.match_arrays(queries, MAX_DISTANCE)
    batch = time.perf_counter() - started
    print(
        f"PdqIndex batch: {batch:.2f} s for {queries.shape[0]} queries = "
        f"{batch / queries.shape[0] * 1e3:.3f} ms/query (1 thread), {len(found)} hits"
    )

    latencies = []
    for row in range(args.singles):
        one = queries[row % queries.shape[0]][None, :]
        tick = time.perf_counter()
        index.match_arrays(one, MAX_DISTANCE)
        latencies.append(time.perf_counter() - tick)
    lat = np.asarray(latencies) * 1e3
    print(
        f"PdqIndex single query: p50 {np.percentile(lat, 50):.2f} ms, "
        f"p99 {np.percentile(lat, 99):.2f} ms, max {lat.max():.2f} ms"
    )

    sample = np.concatenate(
        [
            np.arange(args.brute_queries // 2),
            queries.shape[0] // 2 + np.arange(args.brute_queries - args.brute_queries // 2),
        ]
    )
    started = time.perf_counter()
    expected = brute_force_match(ids, bank, queries[sample], MAX_DISTANCE)
    brute = time.perf_counter() - started
    ours_on_sample = index.match_arrays(queries[sample], MAX_DISTANCE)
    exact = as_set(ours_on_sample) == as_set(expected)
    print(
        f"brute force on {sample.size} queries: {brute / sample.size * 1e3:.1f} ms/query, "
        f"{len(expected)} hits; PdqIndex identical: {exact}"
    )

    index_ms = batch / queries.shape[0] * 1e3

    fresh = random_words(rng, 20_001)
    fresh_ids = np.arange(args.size, args.size + fresh.shape[0], dtype=np.int64)
    tick = time.perf_counter()
    index.add(fresh_ids[:1], fresh[:1])
    add_one = time.perf_counter() - tick
    found_fresh = index.match_arrays(fresh[:1], MAX_DISTANCE).ids.tolist() == [args.size]
    tick = time.perf_counter()
    index.add(fresh_ids[1:], fresh[1:])
    add_many = time.perf_counter() - tick
    tick = time.perf_counter()
    removed = index.remove(fresh_ids)
    remove_s = time.perf_counter() - tick
    gone = len(index.match_arrays(fresh[:1], MAX_DISTANCE)) == 0
    print(
        f"PdqIndex incremental: add 1 hash {add_one * 1e3:.1f} ms (then matchable: {found_fresh}), "
        f"add 20,000 more {add_many:.2f} s, remove {removed} {remove_s:.2f} s (gone: {gone})"
    )
    subset = queries[: args.faiss_queries // 2]
    subset = np.concatenate([subset, queries[-(args.faiss_queries - subset.shape[0]) :]])
    ours_subset = as_set(index.match_arrays(subset, MAX_DISTANCE))
    del index
    gc.collect()
    if args.no_faiss:
        return
    import faiss

    threads = faiss.omp_get_max_threads()
    print(
        f"FAISS IndexBinaryMultiHash finds the worst-case 31-bit spread: {faiss_worst_case_found()}"
    )
    xb = bank.view(np.uint8).reshape(-1, 32)
    xq = np.ascontiguousarray(subset.view(np.uint8).reshape(-1, 32))

    flat = faiss.IndexBinaryFlat(256)
    flat.add(xb)
    started = time.perf_counter()
    # FAISS binary range search keeps distances strictly below the radius.
    lims, dist, labels = flat.range_search(xq, MAX_DISTANCE + 1)
    flat_ms = (time.perf_counter() - started) / xq.shape[0] * 1e3
    flat_same = faiss_hits(lims, dist, labels) == ours_subset
    print(
        f"FAISS IndexBinaryFlat ({threads} threads): {flat_ms:.3f} ms/query, "
        f"same hits as PdqIndex: {flat_same}; PdqIndex is {flat_ms / index_ms:.1f}x faster"
    )
    del flat
    gc.collect()

    before = rss_mb()
    started = time.perf_counter()
    multi = faiss.IndexBinaryMultiHash(256, 16, 16)
    multi.nflip = 1
    multi.add(xb)
    multi_build = time.perf_counter() - started
    started = time.perf_counter()
    lims, dist, labels = multi.range_search(xq, MAX_DISTANCE + 1)
    multi_ms = (time.perf_counter() - started) / xq.shape[0] * 1e3
    multi_hits = faiss_hits(lims, dist, labels)
    recall = len(multi_hits & ours_subset) / max(1, len(ours_subset))
    print(
        f"FAISS IndexBinaryMultiHash(16 x 16 bits, nflip 1) ({threads} threads): build "
        f"{multi_build:.1f} s, peak RSS growth {rss_mb() - before:.0f} MB, "
        f"{multi_ms:.3f} ms/query, "
        f"recall vs exact {recall:.4f} ({len(multi_hits)}/{len(ours_subset)}); "
        f"PdqIndex is {multi_ms / index_ms:.1f}x faster"
    )


if __name__ == "__main__":
    main()
