"""Checksummed encodings used by crypto-currency and onion addresses.

Bitcoin Base58Check (double SHA-256), Bech32 (BIP-173) and Bech32m (BIP-350), Monero's
block-wise Base58 with a Keccak-256 checksum, and Tor v3 onion checksums (SHA3-256).
Keccak-256 is the original Keccak padding used by Ethereum and Monero, which differs from
the standardised SHA3-256 in `hashlib`; it comes from pycryptodome.
"""

from __future__ import annotations

import base64
import hashlib

from Crypto.Hash import keccak

B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(B58_ALPHABET)}
BECH32_ALPHABET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(BECH32_ALPHABET)}
BECH32_CONST = 1
BECH32M_CONST = 0x2BC830A3
_MONERO_BLOCK_SIZES = [0, -1, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8]  # encoded length -> bytes


def keccak256(data: bytes) -> bytes:
    """Keccak-256 digest (Ethereum/Monero flavour, not NIST SHA3-256)."""
    return bytes(keccak.new(digest_bits=256, data=data).digest())


def b58decode(text: str) -> bytes | None:
    """Decode Bitcoin-alphabet Base58, or None when a character is outside the alphabet."""
    number = 0
    for char in text:
        digit = _B58_INDEX.get(char)
        if digit is None:
            return None
        number = number * 58 + digit
    leading = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\x00" * leading + body


def b58encode(data: bytes) -> str:
    """Encode bytes as Bitcoin-alphabet Base58."""
    number = int.from_bytes(data, "big")
    chars: list[str] = []
    while number:
        number, rest = divmod(number, 58)
        chars.append(B58_ALPHABET[rest])
    leading = len(data) - len(data.lstrip(b"\x00"))
    return "1" * leading + "".join(reversed(chars))


def b58check_decode(text: str) -> bytes | None:
    """Payload of a Base58Check string, or None when the checksum does not match."""
    raw = b58decode(text)
    if raw is None or len(raw) < 5:
        return None
    payload, checksum = raw[:-4], raw[-4:]
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != checksum:
        return None
    return payload


def b58check_encode(payload: bytes) -> str:
    """Base58Check encoding of a payload (used by tests and exports)."""
    checksum = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    return b58encode(payload + checksum)


def _bech32_polymod(values: list[int]) -> int:
    generator = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            checksum ^= generator[i] if ((top >> i) & 1) else 0
    return checksum


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def bech32_decode(text: str) -> tuple[str, list[int], int] | None:
    """Split a Bech32/Bech32m string into (hrp, 5-bit data without checksum, constant)."""
    if text.lower() != text and text.upper() != text:
        return None
    text = text.lower()
    pos = text.rfind("1")
    if pos < 1 or pos + 7 > len(text) or len(text) > 90:
        return None
    hrp = text[:pos]
    data: list[int] = []
    for char in text[pos + 1 :]:
        digit = _BECH32_INDEX.get(char)
        if digit is None:
            return None
        data.append(digit)
    const = _bech32_polymod(_hrp_expand(hrp) + data)
    if const not in (BECH32_CONST, BECH32M_CONST):
        return None
    return hrp, data[:-6], const


def bech32_encode(hrp: str, data: list[int], const: int) -> str:
    """Encode 5-bit data with a Bech32 (const 1) or Bech32m checksum."""
    polymod = _bech32_polymod([*_hrp_expand(hrp), *data, 0, 0, 0, 0, 0, 0]) ^ const
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32_ALPHABET[d] for d in data + checksum)


def convert_bits(data: list[int], from_bits: int, to_bits: int, pad: bool) -> list[int] | None:
    """Regroup a list of integers from one bit width to another (Bech32 helper)."""
    acc = 0
    bits = 0
    out: list[int] = []
    maxv = (1 << to_bits) - 1
    for value in data:
        if value < 0 or value >> from_bits:
            return None
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (to_bits - bits)) & maxv)
    elif bits >= from_bits or ((acc << (to_bits - bits)) & maxv):
        return None
    return out


def segwit_decode(hrp: str, address: str) -> tuple[int, bytes] | None:
    """(witness version, program) of a SegWit address, checking BIP-173/BIP-350 rules."""
    decoded = bech32_decode(address)
    if decoded is None or decoded[0] != hrp or not decoded[1]:
        return None
    _, data, const = decoded
    version = data[0]
    program = convert_bits(data[1:], 5, 8, pad=False)
    if program is None or version > 16 or not 2 <= len(program) <= 40:
        return None
    if version == 0 and len(program) not in (20, 32):
        return None
    if (version == 0) != (const == BECH32_CONST):
        return None
    return version, bytes(program)


def segwit_encode(hrp: str, version: int, program: bytes) -> str:
    """SegWit address for a witness version and program (Bech32 for v0, Bech32m above)."""
    data = [version, *(convert_bits(list(program), 8, 5, pad=True) or [])]
    return bech32_encode(hrp, data, BECH32_CONST if version == 0 else BECH32M_CONST)


def monero_b58decode(text: str) -> bytes | None:
    """Decode Monero Base58 (8-byte blocks encoded as 11 characters), or None if malformed."""
    out = bytearray()
    for offset in range(0, len(text), 11):
        block = text[offset : offset + 11]
        size = _MONERO_BLOCK_SIZES[len(block)] if len(block) < len(_MONERO_BLOCK_SIZES) else -1
        if size < 0:
            return None
        number = 0
        for char in block:
            digit = _B58_INDEX.get(char)
            if digit is None:
                return None
            number = number * 58 + digit
        if number >= 1 << (8 * size):
            return None
        out += number.to_bytes(size, "big")
    return bytes(out)


def monero_b58encode(data: bytes) -> str:
    """Encode bytes as Monero Base58 (used by tests and exports)."""
    parts: list[str] = []
    for offset in range(0, len(data), 8):
        block = data[offset : offset + 8]
        length = _MONERO_BLOCK_SIZES.index(len(block))
        number = int.from_bytes(block, "big")
        chars = []
        for _ in range(length):
            number, rest = divmod(number, 58)
            chars.append(B58_ALPHABET[rest])
        parts.append("".join(reversed(chars)))
    return "".join(parts)


def onion_v3_checksum(pubkey: bytes, version: int = 3) -> bytes:
    """The two checksum bytes of a Tor v3 onion address."""
    return hashlib.sha3_256(b".onion checksum" + pubkey + bytes([version])).digest()[:2]


def onion_v3_address(pubkey: bytes) -> str:
    """Onion v3 host name for a 32-byte ed25519 public key (used by tests and demos)."""
    raw = pubkey + onion_v3_checksum(pubkey) + b"\x03"
    return base64.b32encode(raw).decode("ascii").lower() + ".onion"
