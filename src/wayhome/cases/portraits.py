"""The family-supplied portrait: checked with Pillow, re-encoded without metadata, thumbnailed.

It is the one kind of image Wayhome stores; seized media never come in (hashing/ takes hashes).
"""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from wayhome.errors import InvalidInput, TooLarge

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"})
THUMBNAIL_BOX = (160, 200)


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded JPEG, its thumbnail and its size."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int


def clean_portrait(
    data: bytes, max_bytes: int, max_pixels: int, max_side: int, location: str
) -> CleanImage:
    """Refuse what is not a still image or is too big; otherwise re-encode it as a bare JPEG."""
    if not data:
        raise InvalidInput("the portrait is empty", location=location)
    if len(data) > max_bytes:
        raise TooLarge(
            f"the portrait is {len(data)} bytes; at most {max_bytes} are accepted",
            location=location,
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            kind = probe.format
            width, height = probe.size
            if kind not in ACCEPTED_FORMATS:
                raise InvalidInput(
                    f"{kind} is not an accepted portrait format (JPEG, PNG, WebP, GIF, BMP, TIFF)",
                    location=location,
                )
            if width * height > max_pixels:
                raise TooLarge(
                    f"the portrait is {width}×{height} pixels; at most {max_pixels} pixels",
                    location=location,
                )
            probe.verify()
            picture = Image.open(io.BytesIO(data))
            picture.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInput("the file is not an image Wayhome can read", location=location) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise InvalidInput(f"the image is damaged: {error}", location=location) from None
    upright: Image.Image = ImageOps.exif_transpose(picture) or picture
    picture_rgb = upright.convert("RGB")
    picture_rgb.thumbnail((max_side, max_side))
    out = io.BytesIO()
    picture_rgb.save(out, "JPEG", quality=88, optimize=True)  # no exif, no ICC, no comments
    thumb = picture_rgb.copy()
    thumb.thumbnail(THUMBNAIL_BOX)
    small = io.BytesIO()
    thumb.save(small, "JPEG", quality=80)
    return CleanImage(out.getvalue(), small.getvalue(), picture_rgb.width, picture_rgb.height)


def new_picture_id() -> str:
    """A random numeric picture id, in the style of the published notices service."""
    return str(secrets.randbelow(90_000_000) + 10_000_000)
