"""Hex, bit-vector and packed-word conversions of PDQ hashes."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from wayhome.hashing.bits import (
    bits_to_hex,
    flip_bits,
    hamming_distance,
    hamming_to_all,
    hex_to_bits,
    hex_to_words,
    is_pdq_hex,
    words_to_hex,
)

hex_hashes = st.integers(0, 2**256 - 1).map(lambda n: f"{n:064x}")


@given(hex_hashes)
def test_hex_bits_and_words_round_trip(text: str) -> None:
    bits = hex_to_bits(text)
    assert bits.shape == (256,)
    assert bits_to_hex(bits) == text
    assert words_to_hex(hex_to_words([text])) == [text]
    assert all(bool(bits[k]) == bool((int(text, 16) >> k) & 1) for k in (0, 1, 63, 64, 255))


@given(hex_hashes, hex_hashes)
def test_hamming_agrees_between_strings_and_words(left: str, right: str) -> None:
    expected = bin(int(left, 16) ^ int(right, 16)).count("1")
    assert hamming_distance(left, right) == expected
    words = hex_to_words([left, right])
    assert hamming_to_all(words[0], words).tolist() == [0, expected]


@given(hex_hashes, st.sets(st.integers(0, 255), max_size=40))
def test_flipping_bits_moves_the_hash_by_that_many(text: str, positions: set[int]) -> None:
    words = hex_to_words([text])[0]
    flipped = flip_bits(words, np.asarray(sorted(positions), dtype=np.int64))
    other = words_to_hex(flipped[None, :])[0]
    assert hamming_distance(text, other) == len(positions)
    expected = int(text, 16)
    for position in positions:
        expected ^= 1 << position
    assert int(other, 16) == expected


def test_is_pdq_hex() -> None:
    assert is_pdq_hex("aB" * 32)
    assert not is_pdq_hex("ab" * 31)
    assert not is_pdq_hex("zz" * 32)
