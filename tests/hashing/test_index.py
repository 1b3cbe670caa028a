"""PdqIndex: exact range search equal to a brute-force scan, incremental add and remove."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from wayhome.hashing import index as index_module
from wayhome.hashing.bits import flip_bits, words_to_hex
from wayhome.hashing.index import (
    MatchArrays,
    PdqIndex,
    brute_force_match,
    probe_masks,
)


def random_words(rng: np.random.Generator, count: int) -> NDArray[np.uint64]:
    """Uniformly random packed hashes."""
    return rng.integers(0, 2**64 - 1, size=(count, 4), dtype=np.uint64, endpoint=True)


def family_bank(
    rng: np.random.Generator, roots: int, per_root: int, noise: int
) -> NDArray[np.uint64]:
    """Families of near duplicates (0..40 flipped bits) mixed with random hashes."""
    base = random_words(rng, roots)
    members = [base]
    for _ in range(per_root):
        for root in range(roots):
            flips = rng.choice(256, size=int(rng.integers(0, 41)), replace=False)
            members.append(flip_bits(base[root], flips.astype(np.int64))[None, :])
    members.append(random_words(rng, noise))
    return np.concatenate(members)


def as_set(found: MatchArrays) -> set[tuple[int, int, int]]:
    return set(
        zip(found.query_index.tolist(), found.ids.tolist(), found.distance.tolist(), strict=True)
    )


@pytest.mark.parametrize("max_distance", [0, 5, 15, 16, 31, 32, 40, 47, 48, 70])
def test_matches_equal_brute_force(max_distance: int) -> None:
    rng = np.random.default_rng(max_distance)
    bank = family_bank(rng, roots=40, per_root=8, noise=3000)
    ids = rng.permutation(bank.shape[0]).astype(np.int64) * 3 + 1
    index = PdqIndex()
    index.add(ids, bank)
    queries = np.concatenate([bank[rng.integers(0, bank.shape[0], 60)], random_words(rng, 20)])
    found = index.match_arrays(queries, max_distance)
    expected = brute_force_match(ids, bank, queries, max_distance)
    assert as_set(found) == as_set(expected)
    assert len(found) >= 60
    # Sorted by query, then distance, then id.
    keys = list(
        zip(found.query_index.tolist(), found.distance.tolist(), found.ids.tolist(), strict=True)
    )
    assert keys == sorted(keys)


def test_worst_case_spread_of_31_bits_is_found() -> None:
    rng = np.random.default_rng(5)
    root = random_words(rng, 1)[0]
    # Two flipped bits in each of 15 chunks and one in the last: no chunk matches exactly.
    positions = [16 * chunk + offset for chunk in range(15) for offset in (3, 11)] + [15 * 16 + 7]
    far = flip_bits(root, np.asarray(positions, dtype=np.int64))
    # Two bits in every chunk: 32 bits apart.
    beyond = flip_bits(root, np.asarray([16 * c + o for c in range(16) for o in (1, 9)]))
    index = PdqIndex()
    index.add([1, 2], np.stack([far, beyond]))
    hits = index.match(root[None, :], 31)
    assert [(hit.id, hit.distance) for hit in hits] == [(1, 31)]
    assert {(hit.id, hit.distance) for hit in index.match(root[None, :], 32)} == {(1, 31), (2, 32)}


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    flips=st.lists(st.integers(0, 64), min_size=1, max_size=12),
    max_distance=st.integers(0, 63),
)
def test_near_duplicates_are_found_exactly_when_within_the_threshold(
    seed: int, flips: list[int], max_distance: int
) -> None:
    rng = np.random.default_rng(seed)
    root = random_words(rng, 1)[0]
    variants = np.stack(
        [flip_bits(root, rng.choice(256, size=k, replace=False).astype(np.int64)) for k in flips]
    )
    index = PdqIndex()
    index.add(np.arange(len(flips)), variants)
    found = {(hit.id, hit.distance) for hit in index.match(root[None, :], max_distance)}
    assert found == {(i, k) for i, k in enumerate(flips) if k <= max_distance}


@pytest.mark.parametrize("tail_rows", [64, 4096])
def test_incremental_add_and_remove_track_brute_force(
    monkeypatch: pytest.MonkeyPatch, tail_rows: int
) -> None:
    monkeypatch.setattr(index_module, "TAIL_ROWS", tail_rows)
    rng = np.random.default_rng(9)
    bank = family_bank(rng, roots=30, per_root=6, noise=1500)
    ids = np.arange(bank.shape[0], dtype=np.int64) + 100
    index = PdqIndex(delta_limit=1000)
    for start in range(0, bank.shape[0], 100):
        index.add(ids[start : start + 100], bank[start : start + 100])
    assert len(index) == bank.shape[0]
    doomed = rng.choice(ids, size=500, replace=False)
    assert index.remove(doomed) == 500
    assert index.remove(doomed[:10]) == 0
    assert len(index) == bank.shape[0] - 500
    extra = random_words(rng, 40)
    index.add(np.arange(40) + 10_000, extra)
    live = ~np.isin(ids, doomed)
    all_ids = np.concatenate([ids[live], np.arange(40) + 10_000])
    all_words = np.concatenate([bank[live], extra])
    queries = np.concatenate([bank[rng.integers(0, bank.shape[0], 80)], extra[:5]])
    for max_distance in (10, 31):
        expected = brute_force_match(all_ids, all_words, queries, max_distance)
        assert as_set(index.match_arrays(queries, max_distance)) == as_set(expected)


def test_a_new_hash_is_matchable_at_once_and_removal_takes_effect() -> None:
    rng = np.random.default_rng(2)
    index = PdqIndex()
    index.add(np.arange(5000), random_words(rng, 5000))
    fresh = random_words(rng, 1)
    assert index.match(fresh, 31) == []
    index.add([77_777], words_to_hex(fresh))
    hits = index.match(words_to_hex(fresh), 31)
    assert [(h.query_index, h.id, h.distance) for h in hits] == [(0, 77_777, 0)]
    index.remove([77_777])
    assert index.match(fresh, 31) == []


def test_memory_use_is_reported_and_grows() -> None:
    index = PdqIndex()
    empty = index.memory_bytes()
    index.add(np.arange(10_000), random_words(np.random.default_rng(0), 10_000))
    grown = index.memory_bytes()
    # Hashes (32 B), ids (8 B), liveness (1 B) and 16 chunk tables (4 B each) per hash.
    assert grown >= empty + 10_000 * (32 + 8 + 1 + 16 * 4)
    assert grown < 10_000 * 120 + 16 * 65_537 * 8 + 1024


def test_bad_input_is_refused() -> None:
    index = PdqIndex()
    with pytest.raises(ValueError, match="length"):
        index.add([1, 2], random_words(np.random.default_rng(0), 3))
    with pytest.raises(ValueError, match="max_distance"):
        index.match(["0" * 64], 300)
    assert index.match(["0" * 64], 31) == []


def test_probe_masks_cover_the_radius() -> None:
    assert probe_masks(0).tolist() == [0]
    masks = probe_masks(2)
    assert len(masks) == 1 + 16 + 120
    assert len(set(masks.tolist())) == len(masks)


def test_banks_split_over_several_segments_match_like_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(index_module, "SEGMENT_ROWS", 700)
    rng = np.random.default_rng(17)
    bank = family_bank(rng, roots=20, per_root=10, noise=2500)
    ids = np.arange(bank.shape[0], dtype=np.int64)
    index = PdqIndex(delta_limit=500)
    index.add(ids[:2000], bank[:2000])
    index.add(ids[2000:], bank[2000:])
    queries = bank[rng.integers(0, bank.shape[0], 50)]
    expected = brute_force_match(ids, bank, queries, 31)
    assert as_set(index.match_arrays(queries, 31)) == as_set(expected)


@pytest.mark.parametrize("tail_rows", [8, 4096])
def test_many_single_adds_stay_few_segments_and_exact(
    monkeypatch: pytest.MonkeyPatch, tail_rows: int
) -> None:
    monkeypatch.setattr(index_module, "TAIL_ROWS", tail_rows)
    rng = np.random.default_rng(23)
    bank = family_bank(rng, roots=10, per_root=10, noise=300)
    index = PdqIndex(delta_limit=100_000)
    for row in range(bank.shape[0]):
        index.add([row], bank[row : row + 1])
    assert len(index._delta) <= 2 * int(np.log2(bank.shape[0])) + 1
    queries = bank[rng.integers(0, bank.shape[0], 30)]
    ids = np.arange(bank.shape[0], dtype=np.int64)
    expected = brute_force_match(ids, bank, queries, 31)
    assert as_set(index.match_arrays(queries, 31)) == as_set(expected)
