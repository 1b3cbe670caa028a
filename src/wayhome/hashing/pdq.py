"""PDQ perceptual hashing in numpy, following Meta's published algorithm (pdqhashing.cpp).

Steps: luminance, two passes of Jarosz tent filtering (box blurs along rows then columns),
decimation to 64x64, quality from the gradient sum, a 16x16 DCT that skips the DC term,
and one bit per coefficient above the median. The eight dihedral variants (rotations and
flips) come from sign changes and transposition of the 16x16 DCT, as Meta does.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from wayhome.hashing.bits import bits_to_hex, hex_to_bits

FloatImage = NDArray[np.floating[Any]]

# ITU-R BT.601 luma weights, the ones Meta's reference uses.
LUMA_WEIGHTS = (0.299, 0.587, 0.114)
JAROSZ_PASSES = 2
DOWNSAMPLED_SIDE = 64
DCT_SIDE = 16
# As in the reference: an image with a side under 5 pixels gets the zero hash, quality 0.
MIN_HASHABLE_SIDE = 5


class Orientation(enum.StrEnum):
    """One of the eight rotations/flips whose PDQ can be derived from the original's DCT."""

    ORIGINAL = "original"
    # Counter-clockwise, as numpy.rot90 with k=1; FLIP_X mirrors top to bottom, FLIP_Y left to
    # right, FLIP_PLUS_1 transposes and FLIP_MINUS_1 mirrors about the anti-diagonal.
    ROTATE_90 = "rotate90"
    ROTATE_180 = "rotate180"
    ROTATE_270 = "rotate270"
    FLIP_X = "flipx"
    FLIP_Y = "flipy"
    FLIP_PLUS_1 = "flipplus1"
    FLIP_MINUS_1 = "flipminus1"


@dataclass(frozen=True, slots=True)
class PdqHash:
    """A 256-bit PDQ hash as 64 lowercase hex digits, with its quality score 0..100."""

    hex: str
    quality: int


def _dct_matrix() -> NDArray[np.float64]:
    """The 16x64 DCT-II basis without the DC row, scaled as in Meta's buildDCTMatrix."""
    rows = np.arange(1, DCT_SIDE + 1, dtype=np.float64)[:, None]
    cols = np.arange(DOWNSAMPLED_SIDE, dtype=np.float64)[None, :]
    scale = np.sqrt(2.0 / DOWNSAMPLED_SIDE)
    matrix: NDArray[np.float64] = scale * np.cos(
        (np.pi / 2 / DOWNSAMPLED_SIDE) * rows * (2 * cols + 1)
    )
    return matrix


_DCT = _dct_matrix()


def luma_from_rgb(rgb: NDArray[np.uint8]) -> FloatImage:
    """Luminance of an HxWx3 RGB array, as float32."""
    if rgb.ndim != 3 or rgb.shape[2] < 3:
        raise ValueError("expected an HxWx3 RGB array")
    # float32 halves the memory traffic; the reference itself works in float32.
    channels = np.asarray(rgb[:, :, :3], dtype=np.float32)
    luma: FloatImage = channels @ np.asarray(LUMA_WEIGHTS, dtype=np.float32)
    return luma


def jarosz_window(old_side: int, new_side: int) -> int:
    """Box window size Meta's reference uses to blur a side of old_side pixels down to new_side."""
    return (old_side + 2 * new_side - 1) // (2 * new_side)


