"""Conversions between PDQ hex strings, bit vectors and packed 64-bit words, and Hamming distance.

Bit k of a PDQ hash is bit k of the 256-bit integer written as 64 big-endian hex digits,
which is how Meta's reference prints it. Packed words are four uint64 per hash, most
significant first, so a batch of hashes is an (N, 4) uint64 array.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

PDQ_BITS = 256
PDQ_HEX_LENGTH = 64
WORDS_PER_HASH = 4

Words = NDArray[np.uint64]

_HEX_DIGITS = frozenset("0123456789abcdef")


def is_pdq_hex(text: str) -> bool:
    """Whether text is exactly 64 lowercase or uppercase hex digits."""
    return len(text) == PDQ_HEX_LENGTH and set(text.lower()) <= _HEX_DIGITS


def bits_to_hex(bits: NDArray[np.bool_]) -> str:
    """The 64-digit hex of 256 bits where bits[k] is bit k of the integer."""
    if bits.shape != (PDQ_BITS,):
        raise ValueError("expected 256 bits")
    # Byte b (little-endian) holds bits 8b..8b+7; reversing the bytes gives big-endian hex.
    packed = np.packbits(bits.astype(np.uint8), bitorder="little")
    return packed[::-1].tobytes().hex()


def hex_to_bits(text: str) -> NDArray[np.bool_]:
    """The 256 bits of a PDQ hex string, bits[k] being bit k of the integer."""
    raw = np.frombuffer(bytes.fromhex(text), dtype=np.uint8)[::-1]
    bits: NDArray[np.bool_] = np.unpackbits(raw, bitorder="little").astype(bool)
    return bits


def hex_to_words(hexes: Sequence[str] | Iterable[str]) -> Words:
    """Pack PDQ hex strings into an (N, 4) uint64 array, most significant word first."""
    joined = "".join(hexes)
    if len(joined) % PDQ_HEX_LENGTH:
        raise ValueError("every PDQ hash must have 64 hex digits")
    words: Words = (
        np.frombuffer(bytes.fromhex(joined), dtype=">u8").astype(np.uint64).reshape(-1, 4)
    )
    return words


def words_to_hex(words: Words) -> list[str]:
    """The hex strings of an (N, 4) uint64 array of packed PDQ hashes."""
    raw = np.ascontiguousarray(words, dtype=np.uint64).astype(">u8").tobytes()
    step = PDQ_HEX_LENGTH // 2
    return [raw[i : i + step].hex() for i in range(0, len(raw), step)]


def hamming_distance(left: str, right: str) -> int:
    """Number of differing bits between two PDQ hex strings."""
    return (int(left, 16) ^ int(right, 16)).bit_count()


def hamming_to_all(query: Words, bank: Words) -> NDArray[np.int64]:
    """Distance from one packed hash (4,) to every row of an (N, 4) packed bank."""
    distances: NDArray[np.int64] = np.bitwise_count(bank ^ query[None, :]).sum(
        axis=1, dtype=np.int64
    )
    return distances


def flip_bits(words: Words, positions: NDArray[np.int64]) -> Words:
    """A copy of one packed hash (4,) with the given bits (0 = least significant) flipped."""
    flipped = words.copy()
    for position in positions.tolist():
        word = WORDS_PER_HASH - 1 - position // 64
        flipped[word] ^= np.uint64(1) << np.uint64(position % 64)
    return flipped


__all__ = [
    "PDQ_BITS",
    "PDQ_HEX_LENGTH",
    "Words",
    "bits_to_hex",
    "flip_bits",
    "hamming_distance",
    "hamming_to_all",
    "hex_to_bits",
    "hex_to_words",
    "is_pdq_hex",
    "words_to_hex",
]
