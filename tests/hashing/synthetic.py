"""Synthetic test images (gradients, shapes, noise textures) drawn with Pillow and numpy."""

from __future__ import annotations

import io

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFilter


def scene(seed: int, width: int = 320, height: int = 240) -> Image.Image:
    """A gradient background with random rectangles and ellipses, lightly textured."""
    rng = np.random.default_rng(seed)
    ys = np.linspace(0.0, 1.0, height)[:, None, None]
    xs = np.linspace(0.0, 1.0, width)[None, :, None]
    start = rng.uniform(0, 255, 3)
    end = rng.uniform(0, 255, 3)
    angle = rng.uniform(0, 1)
    ramp = angle * xs + (1 - angle) * ys
    background = start * (1 - ramp) + end * ramp
    image = Image.fromarray(background.astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(6, 14))):
        x0 = int(rng.integers(0, width))
        y0 = int(rng.integers(0, height))
        x1 = x0 + int(rng.integers(width // 10, width // 2))
        y1 = y0 + int(rng.integers(height // 10, height // 2))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
    noise = rng.normal(0, 6, (height, width, 3))
    textured = np.clip(np.asarray(image, dtype=np.float64) + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(textured, "RGB")


def noise_texture(seed: int, width: int = 256, height: int = 256) -> Image.Image:
    """Smoothed random noise: a texture with plenty of gradient energy."""
    rng = np.random.default_rng(seed)
    raw = rng.integers(0, 256, (height // 8, width // 8, 3), dtype=np.uint8)
    small = Image.fromarray(raw, "RGB")
    return small.resize((width, height), Image.Resampling.BICUBIC).filter(ImageFilter.SMOOTH)


def rgb(image: Image.Image) -> NDArray[np.uint8]:
    """The image as a contiguous HxWx3 uint8 array."""
    return np.ascontiguousarray(np.asarray(image.convert("RGB"), dtype=np.uint8))


def encoded(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    """The image saved to bytes in the given format."""
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def reencoded_jpeg(image: Image.Image, quality: int = 70) -> Image.Image:
    """The image after a JPEG round trip."""
    return Image.open(io.BytesIO(encoded(image.convert("RGB"), "JPEG", quality=quality)))


def transforms(image: Image.Image) -> dict[str, Image.Image]:
    """The usual transforms a copy of an image goes through."""
    width, height = image.size
    return {
        "original": image,
        "resize_half": image.resize((width // 2, height // 2), Image.Resampling.BILINEAR),
        "resize_up": image.resize((width * 3 // 2, height * 3 // 2), Image.Resampling.BICUBIC),
        "jpeg": reencoded_jpeg(image),
        "crop": image.crop((width // 40, height // 40, width - width // 40, height - height // 40)),
        "rotate_3deg": image.rotate(3, resample=Image.Resampling.BILINEAR),
        "rotate_90": image.transpose(Image.Transpose.ROTATE_90),
        "flip": image.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
    }
