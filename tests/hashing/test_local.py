"""Hashing local files: hashes, progress, unreadable files, and the process pool."""

from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from tests.hashing.synthetic import encoded, noise_texture, rgb, scene
from wayhome.hashing.local import HashOptions, hash_file, hash_paths
from wayhome.hashing.pdq import Orientation, pdq_dihedral_from_rgb, pdq_from_rgb
from wayhome.hashing.records import HashRecord


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares a huge size but carries no pixels (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.png").write_bytes(encoded(scene(1), "PNG"))
    (tmp_path / "sub" / "b.jpg").write_bytes(encoded(scene(2), "JPEG", quality=90))
    (tmp_path / "sub" / "c.webp").write_bytes(encoded(noise_texture(3), "WEBP"))
    (tmp_path / "flat.gif").write_bytes(encoded(scene(4).convert("P").point(lambda _: 7), "GIF"))
    (tmp_path / "notes.txt").write_text("not media, not listed")
    (tmp_path / "fake.jpg").write_text("this is text, not a JPEG")
    whole = encoded(scene(5), "JPEG", quality=90)
    (tmp_path / "truncated.jpg").write_bytes(whole[: len(whole) // 2])
    (tmp_path / "bomb.png").write_bytes(png_header_only(30_000, 30_000))
    (tmp_path / "clip.mp4").write_bytes(b"\x00" * 64)
    return tmp_path


def test_folder_run_hashes_images_and_lists_unreadable_files(folder: Path) -> None:
    progress: list[tuple[int, int]] = []
    run = hash_paths([folder], workers=1, progress_callback=lambda d, t: progress.append((d, t)))
    names = sorted(Path(r.file_names[0]).name for r in run.records)
    assert names == ["a.png", "b.jpg", "c.webp", "flat.gif"]
    reasons = {Path(u.path).name: u.reason for u in run.unreadable}
    assert set(reasons) == {"fake.jpg", "truncated.jpg", "bomb.png", "clip.mp4"}
    assert reasons["fake.jpg"].startswith("not an image")
    assert "truncated" in reasons["truncated.jpg"]
    assert reasons["bomb.png"].startswith("decompression bomb")
    assert "vPDQ" in reasons["clip.mp4"]
    assert progress == [(i, 8) for i in range(1, 9)]


def test_record_hashes_are_those_of_the_bytes_and_pixels(folder: Path) -> None:
    path = folder / "sub" / "b.jpg"
    record = hash_file(path)
    assert isinstance(record, HashRecord)
    content = path.read_bytes()
    assert record.md5 == hashlib.md5(content).hexdigest()  # noqa: S324
    assert record.sha1 == hashlib.sha1(content).hexdigest()  # noqa: S324
    assert record.sha256 == hashlib.sha256(content).hexdigest()
    assert record.media_size == len(content)
    with Image.open(path) as image:
        expected = pdq_from_rgb(rgb(image))
    assert (record.pdq, record.pdq_quality) == (expected.hex, expected.quality)
    assert record.pdq_quality is not None and record.pdq_quality >= 50


def test_flat_images_keep_byte_hashes_but_no_pdq(folder: Path) -> None:
    record = hash_file(folder / "flat.gif")
    assert isinstance(record, HashRecord)
    assert record.md5 is not None
    assert record.pdq is None and record.pdq_quality is None


def test_pixel_limit_is_configurable(folder: Path) -> None:
    result = hash_file(folder / "a.png", HashOptions(max_pixels=1000))
    assert not isinstance(result, HashRecord)
    assert result.reason.startswith("decompression bomb")


def test_dihedral_option_adds_the_eight_variants(folder: Path) -> None:
    record = hash_file(folder / "a.png", HashOptions(dihedral=True))
    assert isinstance(record, HashRecord)
    with Image.open(folder / "a.png") as image:
        variants, _ = pdq_dihedral_from_rgb(rgb(image))
    assert record.pdq_dihedral == tuple(variants[o] for o in Orientation)
    assert record.pdq == variants[Orientation.ORIGINAL]


def test_palette_image_with_transparency_is_hashed(tmp_path: Path) -> None:
    image = scene(8).convert("P")
    image.info["transparency"] = 0
    path = tmp_path / "see-through.gif"
    image.save(path, format="GIF", transparency=0)
    record = hash_file(path)
    assert isinstance(record, HashRecord)
    assert record.pdq is not None


def test_missing_file_is_listed_not_raised(tmp_path: Path) -> None:
    run = hash_paths([tmp_path / "absent.png"], workers=1)
    assert run.records == []
    assert run.unreadable[0].reason.startswith("cannot read")


@pytest.mark.slow
def test_process_pool_gives_the_same_run(folder: Path) -> None:
    single = hash_paths([folder], workers=1)
    pooled = hash_paths([folder], workers=2)
    assert pooled.records == single.records
    assert pooled.unreadable == single.unreadable
