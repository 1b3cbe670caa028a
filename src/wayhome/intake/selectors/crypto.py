"""Canonical forms of crypto-currency wallets and Tor onion services, checksums verified.

Rules (also in `docs-intake-normalisation.md`):
- Bitcoin: Base58Check addresses (P2PKH `1...`, P2SH `3...`, testnet `m/n/2...`) must pass the
  double-SHA-256 checksum and are kept exactly as written (Base58 is case-sensitive); SegWit
  addresses (`bc1...`/`tb1...`) must pass the Bech32 (v0) or Bech32m (v1+) checksum and are
  lower-cased.
- Ethereum: `0x` + 40 hex digits; when the digits mix upper and lower case they must pass
  the EIP-55 checksum (Keccak-256); the canonical form is lower-case with `0x`.
- Monero: 95-character standard/subaddress or 106-character integrated addresses in
  Monero's block Base58, with a known network byte and a Keccak-256 checksum; kept as written.
- Onion: v3 addresses only (56 base32 characters, version byte 3, SHA3-256 checksum);
  canonical form is the lower-case `<56 chars>.onion`, subdomains, scheme and path removed.
"""

from __future__ import annotations

import base64
import re

from wayhome.intake.selectors.codecs import (
    b58check_decode,
    keccak256,
    monero_b58decode,
    onion_v3_checksum,
    segwit_decode,
)

_BTC_VERSIONS = {0x00, 0x05, 0x6F, 0xC4}
_ETH = re.compile(r"^0x[0-9a-fA-F]{40}$")
_MONERO_TAGS = {18, 19, 42, 53, 54, 63, 24, 25, 36}
_ONION_LABEL = re.compile(r"^[a-z2-7]{56}$")


def normalise_btc(value: str) -> str | None:
    """Canonical Bitcoin address, or None when the checksum or format is wrong."""
    text = value.strip()
    if text[:8].lower() == "bitcoin:":
        text = text[8:].split("?", 1)[0]
    lowered = text.lower()
    if lowered.startswith(("bc1", "tb1")):
        if segwit_decode(lowered[:2], text) is None:
            return None
        return lowered
    if not 25 <= len(text) <= 35:
        return None
    payload = b58check_decode(text)
    if payload is None or len(payload) != 21 or payload[0] not in _BTC_VERSIONS:
        return None
    return text


def eip55_checksum(address: str) -> str:
    """The EIP-55 mixed-case spelling of a `0x` + 40 hex Ethereum address."""
    digits = address[2:].lower()
    digest = keccak256(digits.encode("ascii")).hex()
    return "0x" + "".join(
        c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(digits)
    )


def normalise_eth(value: str) -> str | None:
    """Canonical Ethereum address, or None when a mixed-case checksum fails."""
    text = value.strip()
    if text[:2] == "0X":
        text = "0x" + text[2:]
    if not _ETH.match(text):
        return None
    digits = text[2:]
    mixed = digits.lower() != digits and digits.upper() != digits
    if mixed and eip55_checksum(text) != text:
        return None
    return text.lower()


def normalise_xmr(value: str) -> str | None:
    """Canonical Monero address, or None when the checksum or network byte is wrong."""
    text = value.strip()
    if text[:7].lower() == "monero:":
        text = text[7:].split("?", 1)[0]
    if len(text) not in (95, 106):
        return None
    raw = monero_b58decode(text)
    if raw is None or raw[0] not in _MONERO_TAGS:
        return None
    if keccak256(raw[:-4])[:4] != raw[-4:]:
        return None
    return text


def normalise_onion(value: str) -> str | None:
    """Canonical v3 onion host, or None when the checksum or version is wrong."""
    text = value.strip().lower()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = text.split("/", 1)[0].split(":", 1)[0].rstrip(".")
    if not text.endswith(".onion"):
        return None
    label = text[: -len(".onion")].rsplit(".", 1)[-1]
    if not _ONION_LABEL.match(label):
        return None
    raw = base64.b32decode(label.upper())
    pubkey, checksum, version = raw[:32], raw[32:34], raw[34]
    if version != 3 or onion_v3_checksum(pubkey) != checksum:
        return None
    return label + ".onion"