def _box_bounds(length: int, window: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """First and one-past-last input index averaged into each output of Meta's box1DFloat."""
    half = (window + 2) // 2
    out = np.arange(length)
    low = np.maximum(out - (window - half), 0)
    high = np.minimum(out + half - 1, length - 1) + 1
    return low, high


def _blur_and_decimate_matrix(length: int, window: int) -> FloatImage:
    """The 64 x length linear map that Meta's repeated box blur plus decimation applies to one axis.

    The blur is linear and separable, so blurring the whole image and keeping 64 samples per
    axis equals `rows_map @ luma @ cols_map.T`; building the maps costs O(64 * length), and
    each row of a map is non-zero only on a band about length / 32 wide.
    """
    low, high = _box_bounds(length, window)
    counts = (high - low).astype(np.float64)
    centres = np.arange(DOWNSAMPLED_SIDE, dtype=np.float64) + 0.5
    chosen = (centres * length / DOWNSAMPLED_SIDE).astype(np.intp)
    weights = np.zeros((DOWNSAMPLED_SIDE, length))
    weights[np.arange(DOWNSAMPLED_SIDE), chosen] = 1.0
    for _ in range(JAROSZ_PASSES):
        # Row vector times the blur matrix: output o spreads weight/count_o over [low_o, high_o).
        spread = weights / counts[None, :]
        size = length + 1
        offsets = np.arange(DOWNSAMPLED_SIDE)[:, None] * size
        starts = np.bincount(
            (offsets + low[None, :]).ravel(), spread.ravel(), DOWNSAMPLED_SIDE * size
        )
        ends = np.bincount(
            (offsets + high[None, :]).ravel(), spread.ravel(), DOWNSAMPLED_SIDE * size
        )
        steps = (starts - ends).reshape(DOWNSAMPLED_SIDE, size)
        weights = np.cumsum(steps[:, :length], axis=1)
    return weights


def _band(weights: NDArray[np.float64]) -> tuple[int, int]:
    """First and one-past-last non-zero position of a 1-D weight vector."""
    nonzero = np.flatnonzero(weights)
    return int(nonzero[0]), int(nonzero[-1]) + 1


def downsample_64(luma: FloatImage) -> FloatImage:
    """Blur with the Jarosz tent filter and decimate the luminance to 64x64."""
    rows, cols = luma.shape
    rows_map = _blur_and_decimate_matrix(rows, jarosz_window(rows, DOWNSAMPLED_SIDE))
    cols_map = _blur_and_decimate_matrix(cols, jarosz_window(cols, DOWNSAMPLED_SIDE))
    luma32 = luma.astype(np.float32, copy=False)
    # Each output row or column draws on a narrow band of inputs, so the products are done
    # band by band with einsum: as fast as one BLAS call on one thread, and immune to BLAS
    # threading, which costs several times more than it saves on a busy machine.
    partial = np.empty((DOWNSAMPLED_SIDE, cols), dtype=np.float32)
    for out_row in range(DOWNSAMPLED_SIDE):
        low, high = _band(rows_map[out_row])
        weights = rows_map[out_row, low:high].astype(np.float32)
        partial[out_row] = np.einsum("i,ij->j", weights, luma32[low:high])
    wide = partial.astype(np.float64)
    decimated: FloatImage = np.empty((DOWNSAMPLED_SIDE, DOWNSAMPLED_SIDE))
    for out_col in range(DOWNSAMPLED_SIDE):
        low, high = _band(cols_map[out_col])
        decimated[:, out_col] = np.einsum("ij,j->i", wide[:, low:high], cols_map[out_col, low:high])
    return decimated


def quality_of(buffer64: FloatImage) -> int:
    """Meta's image-domain quality: the sum of truncated gradients over 90, capped at 100."""
    vertical = np.trunc((buffer64[:-1, :] - buffer64[1:, :]) * 100 / 255)
    horizontal = np.trunc((buffer64[:, :-1] - buffer64[:, 1:]) * 100 / 255)
    gradient_sum = int(np.abs(vertical).sum() + np.abs(horizontal).sum())
    return min(gradient_sum // 90, 100)


def dct_16(buffer64: FloatImage) -> FloatImage:
    """The 16x16 low-frequency DCT coefficients of a 64x64 buffer (DC excluded)."""
    coefficients: FloatImage = _DCT @ buffer64 @ _DCT.T
    return coefficients


def bits_from_dct(coefficients: FloatImage) -> NDArray[np.bool_]:
    """One bit per coefficient, set when it is above the (lower) median, in Meta's bit order."""
    flat = coefficients.reshape(-1)
    median = np.partition(flat, (flat.size - 1) // 2)[(flat.size - 1) // 2]
    bits: NDArray[np.bool_] = flat > median
    return bits


def _orient(coefficients: FloatImage, orientation: Orientation) -> FloatImage:
    """The DCT of the rotated/flipped image, derived by sign changes and transposition."""
    index = np.arange(DCT_SIDE)
    # Index i holds frequency i + 1, so an even index is an odd frequency that changes sign
    # when the image is mirrored along that axis.
    odd_freq = ((index + 1) % 2 == 1).astype(np.float64)
    sign = 1.0 - 2.0 * odd_freq
    row_sign = sign[:, None]
    col_sign = sign[None, :]
    transposed = coefficients.T
    derived: dict[Orientation, FloatImage] = {
        Orientation.ORIGINAL: coefficients,
        Orientation.ROTATE_90: transposed * row_sign,
        Orientation.ROTATE_180: coefficients * row_sign * col_sign,
        Orientation.ROTATE_270: transposed * col_sign,
        Orientation.FLIP_X: coefficients * row_sign,
        Orientation.FLIP_Y: coefficients * col_sign,
        Orientation.FLIP_PLUS_1: transposed,
        Orientation.FLIP_MINUS_1: transposed * row_sign * col_sign,
    }
    return derived[orientation]


def _dct_and_quality(luma: FloatImage) -> tuple[FloatImage, int]:
    """The 16x16 DCT and the quality of a luminance array (quality 0 when too small to hash)."""
    if luma.ndim != 2 or luma.size == 0:
        raise ValueError("expected a non-empty 2-D luminance array")
    if min(luma.shape) < MIN_HASHABLE_SIDE:
        return np.zeros((DCT_SIDE, DCT_SIDE)), 0
    buffer64 = downsample_64(luma)
    return dct_16(buffer64), quality_of(buffer64)


def pdq_from_luma(luma: FloatImage) -> PdqHash:
    """PDQ hash and quality of a 2-D luminance array."""
    coefficients, quality = _dct_and_quality(luma)
    return PdqHash(hex=bits_to_hex(bits_from_dct(coefficients)), quality=quality)


def pdq_from_rgb(rgb: NDArray[np.uint8]) -> PdqHash:
    """PDQ hash and quality of an HxWx3 RGB array."""
    return pdq_from_luma(luma_from_rgb(rgb))


def pdq_dihedral_from_luma(luma: FloatImage) -> tuple[dict[Orientation, str], int]:
    """The PDQ hashes of all eight rotations/flips of an image, and its quality."""
    coefficients, quality = _dct_and_quality(luma)
    hashes = {
        orientation: bits_to_hex(bits_from_dct(_orient(coefficients, orientation)))
        for orientation in Orientation
    }
    return hashes, quality


def pdq_dihedral_from_rgb(rgb: NDArray[np.uint8]) -> tuple[dict[Orientation, str], int]:
    """The PDQ hashes of all eight rotations/flips of an HxWx3 RGB array, and its quality."""
    return pdq_dihedral_from_luma(luma_from_rgb(rgb))


def dihedral_from_hash(pdq_hex: str) -> dict[Orientation, str]:
    """Approximate PDQs of the eight rotations/flips from a hash alone (no image at hand).

    Transposition is exact; a sign change of a DCT coefficient becomes an inverted bit, which
    is exact up to the shift of the median (typically 0..4 bits off the image-derived variant).
    """
    bits = hex_to_bits(pdq_hex).reshape(DCT_SIDE, DCT_SIDE)
    odd = np.arange(1, DCT_SIDE + 1) % 2 == 1
    rows = np.broadcast_to(odd[:, None], bits.shape)
    cols = np.broadcast_to(odd[None, :], bits.shape)
    transposed = bits.T
    derived = {
        Orientation.ORIGINAL: bits,
        Orientation.ROTATE_90: transposed ^ rows,
        Orientation.ROTATE_180: bits ^ rows ^ cols,
        Orientation.ROTATE_270: transposed ^ cols,
        Orientation.FLIP_X: bits ^ rows,
        Orientation.FLIP_Y: bits ^ cols,
        Orientation.FLIP_PLUS_1: transposed,
        Orientation.FLIP_MINUS_1: transposed ^ rows ^ cols,
    }
    return {
        orientation: bits_to_hex(np.ascontiguousarray(variant).reshape(-1))
        for orientation, variant in derived.items()
    }
