"""Hashing an investigator's own files: PDQ (with quality), MD5, SHA-1 and SHA-256 per image.

Runs on every core with a process pool, reports progress through a callback, and carries
on past files it cannot read, listing each with the reason at the end. Images are hashed as
stored (EXIF orientation is not applied, as in Meta's reference); the dihedral variants
cover rotated copies. Video is recognised and listed as not yet hashed: per-frame PDQ in
the manner of vPDQ would slot in as a second `_hash_*` function chosen by `media_kind`.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from wayhome.hashing.pdq import Orientation, pdq_dihedral_from_rgb, pdq_from_rgb
from wayhome.hashing.records import HashRecord

IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".jpe", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".ppm", ".pgm"}
)
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".avi", ".mkv", ".wmv", ".webm", ".m4v", ".3gp"})

# Pillow's own default bomb limit; passed explicitly so no global setting is touched.
DEFAULT_MAX_PIXELS = 89_478_485

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class UnreadableFile:
    """A file the run could not hash, and why."""

    path: str
    reason: str


@dataclass(slots=True)
class HashRun:
    """What a hashing run produced: one record per hashed file and the files it had to skip."""

    records: list[HashRecord] = field(default_factory=list)
    unreadable: list[UnreadableFile] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class HashOptions:
    """How to hash: the decompression-bomb limit and whether to add the eight dihedral PDQs."""

    max_pixels: int = DEFAULT_MAX_PIXELS
    dihedral: bool = False


def media_kind(path: Path) -> str | None:
    """'image', 'video' or None (not media) from a file's suffix."""
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return "image"
    if suffix in VIDEO_SUFFIXES:
        return "video"
    return None


def find_media(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Every media file under the paths, in a stable order; files named directly are kept."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and media_kind(p) is not None)
            )
        else:
            found.append(path)
    return found


def hash_file(path: Path, options: HashOptions = HashOptions()) -> HashRecord | UnreadableFile:
    """Hash one file; a file that cannot be hashed comes back as `UnreadableFile` with a reason."""
    if media_kind(path) == "video":
        return UnreadableFile(str(path), "video: per-frame hashing (vPDQ) is not supported yet")
    try:
        content = path.read_bytes()
    except OSError as error:
        return UnreadableFile(str(path), f"cannot read the file: {error.strerror or error}")
    try:
        rgb = _decode(content, options.max_pixels)
    except _Unreadable as error:
        return UnreadableFile(str(path), str(error))
    record = _hash_image(content, rgb, options)
    return replace(record, media_size=len(content), file_names=(str(path),))


class _Unreadable(Exception):
    """Raised inside the worker when an image cannot be decoded."""


def _decode(content: bytes, max_pixels: int) -> np.ndarray:
    """Decode image bytes to an RGB array, refusing bombs, truncation and non-images."""
    with warnings.catch_warnings():
        # Pillow's advisory warnings (palette transparency, odd EXIF) say nothing about
        # readability; only its decompression-bomb warning is turned into a refusal.
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise _Unreadable(
                        f"decompression bomb: {width}x{height} is over {max_pixels} pixels"
                    )
                image.load()
                rgb = np.asarray(image.convert("RGB"))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _Unreadable(f"decompression bomb: {error}") from None
        except UnidentifiedImageError:
            raise _Unreadable("not an image (format not recognised)") from None
        except _Unreadable:
            raise
        except Exception as error:  # Malformed files surface as many exception types.
            raise _Unreadable(f"corrupt or truncated image: {error}") from None
    return rgb


def _hash_image(content: bytes, rgb: np.ndarray, options: HashOptions) -> HashRecord:
    """The cryptographic hashes of the bytes and the PDQ of the decoded pixels."""
    if options.dihedral:
        variants, quality = pdq_dihedral_from_rgb(rgb)
        pdq = variants[Orientation.ORIGINAL]
        dihedral = tuple(variants[orientation] for orientation in Orientation)
    else:
        hashed = pdq_from_rgb(rgb)
        pdq, quality, dihedral = hashed.hex, hashed.quality, ()
    # A quality of 0 means a flat image: its PDQ says nothing, so only byte hashes are kept.
    has_pdq = quality > 0
    return HashRecord(
        md5=hashlib.md5(content, usedforsecurity=False).hexdigest(),
        sha1=hashlib.sha1(content, usedforsecurity=False).hexdigest(),
        sha256=hashlib.sha256(content).hexdigest(),
        pdq=pdq if has_pdq else None,
        pdq_quality=quality if has_pdq else None,
        pdq_dihedral=dihedral if has_pdq else (),
    )


def _hash_in_worker(job: tuple[str, HashOptions]) -> HashRecord | UnreadableFile:
    """Process-pool entry point: hash one path."""
    path, options = job
    return hash_file(Path(path), options)


def _results(
    files: list[Path], workers: int, options: HashOptions
) -> Iterator[HashRecord | UnreadableFile]:
    """Hash the files in order, inline for one worker or in a spawned process pool."""
    if workers <= 1 or len(files) <= 1:
        for path in files:
            yield hash_file(path, options)
        return
    context = multiprocessing.get_context("spawn")
    chunk = max(1, min(64, len(files) // (workers * 8)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(
            _hash_in_worker, [(str(path), options) for path in files], chunksize=chunk
        )


def hash_paths(
    paths: Iterable[str | os.PathLike[str]],
    workers: int | None = None,
    progress_callback: ProgressCallback | None = None,
    options: HashOptions = HashOptions(),
) -> HashRun:
    """Hash every media file under the paths on `workers` processes (default: every core)."""
    files = find_media(paths)
    worker_count = workers if workers is not None else (os.cpu_count() or 1)
    run = HashRun()
    total = len(files)
    for done, result in enumerate(_results(files, worker_count, options), start=1):
        if isinstance(result, UnreadableFile):
            run.unreadable.append(result)
        else:
            run.records.append(result)
        if progress_callback is not None:
            progress_callback(done, total)
    return run
