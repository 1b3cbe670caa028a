"""Wayhome's numpy PDQ against Meta's reference C++ (through the pdqhash bindings)."""

from __future__ import annotations

import numpy as np
import pdqhash
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray
from PIL import Image

from tests.hashing.synthetic import noise_texture, rgb, scene, transforms
from wayhome.hashing.bits import hamming_distance
from wayhome.hashing.pdq import (
    Orientation,
    dihedral_from_hash,
    jarosz_window,
    pdq_dihedral_from_rgb,
    pdq_from_rgb,
)

REFERENCE_BAR = 10


def reference(array: NDArray[np.uint8]) -> tuple[str, int]:
    """Hex and quality from Meta's C++ implementation."""
    vector, quality = pdqhash.compute(array)
    return np.packbits(vector.astype(np.uint8)).tobytes().hex(), int(quality)


def reference_dihedral(array: NDArray[np.uint8]) -> list[str]:
    """The eight dihedral hashes from Meta's C++ implementation, in its order."""
    vectors, _ = pdqhash.compute_dihedral(array)
    return [np.packbits(v.astype(np.uint8)).tobytes().hex() for v in vectors]


@pytest.mark.parametrize("seed", range(6))
def test_transformed_scenes_stay_within_the_bar_of_the_reference(seed: int) -> None:
    checked = 0
    for name, image in transforms(scene(seed)).items():
        array = rgb(image)
        ours = pdq_from_rgb(array)
        theirs, quality = reference(array)
        assert abs(ours.quality - quality) <= 1, name
        if quality >= 80:
            checked += 1
            assert hamming_distance(ours.hex, theirs) <= REFERENCE_BAR, name
    assert checked > 0


@pytest.mark.parametrize("seed", range(3))
def test_noise_textures_match_the_reference(seed: int) -> None:
    array = rgb(noise_texture(seed, 300, 200))
    ours = pdq_from_rgb(array)
    theirs, quality = reference(array)
    assert quality >= 80
    assert ours.quality == quality
    assert hamming_distance(ours.hex, theirs) <= REFERENCE_BAR


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    width=st.integers(1, 400),
    height=st.integers(1, 400),
)
def test_any_size_matches_the_reference(seed: int, width: int, height: int) -> None:
    array = rgb(scene(seed, max(width, 8), max(height, 8)).resize((width, height)))
    ours = pdq_from_rgb(array)
    theirs, quality = reference(array)
    assert abs(ours.quality - quality) <= 1
    if quality >= 80:
        assert hamming_distance(ours.hex, theirs) <= REFERENCE_BAR


def test_flat_image_has_quality_zero_and_noise_full_quality() -> None:
    flat = np.full((100, 120, 3), 128, dtype=np.uint8)
    assert pdq_from_rgb(flat).quality == 0
    noisy = np.random.default_rng(0).integers(0, 256, (256, 256, 3), dtype=np.uint8)
    assert pdq_from_rgb(noisy).quality == 100


@pytest.mark.parametrize("shape", [(1, 1), (4, 200), (200, 4), (4, 4)])
def test_images_under_five_pixels_a_side_get_the_zero_hash(shape: tuple[int, int]) -> None:
    array = np.random.default_rng(0).integers(0, 256, (*shape, 3), dtype=np.uint8)
    hashed = pdq_from_rgb(array)
    assert hashed.quality == 0
    assert hashed.hex == "0" * 64
    assert reference(array) == (hashed.hex, 0)


def test_jarosz_window_follows_the_reference_formula() -> None:
    assert jarosz_window(64, 64) == 1
    assert jarosz_window(128, 64) == 1
    assert jarosz_window(129, 64) == 2
    assert jarosz_window(1024, 64) == 8


@pytest.mark.parametrize("seed", range(3))
def test_dihedral_variants_match_the_reference(seed: int) -> None:
    array = rgb(scene(seed, 300, 260))
    ours, quality = pdq_dihedral_from_rgb(array)
    assert quality == reference(array)[1]
    theirs = reference_dihedral(array)
    for orientation, expected in zip(Orientation, theirs, strict=True):
        assert hamming_distance(ours[orientation], expected) <= REFERENCE_BAR, orientation


def test_dihedral_variants_describe_the_transformed_images() -> None:
    # 320 pixels give an odd box window and symmetric decimation, so mirroring commutes with
    # the downsampling and the DCT-derived variants are close to the real thing.
    image = noise_texture(7, 320, 320)
    array = rgb(image)
    variants, _ = pdq_dihedral_from_rgb(array)
    moved = {
        Orientation.ROTATE_90: np.rot90(array, 1),
        Orientation.ROTATE_180: np.rot90(array, 2),
        Orientation.ROTATE_270: np.rot90(array, 3),
        Orientation.FLIP_X: array[::-1],
        Orientation.FLIP_Y: array[:, ::-1],
        Orientation.FLIP_PLUS_1: array.transpose(1, 0, 2),
        Orientation.FLIP_MINUS_1: np.rot90(array, 2).transpose(1, 0, 2),
    }
    for orientation, transformed in moved.items():
        direct = pdq_from_rgb(np.ascontiguousarray(transformed)).hex
        assert hamming_distance(direct, variants[orientation]) <= REFERENCE_BAR, orientation
        assert hamming_distance(direct, variants[Orientation.ORIGINAL]) > 64, orientation
    transposed = pdq_from_rgb(np.ascontiguousarray(array.transpose(1, 0, 2))).hex
    assert transposed == variants[Orientation.FLIP_PLUS_1]


@pytest.mark.parametrize("seed", range(4))
def test_dihedral_from_hash_is_close_to_the_image_derived_variants(seed: int) -> None:
    variants, _ = pdq_dihedral_from_rgb(rgb(scene(seed)))
    derived = dihedral_from_hash(variants[Orientation.ORIGINAL])
    assert derived[Orientation.ORIGINAL] == variants[Orientation.ORIGINAL]
    assert derived[Orientation.FLIP_PLUS_1] == variants[Orientation.FLIP_PLUS_1]
    for orientation in Orientation:
        assert hamming_distance(derived[orientation], variants[orientation]) <= 12


def test_reencoded_copy_is_a_near_duplicate_and_another_scene_is_not() -> None:
    image = scene(11)
    transformed = transforms(image)
    base = pdq_from_rgb(rgb(image)).hex
    assert hamming_distance(base, pdq_from_rgb(rgb(transformed["jpeg"])).hex) <= 31
    assert hamming_distance(base, pdq_from_rgb(rgb(transformed["resize_half"])).hex) <= 31
    other = pdq_from_rgb(rgb(scene(12))).hex
    assert hamming_distance(base, other) > 31


def test_rgba_and_greyscale_inputs_are_hashed_like_rgb() -> None:
    image = scene(3)
    grey = image.convert("L")
    assert pdq_from_rgb(rgb(grey)).hex == reference(rgb(grey))[0] or (
        hamming_distance(pdq_from_rgb(rgb(grey)).hex, reference(rgb(grey))[0]) <= REFERENCE_BAR
    )
    with_alpha = np.asarray(image.convert("RGBA"))
    assert pdq_from_rgb(with_alpha) == pdq_from_rgb(rgb(image))


def test_non_rgb_arrays_are_refused() -> None:
    with pytest.raises(ValueError, match="RGB"):
        pdq_from_rgb(np.zeros((10, 10), dtype=np.uint8))
    _ = Image
