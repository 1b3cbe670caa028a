"""Canonical forms of hex identifiers: PGP fingerprints and key ids, file hashes.

Rules (also in `docs-intake-normalisation.md`):
- PGP fingerprint (v4): 40 hex digits; spaces, colons and a `0x` prefix removed; upper-case
  (the way GnuPG prints them).
- PGP key id: 16 hex digits (the long id); `0x` prefix removed; upper-case, so a key id
  equals the last 16 digits of its fingerprint.
- MD5 / SHA-1 / SHA-256: 32 / 40 / 64 hex digits, lower-case, no separators.
"""

from __future__ import annotations

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
