"""Canonical forms of hex identifiers: PGP fingerprints and key ids, file hashes.

Rules (also in `docs-intake-normalisation.md`):
- PGP fingerprint (v4): 40 hex digits; spaces, colons and a `0x` prefix removed; upper-case
  (the way GnuPG prints them).
- PGP key id: 16 hex digits (the long id); `0x` prefix removed; upper-case, so a key id
  equals the last 16 digits of its fingerprint.
- MD5 / SHA-1 / SHA-256: 32 / 40 / 64 hex digits, lower-case, no separators.
- An ASCII-armoured public key block yields the v4 fingerprint of its first key packet
  (RFC 4880 §12.2: SHA-1 over 0x99, the two-byte packet length and the packet body).
"""

from __future__ import annotations

import binascii
import hashlib
import re

_HEX = re.compile(r"^[0-9a-f]+$")
_SEPARATORS = re.compile(r"[\s:]+")


def _hex_digits(value: str) -> str:
    text = _SEPARATORS.sub("", value.strip()).lower()
    return text[2:] if text.startswith("0x") else text


def normalise_pgp_fingerprint(value: str) -> str | None:
    """Canonical v4 PGP fingerprint, or None when it is not 40 hex digits."""
    text = _hex_digits(value)
    if len(text) != 40 or not _HEX.match(text):
        return None
    return text.upper()


def normalise_pgp_key_id(value: str) -> str | None:
    """Canonical 16-digit PGP key id, or None when it is not one."""
    text = _hex_digits(value)
    if len(text) != 16 or not _HEX.match(text):
        return None
    return text.upper()


def normalise_hash(value: str, length: int) -> str | None:
    """Canonical hex digest of the given length, or None when it is not one."""
    text = value.strip().lower()
    if len(text) != length or not _HEX.match(text):
        return None
    return text


_ARMOUR = re.compile(
    r"-----BEGIN PGP PUBLIC KEY BLOCK-----(.*?)-----END PGP PUBLIC KEY BLOCK-----", re.DOTALL
)


def _first_packet(data: bytes) -> tuple[int, bytes] | None:
    """The tag and body of the first OpenPGP packet, None when the header is not usable."""
    if len(data) < 2 or not data[0] & 0x80:
        return None
    if data[0] & 0x40:  # new format
        tag, first = data[0] & 0x3F, data[1]
        if first < 192:
            length, start = first, 2
        elif first < 224 and len(data) > 2:
            length, start = ((first - 192) << 8) + data[2] + 192, 3
        elif first == 255 and len(data) > 5:
            length, start = int.from_bytes(data[2:6], "big"), 6
        else:
            return None  # partial body lengths never start a key packet
    else:
        tag, size = (data[0] >> 2) & 0x0F, {0: 1, 1: 2, 2: 4}.get(data[0] & 0x03)
        if size is None or len(data) < 1 + size:
            return None
        length, start = int.from_bytes(data[1 : 1 + size], "big"), 1 + size
    body = data[start : start + length]
    return (tag, body) if len(body) == length else None


def pgp_fingerprint_of_key_block(text: str) -> str | None:
    """The v4 fingerprint of the first public key in an armoured key block, or None."""
    found = _ARMOUR.search(text)
    if found is None:
        return None
    lines = [line.strip() for line in found.group(1).splitlines()]
    payload = "".join(
        line for line in lines if line and ":" not in line and not line.startswith("=")
    )
    try:
        data = binascii.a2b_base64(payload, strict_mode=True)
    except (binascii.Error, ValueError):
        return None
    packet = _first_packet(data)
    if packet is None or packet[0] != 6 or not packet[1] or packet[1][0] != 4:
        return None
    body = packet[1]
    digest = hashlib.sha1(b"\x99" + len(body).to_bytes(2, "big") + body, usedforsecurity=False)
    return digest.hexdigest().upper()
