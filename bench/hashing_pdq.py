"""Benchmark: Wayhome's numpy PDQ beside Meta's C++ reference (pdqhash) on synthetic images.

Measures images per second per core on already decoded pixels (ours and the reference), the
agreement between the two (Hamming distance, quality), and the whole local pipeline
(`hash_paths`: read, decode, MD5/SHA-1/SHA-256, PDQ) on one and on every core.

    PYTHONPATH=src .venv/bin/python bench/hashing_pdq.py --images 200
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pdqhash
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter

from wayhome.hashing.bits import hamming_distance
from wayhome.hashing.local import hash_paths
from wayhome.hashing.pdq import pdq_from_rgb


def synthetic_image(seed: int, width: int, height: int) -> Image.Image:
    """Gradient, shapes and smoothed noise: a synthetic picture with natural-ish statistics."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(0, 1, width)[None, :, None] * rng.uniform(0, 1)
    ramp = ramp + np.linspace(0, 1, height)[:, None, None] * rng.uniform(0, 1)
    base = rng.uniform(0, 255, 3) * (1 - ramp / 2) + rng.uniform(0, 255, 3) * (ramp / 2)
    image = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        box = (
            x0,
            y0,
            x0 + int(rng.integers(20, width // 2)),
            y0 + int(rng.integers(20, height // 2)),
        )
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        (draw.rectangle if rng.random() < 0.5 else draw.ellipse)(box, fill=colour)
    texture = rng.integers(0, 40, (height // 4, width // 4, 3), dtype=np.uint8)
    grain = Image.fromarray(texture, "RGB").resize((width, height)).filter(ImageFilter.SMOOTH)
    mixed = np.asarray(image, dtype=np.int16) + np.asarray(grain, dtype=np.int16) - 20
    return Image.fromarray(np.clip(mixed, 0, 255).astype(np.uint8), "RGB")


def reference_hex(array: NDArray[np.uint8]) -> tuple[str, int]:
    """Hex and quality from the C++ reference."""
    vector, quality = pdqhash.compute(array)
    return np.packbits(vector.astype(np.uint8)).tobytes().hex(), int(quality)


def per_second(count: int, seconds: float) -> str:
    """A rate, formatted."""
    return f"{count / seconds:7.1f} images/s ({seconds / count * 1e3:6.2f} ms/image)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", type=int, default=200)
    args = parser.parse_args()
    for width, height in ((640, 480), (1600, 1200)):
        count = args.images if width < 1000 else max(10, args.images // 4)
        images = [synthetic_image(seed, width, height) for seed in range(count)]
        arrays = [np.ascontiguousarray(np.asarray(image)) for image in images]
        print(f"{count} synthetic images of {width}x{height}")

        started = time.perf_counter()
        ours = [pdq_from_rgb(array) for array in arrays]
        ours_s = time.perf_counter() - started
        started = time.perf_counter()
        theirs = [reference_hex(array) for array in arrays]
        theirs_s = time.perf_counter() - started
        print(
            f"  PDQ on decoded pixels, 1 core: Wayhome numpy {per_second(count, ours_s)}; "
            f"pdqhash C++ {per_second(count, theirs_s)}"
        )

        distances = np.asarray(
            [hamming_distance(a.hex, b[0]) for a, b in zip(ours, theirs, strict=True)]
        )
        strong = np.asarray([b[1] >= 80 for b in theirs])
        quality_gap = max(abs(a.quality - b[1]) for a, b in zip(ours, theirs, strict=True))
        print(
            f"  agreement: {strong.sum()} of {count} with quality >= 80; distance to reference "
            f"max {distances[strong].max() if strong.any() else 'n/a'}, "
            f"mean {distances.mean():.2f}, all images max {distances.max()}; "
            f"largest quality difference {quality_gap}"
        )

        with tempfile.TemporaryDirectory() as folder:
            for seed, image in enumerate(images):
                buffer = io.BytesIO()
                image.save(buffer, format="JPEG", quality=90)
                Path(folder, f"{seed:05d}.jpg").write_bytes(buffer.getvalue())
            cores = os.cpu_count() or 1
            for workers in sorted({1, cores}):
                started = time.perf_counter()
                run = hash_paths([folder], workers=workers)
                elapsed = time.perf_counter() - started
                assert len(run.records) == count and not run.unreadable
                print(
                    f"  hash_paths (JPEG read+decode, MD5/SHA-1/SHA-256, PDQ), "
                    f"{workers} worker(s): {per_second(count, elapsed)}"
                )


if __name__ == "__main__":
    main()
