"""Argon2id password hashing (argon2-cffi's defaults follow RFC 9106's recommendations)."""

from __future__ import annotations

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """Hash a password with Argon2id and a random salt."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def use_cheapest_parameters() -> None:
    """Switch to argon2's cheapest profile; for test suites only, never for real accounts."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    _dummy_hash = None


_dummy_hash: str | None = None


def dummy_hash() -> str:
    """A hash of a fixed string with today's parameters, verified against when the account
    does not exist so that a failed sign-in takes the same time whether or not the username
    is known. Made on first use, not at import: every CLI command imports this module and
    one Argon2 hash costs 0.13-0.17 s."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("wayhome-timing-equaliser")
    return _dummy_hash
