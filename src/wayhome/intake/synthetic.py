"""Synthetic identifiers with valid checksums, for tests, benchmarks and demo data.

Every value is derived from the caller's random generator, so nothing real is ever used:
IP addresses come from the documentation ranges (RFC 5737, RFC 3849), domains from
`example.*` style names, phone numbers from `phonenumbers`' example numbers with random tails
checked for validity.
"""

from __future__ import annotations

import random

import phonenumbers

from wayhome.intake.selectors.codecs import (
    b58check_encode,
    keccak256,
    monero_b58encode,
    onion_v3_address,
    segwit_encode,
)
from wayhome.intake.selectors.crypto import eip55_checksum

_DOC_NETS_V4 = ("192.0.2", "198.51.100", "203.0.113")


def random_bytes(rng: random.Random, size: int) -> bytes:
    """`size` bytes from the generator."""
    return bytes(rng.getrandbits(8) for _ in range(size))


def btc_p2pkh(rng: random.Random) -> str:
    """A Base58Check P2PKH Bitcoin address (`1...`) with a valid checksum."""
    return b58check_encode(b"\x00" + random_bytes(rng, 20))


def btc_p2sh(rng: random.Random) -> str:
    """A Base58Check P2SH Bitcoin address (`3...`) with a valid checksum."""
    return b58check_encode(b"\x05" + random_bytes(rng, 20))


def btc_segwit(rng: random.Random, version: int = 0) -> str:
    """A `bc1` SegWit address: Bech32 for version 0, Bech32m (taproot) for version 1."""
    return segwit_encode("bc", version, random_bytes(rng, 20 if version == 0 else 32))


def eth_address(rng: random.Random) -> str:
    """An Ethereum address in EIP-55 mixed case."""
    return eip55_checksum("0x" + random_bytes(rng, 20).hex())


def xmr_address(rng: random.Random, integrated: bool = False) -> str:
    """A Monero main-net address (95 characters, or 106 when integrated)."""
    body = bytes([19 if integrated else 18]) + random_bytes(rng, 64)
    if integrated:
        body += random_bytes(rng, 8)
    return monero_b58encode(body + keccak256(body)[:4])


def onion_address(rng: random.Random) -> str:
    """A Tor v3 onion host name with a valid checksum."""
    return onion_v3_address(random_bytes(rng, 32))


def session_id(rng: random.Random) -> str:
    """A Session messenger id (66 hex digits starting 05)."""
    return "05" + random_bytes(rng, 32).hex()


def tox_id(rng: random.Random) -> str:
    """A Tox id (76 hex digits) with a valid XOR checksum."""
    raw = random_bytes(rng, 36)
    check = [0, 0]
    for i, byte in enumerate(raw):
        check[i % 2] ^= byte
    return (raw + bytes(check)).hex().upper()


def pgp_fingerprint(rng: random.Random) -> str:
    """A v4 PGP fingerprint (40 upper-case hex digits)."""
    return random_bytes(rng, 20).hex().upper()


def ipv4_address(rng: random.Random) -> str:
    """An IPv4 address from the RFC 5737 documentation ranges."""
    return f"{rng.choice(_DOC_NETS_V4)}.{rng.randint(1, 254)}"


def ipv6_address(rng: random.Random) -> str:
    """An IPv6 address from the RFC 3849 documentation range."""
    groups = ":".join(f"{rng.getrandbits(16):x}" for _ in range(4))
    return f"2001:db8:{rng.getrandbits(16):x}:{rng.getrandbits(16):x}:{groups}"


def phone_number(rng: random.Random, region: str = "GB") -> str:
    """A valid E.164 number for `region`, built from its example number with a random tail."""
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if example is None:
        raise ValueError(f"phonenumbers has no example mobile number for {region!r}")
    national = str(example.national_number)
    for _ in range(50):
        tail = "".join(rng.choice("0123456789") for _ in range(3))
        candidate = phonenumbers.parse(f"+{example.country_code}{national[:-3]}{tail}")
        if phonenumbers.is_valid_number(candidate):
            return str(phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164))
    return str(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164))


def handle_name(rng: random.Random) -> str:
    """A made-up online handle such as `blue_fox42`."""
    first = rng.choice(["blue", "dark", "night", "silent", "shadow", "lucky", "red", "cold"])
    second = rng.choice(["fox", "owl", "rider", "wolf", "cat", "hawk", "ghost", "tiger"])
    return f"{first}_{second}{rng.randint(1, 999)}"
